package eic.infra.deploy;

import eic.common.aws.StackNames;
import eic.common.config.Env;
import eic.infra.provision.ResourceSpec;
import eic.infra.scaling.ScalingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one AWS deployment is made of, from settings (environment or -D, see
 * docs/deploy-aws.md). The scaling policy is the same object the local fleet runs.
 *
 * @param prefix             names every resource and is the value of the {@code eic:stack} tag
 * @param storage            buckets and queues (shared with the local stack's provisioning)
 * @param hardenBuckets      block public access and encrypt (real S3; the local S3 lacks both)
 * @param workerVisibility   request-queue visibility: a few times one job (workers extend it)
 */
public record DeploySpec(String prefix, String region, String vpcId, List<String> subnets, String workerAmi,
                         String webAmi, String workerInstanceType, String webInstanceType, String webCidr,
                         int webPort, ScalingPolicy policy, ResourceSpec storage, boolean hardenBuckets,
                         String model) {
    public static final String STACK_TAG = "eic:stack";

    public static DeploySpec from(Env env) {
        List<String> missing = new ArrayList<>();
        String region = required(env, "eic.aws.region", missing);
        String vpc = required(env, "eic.deploy.vpc-id", missing);
        String subnets = required(env, "eic.deploy.subnets", missing);
        String ami = required(env, "eic.deploy.worker-ami", missing);
        String cidr = required(env, "eic.deploy.web-cidr", missing);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing settings for an AWS deployment: " + String.join(", ", missing)
                    + " (see docs/deploy-aws.md)");
        }
        String prefix = env.get("eic.name-prefix", "eic");
        ScalingPolicy policy = ScalingPolicy.original().withBounds(env.getInt("eic.deploy.min-workers", 1),
                env.getInt("eic.deploy.max-workers", 20));
        return new DeploySpec(prefix, region, vpc, Arrays.stream(subnets.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList(), ami, env.get("eic.deploy.web-ami", ami),
                env.get("eic.deploy.worker-instance-type", "c7i.large"),
                env.get("eic.deploy.web-instance-type", "t3.small"), cidr, env.getInt("eic.deploy.web-port", 8080),
                policy, new ResourceSpec(StackNames.from(env), env.getDuration("eic.deploy.visibility-timeout",
                Duration.ofSeconds(60)), ResourceSpec.MAX_RECEIVE_COUNT, Duration.ofDays(4)), !env.getBoolean("eic.deploy.local-storage", false),
                env.get("eic.deploy.model", "resnet18"));
    }

    private static String required(Env env, String name, List<String> missing) {
        return env.find(name).filter(v -> !v.isBlank()).orElseGet(() -> {
            missing.add(Env.envName(name));
            return null;
        });
    }

    public StackNames names() {
        return storage.names();
    }

    public String name(String suffix) {
        return prefix + "-" + suffix;
    }

    public String workerAsg() {
        return name("workers");
    }

    public String webAsg() {
        return name("web");
    }

    public String dashboardName() {
        return prefix;
    }

    public String dashboardUrl() {
        return "https://" + region + ".console.aws.amazon.com/cloudwatch/home?region=" + region + "#dashboards:name="
                + dashboardName();
    }

    /** An SQS queue's ARN with the account left open: the policy names the queue, the account is the caller's. */
    public String queueArn(String queue) {
        return "arn:aws:sqs:" + region + ":*:" + queue;
    }
}
