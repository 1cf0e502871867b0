package eic.infra.stack;

import static eic.infra.stack.WorkerStack.props;

import eic.common.aws.ResourceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The data: the input and output buckets (private, encrypted, TLS only, tagged with the stack;
 * uploads expire) and the request queue with its dead-letter queue, named from the stack. All
 * retained when the stack goes: data outlives the stack.
 *
 * @param storage      visibility timeout, dead-letter receive count and retention of the queues
 * @param uploadExpiry how long an upload stays in the input bucket (a lifecycle rule)
 */
record StorageResources(ResourceSpec storage, Duration uploadExpiry) {
    /** The tag on what the stack retains, by which {@code destroy --delete-data} finds it after the stack is gone. */
    static final String STACK_TAG = "eic:stack";

    void render(Template t) {
        t.resource("InputBucket", Template.Resource.of("AWS::S3::Bucket", bucket(List.of(props(
                "Id", "expire-uploads", "Status", "Enabled", "Prefix", "uploads/",
                "ExpirationInDays", uploadExpiry.toDays())))).retained());
        t.resource("OutputBucket", Template.Resource.of("AWS::S3::Bucket", bucket(List.of())).retained());
        t.resource("DeadLetterQueue", Template.Resource.of("AWS::SQS::Queue", props(
                "QueueName", Fn.sub("${AWS::StackName}-requests-dlq"),
                "Tags", stackTag(),
                "MessageRetentionPeriod", storage.retention().toSeconds(),
                "SqsManagedSseEnabled", true)).retained());
        t.resource("RequestQueue", Template.Resource.of("AWS::SQS::Queue", props(
                "QueueName", Fn.sub("${AWS::StackName}-requests"),
                "Tags", stackTag(),
                "VisibilityTimeout", storage.visibilityTimeout().toSeconds(),
                "ReceiveMessageWaitTimeSeconds", 20,
                "MessageRetentionPeriod", storage.retention().toSeconds(),
                "SqsManagedSseEnabled", true,
                "RedrivePolicy", props("deadLetterTargetArn", Fn.getAtt("DeadLetterQueue", "Arn"),
                        "maxReceiveCount", storage.maxReceiveCount()))).retained());
        // TLS only: a request over plain HTTP is refused whoever sends it.
        for (String bucket : List.of("InputBucket", "OutputBucket")) {
            t.resource(bucket + "TlsOnly", Template.Resource.of("AWS::S3::BucketPolicy", props(
                    "Bucket", Fn.ref(bucket),
                    "PolicyDocument", tlsOnly("s3:*", List.of(Fn.getAtt(bucket, "Arn"),
                            Fn.sub("${" + bucket + ".Arn}/*"))))));
        }
        t.resource("QueuesTlsOnly", Template.Resource.of("AWS::SQS::QueuePolicy", props(
                "Queues", List.of(Fn.ref("RequestQueue"), Fn.ref("DeadLetterQueue")),
                "PolicyDocument", tlsOnly("sqs:*", List.of(Fn.getAtt("RequestQueue", "Arn"),
                        Fn.getAtt("DeadLetterQueue", "Arn"))))));
    }

    private static Map<String, Object> tlsOnly(String actions, Object resources) {
        return props("Version", "2012-10-17", "Statement", List.of(props(
                "Sid", "TlsOnly", "Effect", "Deny", "Principal", "*", "Action", actions, "Resource", resources,
                "Condition", props("Bool", props("aws:SecureTransport", "false")))));
    }

    static List<Map<String, Object>> stackTag() {
        return List.of(props("Key", STACK_TAG, "Value", Fn.sub("${AWS::StackName}")));
    }

    /** Private, encrypted, tagged with the stack; the input bucket expires uploads. */
    private static Map<String, Object> bucket(List<Map<String, Object>> lifecycleRules) {
        Map<String, Object> properties = props(
                "Tags", stackTag(),
                "PublicAccessBlockConfiguration", props("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", props("ServerSideEncryptionConfiguration", List.of(props(
                        "ServerSideEncryptionByDefault", props("SSEAlgorithm", "AES256")))),
                "OwnershipControls", props("Rules", List.of(props("ObjectOwnership", "BucketOwnerEnforced"))));
        if (!lifecycleRules.isEmpty()) {
            properties.put("LifecycleConfiguration", props("Rules", lifecycleRules));
        }
        return properties;
    }
}
