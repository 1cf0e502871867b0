package eic.infra.deploy;

import eic.common.aws.AwsClients;
import eic.common.config.Env;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The clients provisioning needs, all from the project's one factory. Endpoint overrides
 * ({@code EIC_AUTOSCALING_ENDPOINT}, ...) exist for tests against a loopback server.
 */
record DeployClients(S3Client s3, SqsClient sqs, AutoScalingClient autoScaling, CloudWatchClient cloudWatch,
                     Ec2Client ec2, IamClient iam) {

    static DeployClients from(AwsClients aws, Env env) {
        return new DeployClients(aws.s3(), aws.sqs(),
                aws.client(AutoScalingClient.builder(), endpoint(env, "autoscaling")),
                aws.client(CloudWatchClient.builder(), endpoint(env, "cloudwatch")),
                aws.client(Ec2Client.builder(), endpoint(env, "ec2")),
                // IAM is global; the SDK resolves its one endpoint from any region of the partition.
                aws.client(IamClient.builder(), endpoint(env, "iam")));
    }

    private static Optional<URI> endpoint(Env env, String service) {
        return env.find("eic." + service + ".endpoint").map(URI::create);
    }
}
