package eic.common.aws;

import eic.common.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * Where the AWS services are, and as whom they are called. On AWS both endpoints are empty
 * and the SDK's defaults apply, credentials included (the default provider chain: the
 * instance role, a profile, the environment). The local stack's own clients point at
 * ElasticMQ and S3Proxy on 127.0.0.1 (or an emulator) and call them with those servers'
 * fixed identity, given here rather than planted in the JVM's system properties; the
 * processes it starts find the same identity in their environment.
 *
 * @param region         region name, or empty for the default region provider chain
 * @param s3Endpoint     endpoint override for S3 (path-style addressing is used with it)
 * @param sqsEndpoint    endpoint override for SQS
 * @param maxConnections HTTP connection pool size per client
 * @param apiTimeout     bound on one attempt of an API call; it must exceed the 20 s long-poll wait
 * @param localIdentity  the local servers' (or an emulator's) fixed identity; empty: the default provider chain
 */
public record AwsSettings(Optional<String> region, Optional<URI> s3Endpoint, Optional<URI> sqsEndpoint,
                          int maxConnections, Duration apiTimeout, Optional<AwsBasicCredentials> localIdentity) {

    public static AwsSettings from(Env env) {
        return new AwsSettings(
                env.find("eic.aws.region"),
                env.find("eic.s3.endpoint").map(URI::create),
                env.find("eic.sqs.endpoint").map(URI::create),
                env.getInt("eic.aws.max-connections", 64),
                env.getDuration("eic.aws.api-timeout", Duration.ofSeconds(35)),
                Optional.empty());
    }

    public static AwsSettings local(URI s3Endpoint, URI sqsEndpoint, AwsBasicCredentials identity) {
        return new AwsSettings(Optional.of("us-east-1"), Optional.of(s3Endpoint), Optional.of(sqsEndpoint),
                64, Duration.ofSeconds(35), Optional.of(identity));
    }

    public boolean isLocal() {
        return s3Endpoint.isPresent() || sqsEndpoint.isPresent();
    }
}
