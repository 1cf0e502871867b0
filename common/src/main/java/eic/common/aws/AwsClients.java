package eic.common.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place that builds AWS clients: one client per service per JVM, sharing one
 * HTTP connection pool, with the region and the endpoint override of {@link AwsSettings}.
 * Credentials come from the SDK's default provider chain, except the local servers' fixed
 * identity ({@link AwsSettings#localIdentity}).
 */
public final class AwsClients implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AwsClients.class);
    private final AwsSettings settings;
    private final SdkHttpClient http;
    private final List<AutoCloseable> built = new ArrayList<>();
    private final AwsCalls calls = new AwsCalls();
    private S3Client s3;
    private SqsClient sqs;

    public AwsClients(AwsSettings settings) {
        this.settings = settings;
        this.http = httpClient(settings.maxConnections()).build();
    }

    private static ApacheHttpClient.Builder httpClient(int maxConnections) {
        return ApacheHttpClient.builder()
                .expectContinueEnabled(false)
                .maxConnections(maxConnections)
                .connectionTimeout(java.time.Duration.ofSeconds(5))
                // long polls hold a connection for up to 20 s
                .socketTimeout(java.time.Duration.ofSeconds(40));
    }

    public AwsSettings settings() {
        return settings;
    }

    /** The calls every client of this factory has made, by service and operation. */
    public AwsCalls calls() {
        return calls;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            var builder = S3Client.builder().forcePathStyle(settings.s3Endpoint().isPresent());
            if (settings.s3Endpoint().isPresent()) {
                // No default CRC32 trailers (aws-chunked bodies) towards the local S3: it decodes them slowly.
                builder.requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
            }
            s3 = track(configure(builder, settings.s3Endpoint()).httpClient(new SharedHttpClient(http)).build());
        }
        return s3;
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = track(sqsBuilder().httpClient(new SharedHttpClient(http)).build());
        }
        return sqs;
    }

    /**
     * Any other service's client (Auto Scaling, CloudWatch, EC2, IAM for provisioning),
     * configured like S3 and SQS: region, optional endpoint override, per-attempt timeout,
     * the shared connection pool; closed with this factory. The caller keeps the one client.
     */
    public synchronized <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
                                                                                                 Optional<URI> endpoint) {
        return track(configure(builder, endpoint).httpClient(new SharedHttpClient(http)).build());
    }

    /**
     * An SQS client with its own small connection pool, owned by the caller, for a long
     * poll that must be cut short: closing it aborts the poll's socket at once, which
     * interrupting the thread does not. Everything else shares {@link #sqs()}.
     */
    public SqsClient newPollingSqsClient() {
        // The SDK owns a client made from a builder, so closing the SqsClient closes its pool.
        return sqsBuilder().httpClientBuilder(httpClient(2)).build();
    }

    /**
     * Towards the local queue server on loopback, no MD5 of every message body on send and
     * receive: TCP already guards those bytes there, and it is CPU on every message. Towards
     * AWS the SDK's check stays.
     */
    private software.amazon.awssdk.services.sqs.SqsClientBuilder sqsBuilder() {
        return configure(SqsClient.builder(), settings.sqsEndpoint())
                .checksumValidationEnabled(settings.sqsEndpoint().isEmpty());
    }

    /** Region, identity, endpoint override and the per-attempt timeout, the same for every client. */
    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                          Optional<URI> endpoint) {
        settings.region().map(Region::of).ifPresent(builder::region);
        settings.localIdentity().map(StaticCredentialsProvider::create).ifPresent(builder::credentialsProvider);
        endpoint.ifPresent(builder::endpointOverride);
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(settings.apiTimeout())
                .addExecutionInterceptor(calls)
                .build());
        return builder;
    }

    private synchronized <C> C track(C client) {
        if (client instanceof AutoCloseable closeable) {
            built.add(closeable);
        }
        return client;
    }

    @Override
    public synchronized void close() {
        String summary = calls.summary();
        if (!summary.isEmpty()) {
            log.info("AWS calls since start: {}", summary);
        }
        for (AutoCloseable client : built) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing is best effort at shutdown
            }
        }
        built.clear();
        http.close();
    }

    /** Keeps a client's close() from closing the pool that the other clients share. */
    private record SharedHttpClient(SdkHttpClient delegate) implements SdkHttpClient {
        @Override
        public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(
                software.amazon.awssdk.http.HttpExecuteRequest request) {
            return delegate.prepareRequest(request);
        }

        @Override
        public String clientName() {
            return delegate.clientName();
        }

        @Override
        public void close() {
            // owned by AwsClients
        }
    }
}
