package eic.app.worker;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.Messages;
import eic.common.queue.BatchingSender;
import eic.common.queue.Transient;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Sends replies, those that are ready together as one batch per reply queue
 * ({@link BatchingSender}); a reply queue that no longer exists means nobody waits there
 * (the record stays).
 */
public final class Replies {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private final BatchingSender sender;
    private final Clock clock;

    public Replies(SqsClient sqs, Clock clock) {
        this.sender = new BatchingSender(sqs);
        this.clock = clock;
    }

    /** Sends {@code reply} to {@code replyTo} (none for async requests), retrying an outage until {@code giveUpAt}. */
    public void send(String replyTo, ClassificationReply reply, Instant giveUpAt) {
        if (replyTo == null || replyTo.isBlank()) {
            return;
        }
        try {
            String body = Messages.toJson(reply);
            Transient.retry(() -> sender.send(replyTo, body), giveUpAt, clock);
        } catch (QueueDoesNotExistException e) {
            log.info("reply queue {} is gone; the result stays in the output bucket", replyTo);
        }
    }
}
