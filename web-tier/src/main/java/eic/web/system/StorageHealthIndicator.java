package eic.web.system;

import eic.common.aws.StackNames;
import eic.common.aws.QueueDepth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** UP only when both buckets and the request queue answer. */
@Component("storage")
class StorageHealthIndicator implements HealthIndicator {
    private final S3Client s3;
    private final SqsClient sqs;
    private final StackNames names;

    StorageHealthIndicator(S3Client s3, SqsClient sqs, StackNames names) {
        this.s3 = s3;
        this.sqs = sqs;
        this.names = names;
    }

    @Override
    public Health health() {
        try {
            s3.headBucket(b -> b.bucket(names.inputBucket()));
            s3.headBucket(b -> b.bucket(names.outputBucket()));
            String url = sqs.getQueueUrl(b -> b.queueName(names.requestQueue())).queueUrl();
            QueueDepth depth = QueueDepth.read(sqs, url);
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
