package eic.infra.provision;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Creates (or converges) the buckets and queues: input and output buckets, the request
 * queue with its dead-letter queue. Idempotent: run it again and nothing changes. The
 * same code provisions AWS and the local stack; only hardening that the local S3 lacks
 * (public-access block, default encryption) is AWS-only.
 */
public final class StorageProvisioner {
    private static final Logger log = LoggerFactory.getLogger(StorageProvisioner.class);

    private final S3Client s3;
    private final SqsClient sqs;
    private final boolean harden;

    public StorageProvisioner(S3Client s3, SqsClient sqs, boolean harden) {
        this.s3 = s3;
        this.sqs = sqs;
        this.harden = harden;
    }

    public record Provisioned(String requestQueueUrl, String deadLetterQueueUrl) {
    }

    public Provisioned apply(ResourceSpec spec) {
        bucket(spec.names().inputBucket());
        bucket(spec.names().outputBucket());
        String dlq = queue(spec.names().deadLetterQueue(), Map.of(
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(spec.retention().toSeconds())));
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String requests = queue(spec.names().requestQueue(), Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(spec.visibilityTimeout().toSeconds()),
                QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20",
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(spec.retention().toSeconds()),
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn
                        + "\",\"maxReceiveCount\":\"" + spec.maxReceiveCount() + "\"}"));
        return new Provisioned(requests, dlq);
    }

    private void bucket(String name) {
        try {
            s3.headBucket(b -> b.bucket(name));
        } catch (NoSuchBucketException e) {
            create(name);
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            create(name);
        }
        if (harden) {
            s3.putPublicAccessBlock(b -> b.bucket(name).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                    .blockPublicPolicy(true).ignorePublicAcls(true).restrictPublicBuckets(true)));
            ServerSideEncryptionRule rule = ServerSideEncryptionRule.builder()
                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)).build();
            s3.putBucketEncryption(b -> b.bucket(name).serverSideEncryptionConfiguration(c -> c.rules(rule)));
        }
    }

    private void create(String name) {
        try {
            s3.createBucket(b -> b.bucket(name));
            log.info("created bucket {}", name);
        } catch (BucketAlreadyOwnedByYouException e) {
            log.debug("bucket {} exists", name);
        }
    }

    /** Creates the queue or, when it exists, sets its attributes to the wanted values. */
    private String queue(String name, Map<QueueAttributeName, String> attributes) {
        try {
            String url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
            return url;
        } catch (QueueDoesNotExistException e) {
            String url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
            log.info("created queue {}", name);
            return url;
        }
    }
}
