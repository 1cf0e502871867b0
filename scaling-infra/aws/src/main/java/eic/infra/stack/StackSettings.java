package eic.infra.stack;

import eic.common.config.Env;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one deployment of the stack is: its name, region and the template's parameters, from
 * the environment (or -D). Missing required settings are all named at once; a mistyped
 * {@code EIC_DEPLOY_*} name is an error that names the one meant, never a default taken
 * silently (a mistyped client CIDR would otherwise deploy 0.0.0.0/0).
 *
 * @param stackName  the CloudFormation stack (EIC_NAME_PREFIX, default {@code eic}); every name derives from it
 * @param region     EIC_AWS_REGION, else the AWS SDK's own (AWS_REGION, aws.region, the profile's), else AWS_DEFAULT_REGION
 * @param parameters the template's parameters, by name
 * @param endpoints  endpoint overrides by service (EIC_CLOUDFORMATION_ENDPOINT, ...), for an emulator
 */
public record StackSettings(String stackName, String region, Map<String, String> parameters,
                            Map<String, URI> endpoints) {

    /** Every EIC_DEPLOY_* setting there is (docs/deploy-aws.md lists them). */
    static final List<String> DEPLOY_SETTINGS = List.of("EIC_DEPLOY_WORKER_AMI", "EIC_DEPLOY_WEB_AMI",
            "EIC_DEPLOY_VPC_ID", "EIC_DEPLOY_SUBNETS", "EIC_DEPLOY_WORKER_SUBNETS", "EIC_DEPLOY_WEB_SUBNETS",
            "EIC_DEPLOY_PUBLIC_SUBNETS", "EIC_DEPLOY_WORKER_INSTANCE_TYPE", "EIC_DEPLOY_WEB_INSTANCE_TYPE",
            "EIC_DEPLOY_CLIENT_CIDR", "EIC_DEPLOY_OPEN_CLASSIC_POST", "EIC_DEPLOY_CERTIFICATE_ARN",
            "EIC_DEPLOY_ALLOW_PLAIN_HTTP", "EIC_DEPLOY_ALERT_EMAIL", "EIC_DEPLOY_SCALING", "EIC_DEPLOY_BACKLOG_PER_WORKER",
            "EIC_DEPLOY_WARM_WORKERS", "EIC_DEPLOY_WORKER_CAPACITY", "EIC_DEPLOY_SPOT_INSTANCE_TYPES",
            "EIC_DEPLOY_INSTANCE_PUBLIC_IPS");

    public static StackSettings from(Env env) {
        List<String> unknown = env.namesStartingWith("EIC_DEPLOY_").stream()
                .filter(name -> !DEPLOY_SETTINGS.contains(name))
                .map(name -> name + " (did you mean " + closest(name, DEPLOY_SETTINGS) + "?)").toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown settings for an AWS deployment: " + String.join(", ", unknown)
                    + " (see docs/deploy-aws.md)");
        }
        List<String> missing = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        String workerAmi = required(env, "eic.deploy.worker-ami", missing);
        String vpc = required(env, "eic.deploy.vpc-id", missing);
        String subnets = required(env, "eic.deploy.subnets", missing);
        Optional<String> region = region(env);
        if (region.isEmpty()) {
            missing.add("a region (EIC_AWS_REGION, AWS_REGION or a profile's)");
        }
        String certificate = env.get("eic.deploy.certificate-arn", "");
        boolean plainHttp = env.getBoolean("eic.deploy.allow-plain-http", false);
        if (certificate.isBlank() && !plainHttp) {
            missing.add("EIC_DEPLOY_CERTIFICATE_ARN (an ACM certificate: the service speaks HTTPS) or "
                    + "EIC_DEPLOY_ALLOW_PLAIN_HTTP=true (plain HTTP, said at every plan and deploy)");
        }
        if (env.get("eic.deploy.spot-instance-types", "a,b,c").split(",").length < WorkerStack.SPOT_TYPES) {
            missing.add("EIC_DEPLOY_SPOT_INSTANCE_TYPES with " + WorkerStack.SPOT_TYPES + " instance types");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("missing settings for an AWS deployment: " + String.join(", ", missing)
                    + " (see docs/deploy-aws.md)");
        }
        parameters.put("WorkerAmi", workerAmi);
        parameters.put("WebAmi", env.get("eic.deploy.web-ami", workerAmi));
        parameters.put("VpcId", vpc);
        parameters.put("WorkerSubnets", env.get("eic.deploy.worker-subnets", subnets));
        parameters.put("WebSubnets", env.get("eic.deploy.web-subnets", subnets));
        parameters.put("PublicSubnets", env.get("eic.deploy.public-subnets", subnets));
        parameters.put("WorkerInstanceType", env.get("eic.deploy.worker-instance-type", "c7i.large"));
        parameters.put("WebInstanceType", env.get("eic.deploy.web-instance-type", "t3.small"));
        parameters.put("ClientCidr", env.get("eic.deploy.client-cidr", "0.0.0.0/0"));
        parameters.put("CertificateArn", certificate);
        parameters.put("AllowPlainHttp", Boolean.toString(plainHttp));
        parameters.put("OpenClassicPost", env.get("eic.deploy.open-classic-post", "false"));
        parameters.put("AlertEmail", env.get("eic.deploy.alert-email", ""));
        parameters.put("Scaling", env.get("eic.deploy.scaling", WorkerStack.ORIGINAL_SCALING));
        parameters.put("BacklogPerWorker", env.get("eic.deploy.backlog-per-worker", "20"));
        parameters.put("WarmWorkers", env.get("eic.deploy.warm-workers", "2"));
        parameters.put("InstancePublicIps", Boolean.toString(env.getBoolean("eic.deploy.instance-public-ips", false)));
        parameters.put("WorkerCapacity", env.get("eic.deploy.worker-capacity", WorkerStack.ON_DEMAND));
        parameters.put("SpotInstanceTypes", env.get("eic.deploy.spot-instance-types", "c7i.large,c6i.large,c5.large"));
        Map<String, URI> endpoints = new LinkedHashMap<>();
        for (String service : List.of("cloudformation", "autoscaling", "cloudwatch", "ec2", "logs", "s3", "sqs")) {
            env.find("eic." + service + ".endpoint").map(URI::create).ifPresent(u -> endpoints.put(service, u));
        }
        return new StackSettings(env.get("eic.name-prefix", "eic"), region.get(), parameters, endpoints);
    }

    /**
     * EIC_AWS_REGION; else where the AWS SDK looks (the {@code aws.region} property, AWS_REGION,
     * the profile's region: not the instance metadata, which is not where a deploy is run from);
     * else AWS_DEFAULT_REGION, which the AWS CLI reads.
     */
    static Optional<String> region(Env env) {
        Optional<String> own = env.find("eic.aws.region").or(() -> env.variable("AWS_REGION"));
        if (own.isPresent()) {
            return own;
        }
        try {
            return Optional.of(new software.amazon.awssdk.regions.providers.AwsRegionProviderChain(
                    new software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider(),
                    new software.amazon.awssdk.regions.providers.AwsProfileRegionProvider()).getRegion().id());
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            return env.variable("AWS_DEFAULT_REGION");
        }
    }

    /** The known name nearest to a mistyped one (fewest single-character edits). */
    static String closest(String name, List<String> known) {
        String best = known.get(0);
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = editDistance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** One line each: how clients reach the service, how the API closes it, and (with Spot) what the workers run on. */
    List<String> access() {
        String cidr = parameters.get("ClientCidr");
        String from = cidr.equals("0.0.0.0/0") ? "from anywhere (EIC_DEPLOY_CLIENT_CIDR narrows it)" : "from " + cidr;
        String door = parameters.get("CertificateArn").isBlank()
                ? "front door: PLAIN HTTP, as EIC_DEPLOY_ALLOW_PLAIN_HTTP asks - images and the API key cross the "
                        + "network unencrypted; EIC_DEPLOY_CERTIFICATE_ARN makes it HTTPS; " + from
                : "front door: HTTPS with " + parameters.get("CertificateArn") + " (HTTP redirects to it), " + from;
        String key = "API key: generated by the stack into Secrets Manager as " + stackName + "-api-key, never "
                + "printed; every API call needs it as X-Api-Key" + (parameters.get("OpenClassicPost").equals("true")
                ? ", except the classic POST / (EIC_DEPLOY_OPEN_CLASSIC_POST=true), behind the rate limit" : "");
        List<String> lines = new ArrayList<>(List.of(door, key));
        if (parameters.get("WorkerCapacity").equals(WorkerStack.SPOT_CAPACITY)) {
            lines.add("workers: Spot above an on-demand base of the group's minimum, from "
                    + parameters.get("SpotInstanceTypes") + ", replaced early when at risk; a Spot notice drains a "
                    + "worker as a scale-in does; no warm pool (Auto Scaling has none for Spot)");
        }
        return lines;
    }

    /** The command that prints the API key, for whoever may read the stack's secret. */
    String readKeyCommand() {
        return "aws secretsmanager get-secret-value --region " + region + " --secret-id " + stackName
                + "-api-key --query SecretString --output text";
    }

    public Optional<URI> endpoint(String service) {
        return Optional.ofNullable(endpoints.get(service));
    }

    private static String required(Env env, String name, List<String> missing) {
        Optional<String> value = env.find(name).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            missing.add(Env.envName(name));
        }
        return value.orElse(null);
    }
}
