package eic.web.ops;

import eic.common.aws.QueueDepth;
import eic.common.aws.StackNames;
import eic.web.classify.RequestQueue;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.s3.S3Client;

/** UP only when both buckets and the request queue answer (the queue read within the last second). */
@Component("storage")
class StorageHealthIndicator implements HealthIndicator {
    private final S3Client s3;
    private final RequestQueue queue;
    private final StackNames names;

    StorageHealthIndicator(S3Client s3, RequestQueue queue, StackNames names) {
        this.s3 = s3;
        this.queue = queue;
        this.names = names;
    }

    @Override
    public Health health() {
        try {
            s3.headBucket(b -> b.bucket(names.inputBucket()));
            s3.headBucket(b -> b.bucket(names.outputBucket()));
            QueueDepth depth = queue.depth();
            return Health.up().withDetail("inputBucket", names.inputBucket())
                    .withDetail("outputBucket", names.outputBucket())
                    .withDetail("requestQueue", names.requestQueue())
                    .withDetail("visibleMessages", depth.visible())
                    .withDetail("inFlightMessages", depth.inFlight()).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
