package eic.infra.stack;

import eic.common.config.Env;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one deployment of the stack is: its name and the template's parameters, from the
 * environment (or -D). Missing required settings are all named at once.
 *
 * @param stackName  the CloudFormation stack (EIC_NAME_PREFIX, default {@code eic}); every name derives from it
 * @param parameters the template's parameters, by name
 * @param endpoints  endpoint overrides by service (EIC_CLOUDFORMATION_ENDPOINT, ...), for an emulator
 */
public record StackSettings(String stackName, Map<String, String> parameters, Map<String, URI> endpoints) {

    public static StackSettings from(Env env) {
        List<String> missing = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        String workerAmi = required(env, "eic.deploy.worker-ami", missing);
        String vpc = required(env, "eic.deploy.vpc-id", missing);
        String subnets = required(env, "eic.deploy.subnets", missing);
        required(env, "eic.aws.region", missing);
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
        parameters.put("CertificateArn", env.get("eic.deploy.certificate-arn", ""));
        parameters.put("AlertEmail", env.get("eic.deploy.alert-email", ""));
        parameters.put("Scaling", env.get("eic.deploy.scaling", WorkerStack.ORIGINAL_SCALING));
        parameters.put("BacklogPerWorker", env.get("eic.deploy.backlog-per-worker", "20"));
        parameters.put("WarmWorkers", env.get("eic.deploy.warm-workers", "2"));
        Map<String, URI> endpoints = new LinkedHashMap<>();
        for (String service : List.of("cloudformation", "autoscaling", "cloudwatch", "s3", "sqs")) {
            env.find("eic." + service + ".endpoint").map(URI::create).ifPresent(u -> endpoints.put(service, u));
        }
        return new StackSettings(env.get("eic.name-prefix", "eic"), parameters, endpoints);
    }

    public Optional<URI> endpoint(String service) {
        return Optional.ofNullable(endpoints.get(service));
    }

    private static String required(Env env, String name, List<String> missing) {
        Optional<String> value = env.find(name).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            missing.add("EIC_" + name.substring("eic.".length()).replace('.', '_').replace('-', '_')
                    .toUpperCase(java.util.Locale.ROOT));
        }
        return value.orElse(null);
    }
}
