package eic.infra.provision;

import eic.common.aws.ResourceSpec;
import eic.common.messaging.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
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
        String dlq = queue(spec.names().deadLetterQueue(), deadLetterAttributes(spec));
        String requests = queue(spec.names().requestQueue(), requestAttributes(spec, arn(dlq)));
        return new Provisioned(requests, dlq);
    }

    /** What {@link #apply} would change, one line each; reads only. */
    public List<String> plan(ResourceSpec spec) {
        List<String> changes = new ArrayList<>();
        for (String bucket : List.of(spec.names().inputBucket(), spec.names().outputBucket())) {
            if (!bucketExists(bucket)) {
                changes.add("bucket " + bucket + ": create" + (harden ? " (private, encrypted)" : ""));
            }
        }
        Optional<String> dlq = queueUrl(spec.names().deadLetterQueue());
        planQueue(changes, spec.names().deadLetterQueue(), dlq, deadLetterAttributes(spec));
        planQueue(changes, spec.names().requestQueue(), queueUrl(spec.names().requestQueue()),
                requestAttributes(spec, dlq.map(this::arn).orElse("<dead-letter queue>")));
        return changes;
    }

    /** Deletes the queues and, with {@code buckets}, the buckets with everything in them; returns what went. */
    public List<String> delete(ResourceSpec spec, boolean buckets) {
        List<String> deleted = new ArrayList<>();
        for (String queue : List.of(spec.names().requestQueue(), spec.names().deadLetterQueue())) {
            queueUrl(queue).ifPresent(url -> {
                sqs.deleteQueue(b -> b.queueUrl(url));
                deleted.add("queue " + queue);
            });
        }
        if (buckets) {
            for (String bucket : List.of(spec.names().inputBucket(), spec.names().outputBucket())) {
                if (bucketExists(bucket)) {
                    emptyBucket(bucket);
                    s3.deleteBucket(b -> b.bucket(bucket));
                    deleted.add("bucket " + bucket);
                }
            }
        }
        return deleted;
    }

    private void planQueue(List<String> changes, String name, Optional<String> url,
                           Map<QueueAttributeName, String> wanted) {
        if (url.isEmpty()) {
            changes.add("queue " + name + ": create");
            return;
        }
        Map<QueueAttributeName, String> actual = sqs.getQueueAttributes(b -> b.queueUrl(url.get())
                .attributeNames(wanted.keySet())).attributes();
        wanted.forEach((attribute, value) -> {
            String have = actual.get(attribute);
            boolean redrive = attribute == QueueAttributeName.REDRIVE_POLICY;
            if (have == null && !redrive) {
                // Not reported by this endpoint (ElasticMQ omits MessageRetentionPeriod); SQS always reports it.
                return;
            }
            boolean same = redrive ? sameRedrive(have, value) : value.equals(have);
            if (!same) {
                changes.add("queue " + name + ": " + attribute + " " + have + " -> " + value);
            }
        });
    }

    /** SQS hands maxReceiveCount back as a number or a string; compare the meaning. */
    private static boolean sameRedrive(String actual, String wanted) {
        if (actual == null) {
            return false;
        }
        try {
            var a = Messages.json().readTree(actual);
            var w = Messages.json().readTree(wanted);
            return a.path("deadLetterTargetArn").asText().equals(w.path("deadLetterTargetArn").asText())
                    && a.path("maxReceiveCount").asText().equals(w.path("maxReceiveCount").asText());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    private static Map<QueueAttributeName, String> deadLetterAttributes(ResourceSpec spec) {
        return Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(spec.retention().toSeconds()));
    }

    private static Map<QueueAttributeName, String> requestAttributes(ResourceSpec spec, String deadLetterArn) {
        return Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(spec.visibilityTimeout().toSeconds()),
                QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20",
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(spec.retention().toSeconds()),
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLetterArn
                        + "\",\"maxReceiveCount\":\"" + spec.maxReceiveCount() + "\"}");
    }

    private String arn(String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private Optional<String> queueUrl(String name) {
        try {
            return Optional.of(sqs.getQueueUrl(b -> b.queueName(name)).queueUrl());
        } catch (QueueDoesNotExistException e) {
            return Optional.empty();
        }
    }

    private boolean bucketExists(String name) {
        try {
            s3.headBucket(b -> b.bucket(name));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void emptyBucket(String bucket) {
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket))) {
            if (!page.contents().isEmpty()) {
                s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(page.contents().stream()
                        .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList())));
            }
        }
    }

    private void bucket(String name) {
        if (!bucketExists(name)) {
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
