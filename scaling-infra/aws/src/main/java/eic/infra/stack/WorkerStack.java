package eic.infra.stack;

import eic.common.aws.ResourceSpec;
import eic.infra.scaling.ScalingPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The data and the elastic worker fleet as one CloudFormation template, rendered from the
 * same {@link ScalingPolicy} object the local fleet controller runs. This class holds the
 * template's parameters, outputs and dashboard, and puts the parts together, each a class of
 * its own: {@link StorageResources} (buckets and queues, retained), {@link Alarms} (what pages
 * someone, and the logs), {@link WorkerGroupResources} (the workers' role, launch template,
 * group and warm pool), {@link FrontDoor} (the load balancer, the web group, the API key) and
 * {@link ScalingResources} (one set of policies and alarms per scaling mode); both tiers'
 * instances are made by {@link InstanceResources}. {@link StackCommand} deploys it through
 * change sets.
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
    /** Every reply queue of this stack (one per web instance). */
    static final String REPLY_QUEUES_ARN =
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
        // True of every mode: the mode is a parameter of this one template.
        Template t = Template.of("EIC: the image classifier behind a load balancer, its data and its elastic worker "
                + "fleet (" + policy.min() + ".." + policy.max() + " workers, scaled as the Scaling parameter says: "
                + "q - i steps, backlog target tracking or fast backlog steps)");
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
        new StorageResources(storage, uploadExpiry).render(t);
        new Alarms(policy.max()).render(t);
        new WorkerGroupResources(this).render(t);
        FrontDoor.render(t);
        new ScalingResources(policy).render(t);
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

    private Object dashboard(String mode) {
        List<String> scalingAlarms = switch (mode) {
            case ORIGINAL_SCALING -> List.of(policy.scaleOut().name(), policy.scaleIn().name());
            case FAST_SCALING -> List.of(ScalingResources.FAST_SCALE_OUT, ScalingResources.FAST_SCALE_IN);
            default -> List.of(); // target tracking names its own alarms
        };
        return Fn.sub(DashboardBody.render(new DashboardBody.Names("${AWS::StackName}-requests",
                "${AWS::StackName}-requests-dlq", "${AWS::StackName}-workers", "${AWS::Region}",
                "${LoadBalancer.LoadBalancerFullName}", "${WebTargetGroupFullName}",
                Alarms.NAMES.stream().map(Alarms::arn).toList(), scalingAlarms.stream().map(Alarms::arn).toList()),
                policy, !mode.equals(ORIGINAL_SCALING)), Map.of("WebTargetGroupFullName",
                Fn.targetGroupFullName("WebTargetGroup")));
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
