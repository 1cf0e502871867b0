package eic.web.classify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Removes the reply queues of web instances that went without deleting theirs (killed,
 * crashed, terminated): each live instance stamps its queue with a heartbeat tag every
 * {@code beat}; a queue of the stack whose latest stamp (or, never stamped, its creation) is
 * older than {@code staleAfter} belongs to an instance that is gone, and any instance's
 * sweep deletes it. Late replies for it are lost with it; their records stay in the output
 * bucket.
 */
final class ReplyQueueSweeper {
    static final String ALIVE_TAG = "eic:alive";
    private static final Logger log = LoggerFactory.getLogger(ReplyQueueSweeper.class);

    private final SqsClient sqs;
    private final String prefix;
    private final Duration staleAfter;
    private final Clock clock;

    ReplyQueueSweeper(SqsClient sqs, String prefix, Duration staleAfter, Clock clock) {
        this.sqs = sqs;
        this.prefix = prefix;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** This instance's queue is alive now. */
    void stamp(String ownUrl) {
        sqs.tagQueue(b -> b.queueUrl(ownUrl).tags(Map.of(ALIVE_TAG, Long.toString(clock.instant().getEpochSecond()))));
    }

    /** Stamps {@code ownUrl}, deletes every other reply queue of the stack not stamped for too long; the deleted. */
    List<String> sweep(String ownUrl) {
        stamp(ownUrl);
        List<String> deleted = new ArrayList<>();
        Instant cutoff = clock.instant().minus(staleAfter);
        for (String url : sqs.listQueuesPaginator(b -> b.queueNamePrefix(prefix)).queueUrls()) {
            if (url.equals(ownUrl)) {
                continue;
            }
            try {
                Optional<Instant> alive = lastSignOfLife(url);
                if (alive.isPresent() && alive.get().isBefore(cutoff)) {
                    sqs.deleteQueue(b -> b.queueUrl(url));
                    deleted.add(url);
                    log.info("deleted reply queue {}: its web instance's last sign of life was {}", url, alive.get());
                }
            } catch (QueueDoesNotExistException gone) {
                log.debug("reply queue {} went meanwhile", url);
            } catch (SdkException e) {
                log.warn("could not sweep reply queue {}: {}", url, e.getMessage());
            }
        }
        return deleted;
    }

    private Optional<Instant> lastSignOfLife(String url) {
        String stamp = sqs.listQueueTags(b -> b.queueUrl(url)).tags().get(ALIVE_TAG);
        if (stamp != null) {
            try {
                return Optional.of(Instant.ofEpochSecond(Long.parseLong(stamp.trim())));
            } catch (NumberFormatException e) {
                log.debug("reply queue {} has an unreadable stamp {}", url, stamp);
            }
        }
        String created = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.CREATED_TIMESTAMP))
                .attributes().get(QueueAttributeName.CREATED_TIMESTAMP);
        return Optional.ofNullable(created).map(c -> Instant.ofEpochSecond(Long.parseLong(c.trim())));
    }
}
