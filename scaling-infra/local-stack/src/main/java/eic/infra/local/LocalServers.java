package eic.infra.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import eic.common.aws.AwsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Function0;

/**
 * The two servers that speak the AWS wire protocols locally, in this JVM, bound to
 * 127.0.0.1: ElasticMQ (SQS, messages in memory, or persisted in H2) and S3Proxy (S3, objects
 * as plain files, which survive restarts). Their data lives under one directory.
 */
public final class LocalServers implements AutoCloseable {
    /** The local identity S3Proxy checks: in the settings of this JVM's clients, in the environment of its children. */
    public static final AwsBasicCredentials IDENTITY = AwsBasicCredentials.create("eic-local", "eic-local-secret");

    private static final Logger log = LoggerFactory.getLogger(LocalServers.class);

    private final Function0<?> stopSqs;
    private final S3Proxy s3;
    private final URI sqsEndpoint;
    private final URI s3Endpoint;
    private final Optional<Instant> queuesBornAt;

    private LocalServers(Function0<?> stopSqs, URI sqsEndpoint, S3Proxy s3, URI s3Endpoint,
                         Optional<Instant> queuesBornAt) {
        this.stopSqs = stopSqs;
        this.queuesBornAt = queuesBornAt;
        this.sqsEndpoint = sqsEndpoint;
        this.s3 = s3;
        this.s3Endpoint = s3Endpoint;
    }

    /** Starts both, messages persisted; a port of 0 picks a free one. */
    public static LocalServers start(Path dataDir, int sqsPort, int s3Port) {
        return start(dataDir, sqsPort, s3Port, true);
    }

    /**
     * @param persistMessages keep queued and in-flight messages in H2 across restarts; every
     *                        send, receive and delete then writes to disk (11 of the 37 CPU-ms a
     *                        request cost the local servers, benchmarks.md). H2 writes at once
     *                        (WRITE_DELAY=0): by default it delays writes by 500 ms, and sends
     *                        acknowledged in that window were lost to a kill -9. Without it the
     *                        queues start empty each time, and {@link #queuesBornAt()} says since when.
     */
    public static LocalServers start(Path dataDir, int sqsPort, int s3Port, boolean persistMessages) {
        // Whole seconds, rounded down: the local S3 dates objects to the second, and nothing is stored between
        // this instant and the web tier's start seconds later, so "stored before" is never a new upload.
        Optional<Instant> bornAt = persistMessages ? Optional.empty()
                : Optional.of(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try {
            Files.createDirectories(dataDir.resolve("s3"));
            Files.createDirectories(dataDir.resolve("sqs"));
            int sp = sqsPort == 0 ? freePort() : sqsPort;
            Config config = ConfigFactory.parseString(String.join("\n",
                    "rest-sqs { enabled = true, bind-port = " + sp + ", bind-hostname = \"127.0.0.1\", sqs-limits = strict }",
                    "node-address { protocol = http, host = \"127.0.0.1\", port = " + sp + ", context-path = \"\" }",
                    "generate-node-address = false",
                    "messages-storage { enabled = " + persistMessages + ", uri = \"jdbc:h2:" + dataDir.resolve("sqs").toAbsolutePath()
                            + "/elasticmq;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0\" }",
                    "aws { region = \"us-east-1\", accountId = \"000000000000\" }"))
                    .withFallback(ConfigFactory.load(LocalServers.class.getClassLoader()));
            Function0<?> stopSqs = new ElasticMQServer(new ElasticMQServerConfig(config)).start();
            URI sqsEndpoint = URI.create("http://127.0.0.1:" + sp);

            int p = s3Port == 0 ? freePort() : s3Port;
            URI s3Endpoint = URI.create("http://127.0.0.1:" + p);
            S3Proxy s3 = S3Proxy.builder()
                    .blobStore(new FilesystemNio2BlobStore(dataDir.resolve("s3").toAbsolutePath().toString()))
                    .endpoint(s3Endpoint)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY.accessKeyId(),
                            IDENTITY.secretAccessKey())
                    .build();
            s3.start();
            log.info("local SQS (ElasticMQ) on {}, local S3 (S3Proxy) on {}, data in {}", sqsEndpoint, s3Endpoint,
                    dataDir.toAbsolutePath());
            return new LocalServers(stopSqs, sqsEndpoint, s3, s3Endpoint, bornAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the local S3 server: " + e.getMessage(), e);
        }
    }

    /**
     * When the queues were created empty, if they keep nothing across restarts: the workers then enqueue
     * again at start what was outstanding before ({@code EIC_QUEUES_BORN_AT}, the reconciler).
     */
    public Optional<Instant> queuesBornAt() {
        return queuesBornAt;
    }

    public URI sqsEndpoint() {
        return sqsEndpoint;
    }

    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public AwsSettings awsSettings() {
        return AwsSettings.local(s3Endpoint, sqsEndpoint, IDENTITY);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            s3.stop();
        } catch (Exception e) {
            log.warn("S3Proxy did not stop cleanly: {}", e.getMessage());
        }
        stopSqs.apply();
    }
}
