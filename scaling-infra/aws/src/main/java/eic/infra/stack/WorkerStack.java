package eic.infra.stack;

import eic.common.aws.LifecycleHooks;
import eic.common.messaging.WorkerSignals;
import eic.infra.provision.ResourceSpec;
import eic.infra.scaling.FastBacklogPolicy;
import eic.infra.scaling.ScalingPolicy;
import eic.infra.scaling.StepAdjustment;
import eic.infra.scaling.StepPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The data and the elastic worker fleet as one CloudFormation template, rendered from the
 * same {@link ScalingPolicy} object the local fleet controller runs: the buckets and queues
 * (retained when the stack goes, named from the stack so nothing global collides), the
 * workers' Auto Scaling group with a termination lifecycle hook for the drain, and the two
 * step-scaling policies with their q - i metric-math alarms.
 *
 * Around them: the front door (a load balancer and the web group), the roles, alarms that
 * page through one topic, and the dashboard. {@link StackCommand} deploys it through change sets.
 *
 * @param storage      visibility timeout, dead-letter receive count and retention of the queues
 * @param uploadExpiry how long an upload stays in the input bucket (a lifecycle rule)
 * @param drainTimeout how long a terminating worker may take to finish what it holds
 */
public record WorkerStack(ScalingPolicy policy, ResourceSpec storage, Duration uploadExpiry, Duration drainTimeout) {
    /** The group metric that is the i of q - i. */
    static final String IN_SERVICE = "GroupInServiceInstances";
    static final int WEB_PORT = 8080;
    static final String ORIGINAL_SCALING = "q-minus-i";
    static final String BACKLOG_SCALING = "backlog";
    static final String FAST_SCALING = "fast-backlog";
    /** The condition: the instances get public addresses of their own. */
    static final String PUBLIC_IPS = "InstancePublicIps";
    static final String ON_DEMAND = "on-demand";
    static final String SPOT_CAPACITY = "spot";
    /** The condition: workers above the minimum are Spot instances. */
    static final String SPOT = "SpotWorkers";
    /** How many instance types Spot may choose from (SpotInstanceTypes). */
    static final int SPOT_TYPES = 3;
    /** The fast option's alarms, by the name after the stack's. */
    static final String FAST_SCALE_OUT = "fast-scale-out";
    static final String FAST_SCALE_IN = "fast-scale-in";
    /** Every reply queue of this stack (one per web instance). */
    private static final String REPLY_QUEUES_ARN =
            "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${AWS::StackName}-replies-*";

    /** How long a new worker may take to boot and load its model before the instance is given up. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(10);
    /** How long a group's creation or update waits for its new instances to say they work. */
    static final Duration SIGNAL_TIMEOUT = Duration.ofMinutes(15);
    static final int MAX_WARM_WORKERS = 10;

    /** The worker's own drain bound: inside the hook's timeout, with time left to complete the hook. */
    Duration workerDrainBound() {
        return drainTimeout.minusSeconds(30);
    }

    public static WorkerStack defaults() {
        return new WorkerStack(ScalingPolicy.original(), ResourceSpec.defaults(null), Duration.ofDays(7),
                Duration.ofMinutes(2));
    }

    public Template render() {
        Template t = Template.of("EIC: the image classifier behind a load balancer, its data and its elastic worker "
                + "fleet (q - i step scaling, "
                + policy.min() + ".." + policy.max() + " workers)");
        t.parameter("WorkerAmi", new Template.Parameter("AWS::EC2::Image::Id", null,
                "the worker image baked by ami/ (Packer)"));
        t.parameter("WorkerInstanceType", new Template.Parameter("String", "c7i.large", "the workers' instance type"));
        t.parameter("VpcId", new Template.Parameter("AWS::EC2::VPC::Id", null, "the VPC the workers run in"));
        t.parameter("WorkerSubnets", new Template.Parameter("List<AWS::EC2::Subnet::Id>", null,
                "subnets for the workers (private ones with a NAT or VPC endpoints are fine)"));
        t.parameter("PublicSubnets", new Template.Parameter("List<AWS::EC2::Subnet::Id>", null,
                "public subnets in at least two AZs for the load balancer"));
        t.parameter("WebSubnets", new Template.Parameter("List<AWS::EC2::Subnet::Id>", null,
                "subnets in at least two AZs for the web tier's instances"));
        t.parameter("WebAmi", new Template.Parameter("AWS::EC2::Image::Id", null, "the web tier's image (ami/)"));
        t.parameter("WebInstanceType", new Template.Parameter("String", "t3.small", "the web tier's instance type"));
        t.parameter("ClientCidr", new Template.Parameter("String", "0.0.0.0/0",
                "who may reach the load balancer"));
        t.parameter("CertificateArn", new Template.Parameter("String", "",
                "an ACM certificate for HTTPS (the default; plain HTTP then redirects to it)"));
        t.parameter("AllowPlainHttp", new Template.Parameter("String", "false",
                "true serves plain HTTP when no certificate is given (the API key and images cross the network "
                        + "unencrypted); without a certificate the stack refuses to deploy unless this is true")
                .allowing(List.of("false", "true")));
        t.rule("HttpsUnlessPlainHttpIsAllowed", Map.of("Fn::Equals", List.of(Fn.ref("CertificateArn"), "")),
                Map.of("Fn::Equals", List.of(Fn.ref("AllowPlainHttp"), "true")),
                "no CertificateArn: give an ACM certificate for HTTPS, or set AllowPlainHttp to true for plain HTTP");
        t.parameter("OpenClassicPost", new Template.Parameter("String", "false",
                "whether the classic POST / (no header, the seed's clients) is served without the API key; "
                        + "everything else always needs it").allowing(List.of("false", "true")));
        t.parameter("AlertEmail", new Template.Parameter("String", "",
                "who the alarms page by email (empty: subscribe to the topic yourself)"));
        t.parameter("InstancePublicIps", new Template.Parameter("String", "false", "true gives the web and worker "
                + "instances public addresses (public subnets that do not give them); false: private subnets behind a "
                + "NAT gateway, or subnets that give them").allowing(List.of("false", "true")));
        t.condition(PUBLIC_IPS, Map.of("Fn::Equals", List.of(Fn.ref("InstancePublicIps"), "true")));
        t.parameter("WorkerCapacity", new Template.Parameter("String", ON_DEMAND, ON_DEMAND + ": every worker "
                + "on demand; " + SPOT_CAPACITY + ": the group's minimum on demand and Spot above it (no warm pool: "
                + "Auto Scaling has none for Spot)").allowing(List.of(ON_DEMAND, SPOT_CAPACITY)));
        t.parameter("SpotInstanceTypes", new Template.Parameter("CommaDelimitedList", "c7i.large,c6i.large,c5.large",
                "with Spot: " + SPOT_TYPES + " instance types, the first preferred, any that has capacity taken"));
        t.condition(SPOT, Map.of("Fn::Equals", List.of(Fn.ref("WorkerCapacity"), SPOT_CAPACITY)));
        t.parameter("WarmWorkers", new Template.Parameter("Number", "2",
                "stopped, pre-initialised workers (model baked and loaded once) kept ready in a warm pool while "
                        + "the group is at its minimum; 0: none")
                .allowing(IntStream.rangeClosed(0, MAX_WARM_WORKERS).mapToObj(Integer::toString).toList()));
        t.parameter("Scaling", new Template.Parameter("String", ORIGINAL_SCALING, "how the workers scale: "
                + ORIGINAL_SCALING + " (the original step policies on q - i) or " + BACKLOG_SCALING
                + " (target tracking of the backlog, visible + in flight, per worker in service) or " + FAST_SCALING
                + " (step scaling on the web tier's 10-second backlog per worker: decisions within 20 s)")
                .allowing(List.of(ORIGINAL_SCALING, BACKLOG_SCALING, FAST_SCALING)));
        t.parameter("BacklogPerWorker", new Template.Parameter("Number", "20",
                "with backlog or fast-backlog scaling: the messages per worker the group aims at"));
        storage(t);
        new Alarms(policy.max()).render(t);
        workerRole(t);
        workers(t);
        warmPool(t);
        frontDoor(t);
        t.condition("StepScaling", Map.of("Fn::Equals", List.of(Fn.ref("Scaling"), ORIGINAL_SCALING)));
        scaling(t, policy.scaleOut(), "ScaleOut");
        scaling(t, policy.scaleIn(), "ScaleIn");
        backlogScaling(t);
        fastScaling(t);
        // The dashboard of the mode in use: its scaling metric and alarms beside the paging ones.
        t.resource("Dashboard", Template.Resource.of("AWS::CloudWatch::Dashboard", props(
                "DashboardName", Fn.sub("${AWS::StackName}"),
                "DashboardBody", Map.of("Fn::If", List.of("StepScaling", dashboard(ORIGINAL_SCALING),
                        Map.of("Fn::If", List.of("FastScaling", dashboard(FAST_SCALING),
                                dashboard(BACKLOG_SCALING))))))));
        t.output("RequestQueueUrl", "where the web tier sends requests", Fn.ref("RequestQueue"));
        t.output("InputBucket", "uploads", Fn.ref("InputBucket"));
        t.output("OutputBucket", "results", Fn.ref("OutputBucket"));
        t.output("WorkerGroup", "the workers' Auto Scaling group", Fn.ref("WorkerGroup"));
        t.output("AlertTopic", "what the alarms publish to", Fn.ref("AlertTopic"));
        t.output("ApiKey", "how to read the API key (send it as X-Api-Key)", Fn.sub("aws secretsmanager "
                + "get-secret-value --secret-id ${ApiKeySecret} --query SecretString --output text"));
        t.output("LogGroup", "the web and worker logs (a stream per instance and tier)", Fn.ref("LogGroup"));
        t.output("DashboardUrl", "the CloudWatch dashboard", Fn.sub("https://${AWS::Region}.console.aws.amazon.com/"
                + "cloudwatch/home?region=${AWS::Region}#dashboards:name=${AWS::StackName}"));
        t.output("Url", "the service's address", Map.of("Fn::If", List.of("HasCertificate",
                Fn.sub("https://${LoadBalancer.DNSName}/"),
                Fn.sub("http://${LoadBalancer.DNSName}/ (PLAIN HTTP, as AllowPlainHttp asks: give CertificateArn "
                        + "for HTTPS)"))));
        return t;
    }

    private void storage(Template t) {
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

    /**
     * What a worker may do, and nothing more: read uploads and remove those answered, write and
     * read results, list both buckets and claim or give back a re-submission (the reconciler's
     * markers), work the two queues, reply to this stack's
     * reply queues, drain itself out of its own group and report itself unhealthy to it (a worker
     * that failed for good: eic-worker-unhealthy.service). SSM Session Manager instead of SSH,
     * and the CloudWatch agent for its logs.
     */
    private void workerRole(Template t) {
        instanceRole(t, "Worker", "eic-worker", List.of(
                allow(List.of("s3:GetObject", "s3:DeleteObject"), Fn.sub("${InputBucket.Arn}/uploads/*")),
                allow(List.of("s3:GetObject", "s3:PutObject"), Fn.sub("${OutputBucket.Arn}/*")),
                allow(List.of("s3:DeleteObject"), List.of(Fn.sub("${OutputBucket.Arn}/ops/reconciled/*"),
                        Fn.sub("${OutputBucket.Arn}/ops/alone/*"))),
                allow(List.of("s3:ListBucket"), List.of(Fn.getAtt("InputBucket", "Arn"),
                        Fn.getAtt("OutputBucket", "Arn"))),
                allow(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SendMessage"),
                        List.of(Fn.getAtt("RequestQueue", "Arn"), Fn.getAtt("DeadLetterQueue", "Arn"))),
                allow(List.of("sqs:SendMessage", "sqs:GetQueueUrl"), Fn.sub(REPLY_QUEUES_ARN)),
                allow(List.of("autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat",
                        "autoscaling:SetInstanceProtection", "autoscaling:SetInstanceHealth"), Fn.sub("arn:${AWS::Partition}:autoscaling:"
                        + "${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:"
                        + "autoScalingGroupName/${AWS::StackName}-workers"))));
    }

    /**
     * A role for one tier's instances and its instance profile ({@code <tier>Role},
     * {@code <tier>InstanceProfile}): SSM Session Manager and the CloudWatch agent as managed
     * policies, the tier's own {@code statements}, and signalling this stack.
     */
    private static void instanceRole(Template t, String tier, String policyName, List<Map<String, Object>> statements) {
        t.resource(tier + "Role", Template.Resource.of("AWS::IAM::Role", props(
                "AssumeRolePolicyDocument", props("Version", "2012-10-17", "Statement", List.of(props(
                        "Effect", "Allow", "Principal", props("Service", "ec2.amazonaws.com"),
                        "Action", "sts:AssumeRole"))),
                "ManagedPolicyArns", List.of(
                        Fn.sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"),
                        Fn.sub("arn:${AWS::Partition}:iam::aws:policy/CloudWatchAgentServerPolicy")),
                "Policies", List.of(props("PolicyName", policyName, "PolicyDocument",
                        props("Version", "2012-10-17", "Statement", withSignal(statements)))))));
        t.resource(tier + "InstanceProfile", Template.Resource.of("AWS::IAM::InstanceProfile", props(
                "Roles", List.of(Fn.ref(tier + "Role")))));
    }

    /**
     * A tier's launch template ({@code <tier>LaunchTemplate}): its image and instance type
     * parameters, its profile and security group, IMDSv2 only, and user data that writes
     * {@code /etc/eic/eic.env} - the deployment's names, then {@code settings} - starts {@code unit},
     * and signals {@code <tier>Group}'s creation or update whether the shell test {@code ready}
     * passed within the group's signal timeout (cfn-signal, from aws-cfn-bootstrap in the image).
     */
    private static void launchTemplate(Template t, String tier, List<String> settings, String unit, String ready) {
        List<String> lines = new java.util.ArrayList<>(List.of("#!/bin/bash", "mkdir -p /etc/eic",
                "cat > /etc/eic/eic.env <<EOF",
                "EIC_AWS_REGION=${AWS::Region}",
                "EIC_INPUT_BUCKET=${InputBucket}",
                "EIC_OUTPUT_BUCKET=${OutputBucket}",
                "EIC_REQUEST_QUEUE=${RequestQueue.QueueName}",
                "EIC_DEAD_LETTER_QUEUE=${DeadLetterQueue.QueueName}",
                "EIC_REPLY_QUEUE_PREFIX=${AWS::StackName}-replies-"));
        lines.addAll(settings);
        lines.addAll(List.of("EOF",
                // The unit's log file to the stack's log group, by the agent baked into the image.
                "sed 's|@LOG_GROUP@|${LogGroup}|' /opt/eic/cloudwatch-agent.json > /etc/eic/cloudwatch-agent.json",
                "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s "
                        + "-c file:/etc/eic/cloudwatch-agent.json",
                "systemctl enable --now " + unit,
                // Whether this instance works, to the stack: its creation and updates wait for the answer.
                "for i in $(seq 1 " + (SIGNAL_TIMEOUT.toSeconds() - 60) / 5 + "); do " + ready + " && break; sleep 5; done",
                ready + "; /opt/aws/bin/cfn-signal -e $? --stack ${AWS::StackName} --resource " + tier + "Group "
                        + "--region ${AWS::Region}", ""));
        t.resource(tier + "LaunchTemplate", Template.Resource.of("AWS::EC2::LaunchTemplate", props(
                "LaunchTemplateData", props(
                        "ImageId", Fn.ref(tier + "Ami"),
                        "InstanceType", Fn.ref(tier + "InstanceType"),
                        "IamInstanceProfile", props("Arn", Fn.getAtt(tier + "InstanceProfile", "Arn")),
                        // A public address only when asked (instances in public subnets that do not give one):
                        // then the security group goes on the interface that gets it.
                        "SecurityGroupIds", Fn.ifThen(PUBLIC_IPS, Fn.NO_VALUE,
                                List.of(Fn.getAtt(tier + "SecurityGroup", "GroupId"))),
                        "NetworkInterfaces", Fn.ifThen(PUBLIC_IPS, List.of(props("DeviceIndex", 0,
                                "AssociatePublicIpAddress", true,
                                "Groups", List.of(Fn.getAtt(tier + "SecurityGroup", "GroupId")))), Fn.NO_VALUE),
                        "MetadataOptions", props("HttpTokens", "required", "HttpEndpoint", "enabled"),
                        "UserData", Fn.base64(Fn.sub(String.join("\n", lines)))))));
    }

    private static Map<String, Object> workerLaunchTemplate() {
        return props("LaunchTemplateId", Fn.ref("WorkerLaunchTemplate"),
                "Version", Fn.getAtt("WorkerLaunchTemplate", "LatestVersionNumber"));
    }

    /** A group's launch and termination errors notify the alarms' topic. */
    private static List<Map<String, Object>> launchErrorsToTopic() {
        return List.of(props("TopicARN", Fn.ref("AlertTopic"), "NotificationTypes",
                List.of("autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR")));
    }

    /** The Name tag a group puts on its instances. */
    private static List<Map<String, Object>> nameTag(String suffix) {
        return List.of(props("Key", "Name", "Value", Fn.sub("${AWS::StackName}-" + suffix), "PropagateAtLaunch", true));
    }

    /** A tier's statements and the one its user data needs: telling this stack whether the instance works. */
    private static List<Map<String, Object>> withSignal(List<Map<String, Object>> statements) {
        List<Map<String, Object>> all = new ArrayList<>(statements);
        all.add(allow(List.of("cloudformation:SignalResource"), Fn.sub("arn:${AWS::Partition}:cloudformation:"
                + "${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*")));
        return all;
    }

    private static Map<String, Object> allow(List<String> actions, Object resource) {
        return props("Effect", "Allow", "Action", actions, "Resource", resource);
    }

    /** The tag on what the stack retains, by which {@code destroy --delete-data} finds it after the stack is gone. */
    static final String STACK_TAG = "eic:stack";

    private static List<Map<String, Object>> stackTag() {
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

    private void workers(Template t) {
        t.resource("WorkerSecurityGroup", Template.Resource.of("AWS::EC2::SecurityGroup", props(
                "GroupDescription", "EIC workers: no inbound traffic",
                "VpcId", Fn.ref("VpcId"))));
        // ONNX Runtime: the faster engine on CPU for the same network (benchmarks.md); the bake checks they agree.
        launchTemplate(t, "Worker", List.of("EIC_MODEL=resnet18", "EIC_RESNET18_DIR=/opt/eic/models/resnet18",
                "EIC_ENGINE=onnxruntime",
                "EIC_WORKER_VISIBILITY_TIMEOUT=" + storage.visibilityTimeout().toSeconds() + "s",
                // The worker joins its group: scale-in protection while busy, the two lifecycle hooks.
                "EIC_WORKER_GROUP=${AWS::StackName}-workers",
                "EIC_WORKER_DRAIN_TIMEOUT=" + workerDrainBound().toSeconds() + "s"), "eic-worker",
                // in service and polling: the line the worker prints once its model is loaded and its hook complete
                "grep -q " + WorkerSignals.READY_MARKER + " /var/log/eic/eic-worker.log");
        // In service already means the model is loaded (the ready hook): a short warm-up, one fast period, is
        // enough to keep a repeated breach from buying the same capacity twice while instances start.
        long warmup = Math.max(policy.warmup().toSeconds(), ScalingPolicy.GROUP_INSTANCE_WARMUP.toSeconds());
        t.resource("WorkerGroup", Template.Resource.of("AWS::AutoScaling::AutoScalingGroup", props(
                // Named from the stack, so that the workers' role can name its own group without a cycle.
                "AutoScalingGroupName", Fn.sub("${AWS::StackName}-workers"),
                "MinSize", Integer.toString(policy.min()),
                "MaxSize", Integer.toString(policy.max()),
                "LaunchTemplate", Fn.ifThen(SPOT, Fn.NO_VALUE, workerLaunchTemplate()),
                // Spot above an on-demand base of the group's minimum, from the first of three types that has
                // capacity; a Spot instance at risk is replaced before it is interrupted (capacity rebalancing).
                "MixedInstancesPolicy", Fn.ifThen(SPOT, props(
                        "InstancesDistribution", props("OnDemandBaseCapacity", policy.min(),
                                "OnDemandPercentageAboveBaseCapacity", 0,
                                "SpotAllocationStrategy", "price-capacity-optimized"),
                        "LaunchTemplate", props("LaunchTemplateSpecification", workerLaunchTemplate(),
                                "Overrides", IntStream.range(0, SPOT_TYPES).mapToObj(i -> props("InstanceType",
                                        Map.of("Fn::Select", List.of(i, Fn.ref("SpotInstanceTypes"))))).toList())),
                        Fn.NO_VALUE),
                "CapacityRebalance", Fn.ifThen(SPOT, true, false),
                "VPCZoneIdentifier", Fn.ref("WorkerSubnets"),
                "DefaultInstanceWarmup", warmup,
                "MetricsCollection", List.of(props("Granularity", "1Minute", "Metrics", List.of(IN_SERVICE,
                        "GroupDesiredCapacity", "GroupPendingInstances", "GroupTerminatingInstances"))),
                "LifecycleHookSpecificationList", List.of(props(
                        // In service only once the worker has loaded its model and completed this hook;
                        // an instance whose worker never gets there is abandoned (terminated) and replaced.
                        "LifecycleHookName", LifecycleHooks.READY,
                        "LifecycleTransition", "autoscaling:EC2_INSTANCE_LAUNCHING",
                        "HeartbeatTimeout", READY_TIMEOUT.toSeconds(),
                        "DefaultResult", "ABANDON"), props(
                        "LifecycleHookName", LifecycleHooks.DRAIN,
                        "LifecycleTransition", "autoscaling:EC2_INSTANCE_TERMINATING",
                        // The worker stops receiving, finishes or releases what it holds, then completes the
                        // action; if it cannot, termination goes on after this and the messages return.
                        "HeartbeatTimeout", drainTimeout.toSeconds(),
                        "DefaultResult", "CONTINUE")),
                "NotificationConfigurations", launchErrorsToTopic(),
                "Tags", nameTag("worker")))
                // The stack is created once its first workers serve. Updates do not wait for signals: a worker is in
                // service only once its hook says its model is loaded (a broken image never gets there, and the
                // update fails and rolls back), and an instance the update takes from the warm pool would never
                // signal (its user data ran on its first boot).
                .awaitingSignals(policy.min(), SIGNAL_TIMEOUT)
                .withUpdatePolicy(props("AutoScalingRollingUpdate", props("MinInstancesInService",
                        Integer.toString(policy.min()), "MaxBatchSize", "2", "PauseTime", "PT0S"))));
    }

    /**
     * Seed 001's "start a stopped instance before launching a new one", on the managed
     * engine: a warm pool of stopped workers that have booted and loaded their model once
     * (the worker completes the launch hook and waits without polling, then the group stops
     * the instance); scale-out starts them first, scale-in returns instances to the pool.
     * Stopped instances cost their disks only.
     */
    private void warmPool(Template t) {
        // A group with a mixed instances policy cannot have a warm pool: with Spot there is none.
        t.condition("HasWarmPool", Map.of("Fn::And", List.of(Map.of("Fn::Not", List.of(Map.of("Fn::Equals",
                List.of(Fn.ref("WarmWorkers"), "0")))), Map.of("Fn::Not", List.of(Map.of("Condition", SPOT))))));
        t.resource("WorkerWarmPool", Template.Resource.of("AWS::AutoScaling::WarmPool", props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PoolState", "Stopped",
                // The pool holds max(MinSize, MaxGroupPreparedCapacity - desired): WarmWorkers at the group's
                // minimum, none while a burst has taken them - so a scale-out does not launch the pool's
                // replacements beside its workers; scale-in returns the workers to it (ReuseOnScaleIn).
                "MinSize", 0,
                "MaxGroupPreparedCapacity", Map.of("Fn::Select", List.of(Fn.ref("WarmWorkers"),
                        IntStream.rangeClosed(0, MAX_WARM_WORKERS).mapToObj(w -> Integer.toString(policy.min() + w))
                                .toList())),
                "InstanceReusePolicy", props("ReuseOnScaleIn", true))).when("HasWarmPool"));
    }

    /**
     * The front door: an Application Load Balancer (HTTPS when a certificate is given, else
     * HTTP, said in the outputs) in front of a web group of at least two instances across the
     * subnets' AZs, health-checked on readiness. The actuator is not reachable through it;
     * the web instances take traffic from the load balancer only.
     */
    private void frontDoor(Template t) {
        t.condition("HasCertificate", Map.of("Fn::Not", List.of(Map.of("Fn::Equals",
                List.of(Fn.ref("CertificateArn"), "")))));
        t.resource("LoadBalancerSecurityGroup", Template.Resource.of("AWS::EC2::SecurityGroup", props(
                "GroupDescription", "EIC load balancer: HTTP and HTTPS from the clients",
                "VpcId", Fn.ref("VpcId"),
                "SecurityGroupIngress", List.of(
                        props("IpProtocol", "tcp", "FromPort", 443, "ToPort", 443, "CidrIp", Fn.ref("ClientCidr")),
                        props("IpProtocol", "tcp", "FromPort", 80, "ToPort", 80, "CidrIp", Fn.ref("ClientCidr"))))));
        t.resource("WebSecurityGroup", Template.Resource.of("AWS::EC2::SecurityGroup", props(
                "GroupDescription", "EIC web tier: its port from the load balancer only",
                "VpcId", Fn.ref("VpcId"),
                "SecurityGroupIngress", List.of(props("IpProtocol", "tcp", "FromPort", WEB_PORT, "ToPort", WEB_PORT,
                        "SourceSecurityGroupId", Fn.getAtt("LoadBalancerSecurityGroup", "GroupId"))))));
        t.resource("LoadBalancer", Template.Resource.of("AWS::ElasticLoadBalancingV2::LoadBalancer", props(
                "Type", "application",
                "Scheme", "internet-facing",
                "Subnets", Fn.ref("PublicSubnets"),
                "SecurityGroups", List.of(Fn.getAtt("LoadBalancerSecurityGroup", "GroupId")),
                // Classic requests wait up to a minute for their label.
                "LoadBalancerAttributes", List.of(props("Key", "idle_timeout.timeout_seconds", "Value", "75")))));
        t.resource("WebTargetGroup", Template.Resource.of("AWS::ElasticLoadBalancingV2::TargetGroup", props(
                "VpcId", Fn.ref("VpcId"),
                "Protocol", "HTTP",
                "Port", WEB_PORT,
                "TargetType", "instance",
                "HealthCheckPath", "/actuator/health/readiness",
                "Matcher", props("HttpCode", "200"),
                "HealthCheckIntervalSeconds", 10,
                "HealthyThresholdCount", 2,
                "UnhealthyThresholdCount", 3,
                "TargetGroupAttributes", List.of(props("Key", "deregistration_delay.timeout_seconds", "Value", "70")))));
        Map<String, Object> forward = props("Type", "forward", "TargetGroupArn", Fn.ref("WebTargetGroup"));
        t.resource("HttpsListener", Template.Resource.of("AWS::ElasticLoadBalancingV2::Listener", props(
                "LoadBalancerArn", Fn.ref("LoadBalancer"),
                "Protocol", "HTTPS",
                "Port", 443,
                "Certificates", List.of(props("CertificateArn", Fn.ref("CertificateArn"))),
                "SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "DefaultActions", List.of(forward))).when("HasCertificate"));
        t.resource("HttpListener", Template.Resource.of("AWS::ElasticLoadBalancingV2::Listener", props(
                "LoadBalancerArn", Fn.ref("LoadBalancer"),
                "Protocol", "HTTP",
                "Port", 80,
                "DefaultActions", List.of(Map.of("Fn::If", List.of("HasCertificate",
                        props("Type", "redirect", "RedirectConfig", props("Protocol", "HTTPS", "Port", "443",
                                "StatusCode", "HTTP_301")),
                        forward))))));
        for (String listener : List.of("Https", "Http")) {
            Template.Resource hideActuator = Template.Resource.of("AWS::ElasticLoadBalancingV2::ListenerRule", props(
                    "ListenerArn", Fn.ref(listener + "Listener"),
                    "Priority", 1,
                    "Conditions", List.of(props("Field", "path-pattern", "PathPatternConfig",
                            props("Values", List.of("/actuator", "/actuator/*")))),
                    "Actions", List.of(props("Type", "fixed-response", "FixedResponseConfig", props(
                            "StatusCode", "404", "ContentType", "text/plain", "MessageBody", "not found\n")))));
            t.resource(listener + "HidesActuator", listener.equals("Https") ? hideActuator.when("HasCertificate")
                    : hideActuator);
        }
        // Closed by default: a key generated here, never in the template, the parameters or the CLI's output.
        t.resource("ApiKeySecret", Template.Resource.of("AWS::SecretsManager::Secret", props(
                "Name", Fn.sub("${AWS::StackName}-api-key"),
                "Description", "the API key clients send as X-Api-Key; the web tier reads it at start",
                "GenerateSecretString", props("PasswordLength", 40, "ExcludePunctuation", true))));
        webRole(t);
        launchTemplate(t, "Web", List.of("EIC_BIND_ADDRESS=0.0.0.0", "EIC_PORT=" + WEB_PORT,
                "EIC_API_KEY_SECRET=${ApiKeySecret}", "EIC_CLASSIC_OPEN=${OpenClassicPost}",
                "EIC_CLOUDWATCH_NAMESPACE=" + DashboardBody.APP_NAMESPACE,
                // The fast scaling signal: the backlog per worker of this group, every 10 s.
                "EIC_CLOUDWATCH_WORKER_GROUP=${AWS::StackName}-workers",
                // Only the load balancer reaches the web tier; its nodes have the VPC's private addresses, so the
                // client's address is the one it appends to X-Forwarded-For (for the rate limit).
                "EIC_TRUSTED_PROXIES=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16",
                "EIC_DASHBOARD_URL=https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home"
                        + "?region=${AWS::Region}#dashboards:name=${AWS::StackName}"), "eic-web",
                "curl -sf -o /dev/null http://127.0.0.1:" + WEB_PORT + "/actuator/health/readiness");
        t.resource("WebGroup", Template.Resource.of("AWS::AutoScaling::AutoScalingGroup", props(
                "MinSize", "2",
                "MaxSize", "4",
                "LaunchTemplate", props("LaunchTemplateId", Fn.ref("WebLaunchTemplate"),
                        "Version", Fn.getAtt("WebLaunchTemplate", "LatestVersionNumber")),
                "VPCZoneIdentifier", Fn.ref("WebSubnets"),
                "TargetGroupARNs", List.of(Fn.ref("WebTargetGroup")),
                "HealthCheckType", "ELB",
                "HealthCheckGracePeriod", 180,
                "NotificationConfigurations", launchErrorsToTopic(),
                "Tags", nameTag("web")))
                // Created, and each update's new instance kept, only once it answers ready behind its own port;
                // else the update rolls back with the old instances still serving.
                .awaitingSignals(2, SIGNAL_TIMEOUT)
                .withUpdatePolicy(props("AutoScalingRollingUpdate", props("MinInstancesInService", "1",
                        "MaxBatchSize", "1", "WaitOnResourceSignals", true,
                        "PauseTime", SIGNAL_TIMEOUT.toString()))));
    }

    /**
     * What a web instance may do: store uploads (and see whether one exists), read results and
     * the ops documents, send
     * requests, own this stack's reply queues (and sweep those of instances that are gone),
     * publish its metrics to the EIC namespace.
     */
    private void webRole(Template t) {
        instanceRole(t, "Web", "eic-web", List.of(
                allow(List.of("secretsmanager:GetSecretValue"), Fn.ref("ApiKeySecret")),
                allow(List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject"),
                        Fn.sub("${InputBucket.Arn}/uploads/*")),
                allow(List.of("s3:GetObject"), Fn.sub("${OutputBucket.Arn}/*")),
                allow(List.of("s3:ListBucket"), List.of(Fn.getAtt("InputBucket", "Arn"),
                        Fn.getAtt("OutputBucket", "Arn"))),
                allow(List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"),
                        Fn.getAtt("RequestQueue", "Arn")),
                allow(List.of("sqs:CreateQueue", "sqs:DeleteQueue", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                        "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:ListQueueTags"), Fn.sub(REPLY_QUEUES_ARN)),
                // Finding the reply queues of instances that went uncleanly, to sweep them.
                allow(List.of("sqs:ListQueues"), Fn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*")),
                props("Effect", "Allow", "Action", List.of("cloudwatch:PutMetricData"), "Resource", "*",
                        "Condition", props("StringEquals", props("cloudwatch:namespace",
                                DashboardBody.APP_NAMESPACE))),
                // Counting the workers in service; Describe calls take no resource-level permissions.
                props("Effect", "Allow", "Action", List.of("autoscaling:DescribeAutoScalingGroups"), "Resource", "*")));
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
                policyProperties).when("StepScaling"));
        long period = policy.period().toSeconds();
        t.resource(logicalPrefix + "Alarm", Template.Resource.of("AWS::CloudWatch::Alarm", props(
                "AlarmName", Fn.sub(alarmName(step)),
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
                "TreatMissingData", "missing")).when("StepScaling"));
    }

    /**
     * The other option: AWS's recipe for queue workers, target tracking of the backlog per
     * worker in service - (visible + in flight) / i - at {@code BacklogPerWorker}. In flight
     * counts, so a burst being worked on does not read as surplus (q - i does), and scale-in
     * only takes workers that scale-in protection leaves it: idle ones.
     */
    private void backlogScaling(Template t) {
        long period = policy.period().toSeconds();
        t.condition("BacklogScaling", Map.of("Fn::Equals", List.of(Fn.ref("Scaling"), BACKLOG_SCALING)));
        Map<String, Object> queue = props("Name", "QueueName", "Value", Fn.getAtt("RequestQueue", "QueueName"));
        t.resource("BacklogPolicy", Template.Resource.of("AWS::AutoScaling::ScalingPolicy", props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PolicyType", "TargetTrackingScaling",
                "TargetTrackingConfiguration", props(
                        "TargetValue", Fn.ref("BacklogPerWorker"),
                        "CustomizedMetricSpecification", props("Metrics", List.of(
                                backlogTerm("v", "AWS/SQS", "ApproximateNumberOfMessagesVisible", queue, "Sum", period),
                                backlogTerm("f", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", queue, "Sum",
                                        period),
                                backlogTerm("i", "AWS/AutoScaling", IN_SERVICE, props("Name", "AutoScalingGroupName",
                                        "Value", Fn.ref("WorkerGroup")), "Average", period),
                                props("Id", "backlog", "Label", "backlog per worker", "Expression", "(v + f) / i",
                                        "ReturnData", true)))))).when("BacklogScaling"));
    }

    /**
     * The fast option: the web tier publishes the backlog per worker in service every 10 s
     * at high resolution (CloudWatch namespace {@code EIC}); an alarm with a 10 s period adds
     * workers in steps as far above {@code BacklogPerWorker} as the backlog is, so the
     * decision comes within 20 s of a burst instead of the minutes SQS's one-minute metrics
     * take. Scale-in is deliberately slow (three minutes under one message per worker) and
     * takes only idle workers (scale-in protection).
     */
    private void fastScaling(Template t) {
        t.condition("FastScaling", Map.of("Fn::Equals", List.of(Fn.ref("Scaling"), FAST_SCALING)));
        List<Map<String, Object>> out = new ArrayList<>();
        for (StepAdjustment step : FastBacklogPolicy.SCALE_OUT) {
            Map<String, Object> row = props("MetricIntervalLowerBound", step.lower(),
                    "ScalingAdjustment", step.adjustment());
            if (step.upper() != null) {
                row.put("MetricIntervalUpperBound", step.upper());
            }
            out.add(row);
        }
        int period = (int) FastBacklogPolicy.PERIOD.toSeconds();
        fastStep(t, "FastScaleOut", FAST_SCALE_OUT, out, "ChangeInCapacity", "GreaterThanThreshold",
                Fn.ref("BacklogPerWorker"), period, 1,
                "the backlog per worker is above BacklogPerWorker (10 s resolution): add workers");
        fastStep(t, "FastScaleIn", FAST_SCALE_IN, List.of(props("MetricIntervalUpperBound", 0,
                        "ScalingAdjustment", FastBacklogPolicy.SCALE_IN_PERCENT)), "PercentChangeInCapacity",
                "LessThanThreshold", FastBacklogPolicy.SCALE_IN_BELOW, period, FastBacklogPolicy.SCALE_IN_PERIODS,
                "under one message per worker for " + period * FastBacklogPolicy.SCALE_IN_PERIODS
                        + " s: half the workers go (only idle ones can: scale-in protection)");
    }

    private void fastStep(Template t, String prefix, String alarmName, List<Map<String, Object>> steps,
                          String adjustmentType, String comparison, Object threshold, int period, int periods,
                          String description) {
        Map<String, Object> policyProperties = props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PolicyType", "StepScaling",
                "AdjustmentType", adjustmentType,
                "MetricAggregationType", "Maximum",
                "StepAdjustments", steps);
        if (adjustmentType.equals("PercentChangeInCapacity")) {
            policyProperties.put("MinAdjustmentMagnitude", 1);
        }
        if (!policy.warmup().isZero()) {
            policyProperties.put("EstimatedInstanceWarmup", policy.warmup().toSeconds());
        }
        t.resource(prefix + "Policy", Template.Resource.of("AWS::AutoScaling::ScalingPolicy", policyProperties)
                .when("FastScaling"));
        t.resource(prefix + "Alarm", Template.Resource.of("AWS::CloudWatch::Alarm", props(
                "AlarmName", Fn.sub("${AWS::StackName}-" + alarmName),
                "AlarmDescription", description,
                "Namespace", DashboardBody.APP_NAMESPACE,
                "MetricName", "BacklogPerWorker",
                "Dimensions", List.of(props("Name", "QueueName", "Value", Fn.getAtt("RequestQueue", "QueueName"))),
                "Statistic", "Maximum",
                "Period", period,
                "EvaluationPeriods", periods,
                "Threshold", threshold,
                "ComparisonOperator", comparison,
                "TreatMissingData", "missing",
                "AlarmActions", List.of(Fn.ref(prefix + "Policy")))).when("FastScaling"));
    }

    private static Map<String, Object> backlogTerm(String id, String namespace, String metric,
                                                   Map<String, Object> dimension, String stat, long period) {
        return props("Id", id, "ReturnData", false, "MetricStat", props(
                "Metric", props("Namespace", namespace, "MetricName", metric, "Dimensions", List.of(dimension)),
                "Stat", stat, "Period", period));
    }

    /** Named from the stack, so the dashboard can name it without a reference to the alarm resource. */
    private static String alarmName(StepPolicy step) {
        return "${AWS::StackName}-" + step.name();
    }

    private Object dashboard(String mode) {
        List<String> scalingAlarms = switch (mode) {
            case ORIGINAL_SCALING -> List.of(policy.scaleOut().name(), policy.scaleIn().name());
            case FAST_SCALING -> List.of(FAST_SCALE_OUT, FAST_SCALE_IN);
            default -> List.of(); // target tracking names its own alarms
        };
        return Fn.sub(DashboardBody.render(new DashboardBody.Names("${AWS::StackName}-requests",
                "${AWS::StackName}-requests-dlq", "${AWS::StackName}-workers", "${AWS::Region}",
                "${LoadBalancer.LoadBalancerFullName}", "${WebTargetGroupFullName}",
                Alarms.NAMES.stream().map(Alarms::arn).toList(), scalingAlarms.stream().map(Alarms::arn).toList()),
                policy, !mode.equals(ORIGINAL_SCALING)), Map.of("WebTargetGroupFullName",
                Fn.targetGroupFullName("WebTargetGroup")));
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
