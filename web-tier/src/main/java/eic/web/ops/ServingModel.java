package eic.web.ops;

import eic.common.aws.StackNames;
import eic.common.messaging.Messages;
import eic.common.messaging.ModelAnnouncement;
import eic.common.messaging.ObjectKeys;
import eic.web.classify.RequestStats;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Which model answers, as the workers say it: their announcement in the output bucket,
 * re-read at most every few seconds; before any worker announced, the model named by the
 * latest reply this instance saw.
 */
@Component
class ServingModel {
    private static final Logger log = LoggerFactory.getLogger(ServingModel.class);
    private static final Duration REFRESH = Duration.ofSeconds(5);

    /** How the pages show it; {@code source} says where the web tier learnt it. */
    record View(String name, String description, String workerId, String announcedAt, String source) {
    }

    private final S3Client s3;
    private final StackNames names;
    private final RequestStats stats;
    private final Clock clock = Clock.systemUTC();
    private Optional<ModelAnnouncement> cached = Optional.empty();
    private long nextReadMillis;

    ServingModel(S3Client s3, StackNames names, RequestStats stats) {
        this.s3 = s3;
        this.names = names;
        this.stats = stats;
    }

    Optional<View> current() {
        Optional<ModelAnnouncement> announced = announcement();
        if (announced.isPresent()) {
            ModelAnnouncement a = announced.get();
            return Optional.of(new View(a.model(), a.description(), a.workerId(), String.valueOf(a.announcedAt()),
                    "worker announcement"));
        }
        return Optional.ofNullable(stats.lastModel()).map(m -> new View(m, null, null, null, "latest reply"));
    }

    private synchronized Optional<ModelAnnouncement> announcement() {
        long now = clock.millis();
        if (now < nextReadMillis) {
            return cached;
        }
        nextReadMillis = now + REFRESH.toMillis();
        try {
            byte[] json = s3.getObjectAsBytes(b -> b.bucket(names.outputBucket()).key(ObjectKeys.SERVING_MODEL))
                    .asByteArray();
            cached = Optional.of(Messages.json().readValue(json, ModelAnnouncement.class));
        } catch (NoSuchKeyException e) {
            cached = Optional.empty();
        } catch (SdkException | IOException e) {
            log.warn("cannot read the serving model's announcement: {}", e.getMessage());
        }
        return cached;
    }
}
