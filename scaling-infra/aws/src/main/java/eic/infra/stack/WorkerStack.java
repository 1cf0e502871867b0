package eic.infra.stack;

import eic.infra.provision.ResourceSpec;
import eic.infra.scaling.ScalingPolicy;
import eic.infra.scaling.StepAdjustment;
import eic.infra.scaling.StepPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data and the elastic worker fleet as one CloudFormation template, rendered from the
 * same {@link ScalingPolicy} object the local fleet controller runs: the buckets and queues
 * (retained when the stack goes, named from the stack so nothing global collides), the
 * workers' Auto Scaling group with a termination lifecycle hook for the drain, and the two
 * step-scaling policies with their q - i metric-math alarms.
 *
 * <p>This is the first part of the one-stack deployment; the front door, IAM, alerting and
 * the change-set CLI come next, replacing the hand-written engine in {@code eic.infra.deploy}.
 *
 * @param storage      visibility timeout, dead-letter receive count and retention of the queues
 * @param uploadExpiry how long an upload stays in the input bucket (a lifecycle rule)
 * @param drainTimeout how long a terminating worker may take to finish what it holds
 */
public record WorkerStack(ScalingPolicy policy, ResourceSpec storage, Duration uploadExpiry, Duration drainTimeout) {
    /** The group metric that is the i of q - i. */
    static final String IN_SERVICE = "GroupInServiceInstances";

    public static WorkerStack defaults() {
        return new WorkerStack(ScalingPolicy.original(), ResourceSpec.defaults(null), Duration.ofDays(7),
                Duration.ofMinutes(2));
    }

    public Template render() {
        Template t = Template.of("EIC: the image classifier's data and its elastic worker fleet (q - i step scaling, "
                + policy.min() + ".." + policy.max() + " workers)");
        t.parameter("WorkerAmi", new Template.Parameter("AWS::EC2::Image::Id", null,
                "the worker image baked by ami/ (Packer)"));
        t.parameter("WorkerInstanceType", new Template.Parameter("String", "c7i.large", "the workers' instance type"));
        t.parameter("VpcId", new Template.Parameter("AWS::EC2::VPC::Id", null, "the VPC the workers run in"));
        t.parameter("WorkerSubnets", new Template.Parameter("List<AWS::EC2::Subnet::Id>", null,
                "subnets for the workers (private ones with a NAT or VPC endpoints are fine)"));
        storage(t);
        workers(t);
        scaling(t, policy.scaleOut(), "ScaleOut");
        scaling(t, policy.scaleIn(), "ScaleIn");
        t.output("RequestQueueUrl", "where the web tier sends requests", Fn.ref("RequestQueue"));
        t.output("InputBucket", "uploads", Fn.ref("InputBucket"));
        t.output("OutputBucket", "results", Fn.ref("OutputBucket"));
        t.output("WorkerGroup", "the workers' Auto Scaling group", Fn.ref("WorkerGroup"));
        return t;
    }

    private void storage(Template t) {
        t.resource("InputBucket", Template.Resource.of("AWS::S3::Bucket", bucket(List.of(props(
                "Id", "expire-uploads", "Status", "Enabled", "Prefix", "uploads/",
                "ExpirationInDays", uploadExpiry.toDays())))).retained());
        t.resource("OutputBucket", Template.Resource.of("AWS::S3::Bucket", bucket(List.of())).retained());
        t.resource("DeadLetterQueue", Template.Resource.of("AWS::SQS::Queue", props(
                "QueueName", Fn.sub("${AWS::StackName}-requests-dlq"),
                "MessageRetentionPeriod", storage.retention().toSeconds(),
                "SqsManagedSseEnabled", true)).retained());
        t.resource("RequestQueue", Template.Resource.of("AWS::SQS::Queue", props(
                "QueueName", Fn.sub("${AWS::StackName}-requests"),
                "VisibilityTimeout", storage.visibilityTimeout().toSeconds(),
                "ReceiveMessageWaitTimeSeconds", 20,
                "MessageRetentionPeriod", storage.retention().toSeconds(),
                "SqsManagedSseEnabled", true,
                "RedrivePolicy", props("deadLetterTargetArn", Fn.getAtt("DeadLetterQueue", "Arn"),
                        "maxReceiveCount", storage.maxReceiveCount()))).retained());
    }

    /** Private, encrypted; the input bucket expires uploads. */
    private static Map<String, Object> bucket(List<Map<String, Object>> lifecycleRules) {
        Map<String, Object> properties = props(
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

    private void workers(Template t) {
        t.resource("WorkerSecurityGroup", Template.Resource.of("AWS::EC2::SecurityGroup", props(
                "GroupDescription", "EIC workers: no inbound traffic",
                "VpcId", Fn.ref("VpcId"))));
        t.resource("WorkerLaunchTemplate", Template.Resource.of("AWS::EC2::LaunchTemplate", props(
                "LaunchTemplateData", props(
                        "ImageId", Fn.ref("WorkerAmi"),
                        "InstanceType", Fn.ref("WorkerInstanceType"),
                        "SecurityGroupIds", List.of(Fn.getAtt("WorkerSecurityGroup", "GroupId")),
                        "MetadataOptions", props("HttpTokens", "required", "HttpEndpoint", "enabled"),
                        "UserData", Fn.base64(Fn.sub(String.join("\n", "#!/bin/bash",
                                "mkdir -p /etc/eic",
                                "cat > /etc/eic/eic.env <<EOF",
                                "EIC_AWS_REGION=${AWS::Region}",
                                "EIC_INPUT_BUCKET=${InputBucket}",
                                "EIC_OUTPUT_BUCKET=${OutputBucket}",
                                "EIC_REQUEST_QUEUE=${RequestQueue.QueueName}",
                                "EIC_DEAD_LETTER_QUEUE=${DeadLetterQueue.QueueName}",
                                "EIC_REPLY_QUEUE_PREFIX=${AWS::StackName}-replies-",
                                "EIC_MODEL=resnet18",
                                "EIC_RESNET18_DIR=/opt/eic/models/resnet18",
                                "EIC_WORKER_VISIBILITY_TIMEOUT=" + storage.visibilityTimeout().toSeconds() + "s",
                                "EOF",
                                "systemctl enable --now eic-worker", "")))))));
        long warmup = Math.max(policy.warmup().toSeconds(), 60);
        t.resource("WorkerGroup", Template.Resource.of("AWS::AutoScaling::AutoScalingGroup", props(
                "MinSize", Integer.toString(policy.min()),
                "MaxSize", Integer.toString(policy.max()),
                "LaunchTemplate", props("LaunchTemplateId", Fn.ref("WorkerLaunchTemplate"),
                        "Version", Fn.getAtt("WorkerLaunchTemplate", "LatestVersionNumber")),
                "VPCZoneIdentifier", Fn.ref("WorkerSubnets"),
                "DefaultInstanceWarmup", warmup,
                "MetricsCollection", List.of(props("Granularity", "1Minute", "Metrics", List.of(IN_SERVICE,
                        "GroupDesiredCapacity", "GroupPendingInstances", "GroupTerminatingInstances"))),
                "LifecycleHookSpecificationList", List.of(props(
                        "LifecycleHookName", "drain",
                        "LifecycleTransition", "autoscaling:EC2_INSTANCE_TERMINATING",
                        // The worker stops receiving, finishes or releases what it holds, then completes the
                        // action; if it cannot, termination goes on after this and the messages return.
                        "HeartbeatTimeout", drainTimeout.toSeconds(),
                        "DefaultResult", "CONTINUE")),
                "Tags", List.of(props("Key", "Name", "Value", Fn.sub("${AWS::StackName}-worker"),
                        "PropagateAtLaunch", true))))
                .withUpdatePolicy(props("AutoScalingRollingUpdate", props("MinInstancesInService",
                        Integer.toString(policy.min()), "MaxBatchSize", "2", "PauseTime", "PT0S"))));
    }

    /** One step policy and the alarm on q - i that triggers it. */
    private void scaling(Template t, StepPolicy step, String logicalPrefix) {
        Map<String, Object> policyProperties = props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PolicyType", "StepScaling",
                "AdjustmentType", "ChangeInCapacity",
                "MetricAggregationType", "Average",
                "StepAdjustments", step.steps().stream().map(s -> stepAdjustment(s.relativeTo(step.threshold())))
                        .toList());
        if (!policy.warmup().isZero()) {
            policyProperties.put("EstimatedInstanceWarmup", policy.warmup().toSeconds());
        }
        t.resource(logicalPrefix + "Policy", Template.Resource.of("AWS::AutoScaling::ScalingPolicy",
                policyProperties));
        long period = policy.period().toSeconds();
        t.resource(logicalPrefix + "Alarm", Template.Resource.of("AWS::CloudWatch::Alarm", props(
                "AlarmDescription", (step.above() ? "q - i > " : "q - i < ") + format(step.threshold())
                        + ": step scaling of the workers (" + step.name() + ")",
                "ActionsEnabled", true,
                "AlarmActions", List.of(Fn.ref(logicalPrefix + "Policy")),
                "Metrics", List.of(
                        props("Id", "q", "ReturnData", false, "MetricStat", props("Period", period, "Stat", "Maximum",
                                "Metric", props("Namespace", "AWS/SQS", "MetricName",
                                        "ApproximateNumberOfMessagesVisible", "Dimensions", List.of(props(
                                                "Name", "QueueName", "Value",
                                                Fn.getAtt("RequestQueue", "QueueName")))))),
                        props("Id", "i", "ReturnData", false, "MetricStat", props("Period", period, "Stat", "Average",
                                "Metric", props("Namespace", "AWS/AutoScaling", "MetricName", IN_SERVICE,
                                        "Dimensions", List.of(props("Name", "AutoScalingGroupName",
                                                "Value", Fn.ref("WorkerGroup")))))),
                        props("Id", "m", "Label", "q - i", "Expression", "q - i", "ReturnData", true)),
                "ComparisonOperator", step.above() ? "GreaterThanThreshold" : "LessThanThreshold",
                "Threshold", step.threshold(),
                "EvaluationPeriods", policy.evaluationPeriods(),
                "DatapointsToAlarm", policy.datapointsToAlarm(),
                // With no queue datapoint, q - i has none either: keep the last state rather than act.
                "TreatMissingData", "missing")));
    }

    private static Map<String, Object> stepAdjustment(StepAdjustment s) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (s.lower() != null) {
            row.put("MetricIntervalLowerBound", s.lower());
        }
        if (s.upper() != null) {
            row.put("MetricIntervalUpperBound", s.upper());
        }
        row.put("ScalingAdjustment", s.adjustment());
        return row;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** An ordered map from alternating keys and values. */
    static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
