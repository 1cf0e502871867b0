package eic.infra.stack;

import eic.common.aws.AwsClients;
import java.io.PrintStream;
import java.util.Locale;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What a stack keeps when it is deleted - its buckets (tagged with the stack's name), its two
 * queues (and the reply queues web instances that went uncleanly left) and its log group -
 * found without the stack, by those names and that tag, so that it can be deleted then or
 * any time later. Nothing that is not the stack's is touched.
 */
final class RetainedData {
    private final String stack;
    private final AwsClients aws;
    private final CloudWatchLogsClient logs;

    RetainedData(String stack, AwsClients aws, CloudWatchLogsClient logs) {
        this.stack = stack;
        this.aws = aws;
        this.logs = logs;
    }

    /** What is kept, in one line, and how to delete it. */
    String kept() {
        return "kept: the buckets (tagged " + StorageResources.STACK_TAG + "=" + stack + "), the queues " + stack
                + "-requests(-dlq) and the log group " + logGroup() + "; destroy --delete-data deletes them, now or later";
    }

    /** Deletes all of it, each said on {@code out} as it goes; finding none is no error. */
    void delete(PrintStream out) {
        int deleted = 0;
        for (Bucket bucket : aws.s3().listBuckets().buckets()) {
            // CloudFormation names a bucket after its stack; the tag says which stack it really is.
            if (bucket.name().startsWith(stack.toLowerCase(Locale.ROOT) + "-") && taggedWithStack(bucket)) {
                for (var page : aws.s3().listObjectsV2Paginator(b -> b.bucket(bucket.name()))) {
                    if (!page.contents().isEmpty()) {
                        aws.s3().deleteObjects(b -> b.bucket(bucket.name()).delete(d -> d.objects(page.contents()
                                .stream().map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList())));
                    }
                }
                aws.s3().deleteBucket(b -> b.bucket(bucket.name()));
                out.println("deleted bucket " + bucket.name());
                deleted++;
            }
        }
        for (String queue : aws.sqs().listQueues(b -> b.queueNamePrefix(stack + "-")).queueUrls()) {
            String name = queue.substring(queue.lastIndexOf('/') + 1);
            if (name.equals(stack + "-requests") || name.equals(stack + "-requests-dlq")
                    || name.startsWith(stack + "-replies-")) {
                aws.sqs().deleteQueue(b -> b.queueUrl(queue));
                out.println("deleted queue " + name);
                deleted++;
            }
        }
        try {
            logs.deleteLogGroup(b -> b.logGroupName(logGroup()));
            out.println("deleted log group " + logGroup());
            deleted++;
        } catch (ResourceNotFoundException e) {
            // kept by no one: nothing to say
        }
        out.println(deleted == 0 ? "nothing of stack " + stack + " found" : "deleted " + deleted + " thing(s) of "
                + "stack " + stack);
    }

    private boolean taggedWithStack(Bucket bucket) {
        try {
            return aws.s3().getBucketTagging(b -> b.bucket(bucket.name())).tagSet().stream()
                    .anyMatch(t -> t.key().equals(StorageResources.STACK_TAG) && t.value().equals(stack));
        } catch (S3Exception e) {
            return false; // untagged, or in another region: not this stack's
        }
    }

    private String logGroup() {
        return Alarms.LOG_GROUP.replace("${AWS::StackName}", stack);
    }
}
