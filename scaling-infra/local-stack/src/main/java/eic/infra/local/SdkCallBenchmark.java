package eic.infra.local;

import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import eic.common.aws.AwsClients;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * What one S3 or SQS call costs in CPU, in isolation: the client's part (the calling thread's
 * CPU time: the SDK's pipeline and the Apache client run on it) and the local server's part
 * (the rest of this JVM's CPU time over the same calls: ElasticMQ's and S3Proxy's threads, GC,
 * the JIT). Two sets of clients make the same calls against the same servers: the SDK's defaults
 * with the endpoint override, and {@link AwsClients}, the project's one factory, so each client
 * setting is measured by what it changes per call.
 */
public final class SdkCallBenchmark {
    private static final String BUCKET = "sdk-bench";
    private static final byte[] KILOBYTE = new byte[1024];
    private static final String MESSAGE = "m".repeat(1024);

    /** One call kind through one set of clients: CPU-ms per call, client and server, and wall-clock ms. */
    public record Row(String clients, String call, int calls, double clientCpuMs, double serverCpuMs, double wallMs) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-13s %-30s %6d calls  client %6.3f  server %6.3f  total %6.3f CPU-ms"
                    + "  wall %6.3f ms", clients, call, calls, clientCpuMs, serverCpuMs, clientCpuMs + serverCpuMs, wallMs);
        }
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final int calls;

    private SdkCallBenchmark(int calls) {
        this.calls = calls;
    }

    /** Starts the local servers in a temporary directory, measures both sets of clients, in turn, twice. */
    public static List<Row> run(int calls) throws Exception {
        Path dir = Files.createTempDirectory("eic-sdk-bench");
        try (LocalServers servers = LocalServers.start(dir, 0, 0, false);
             SdkHttpClient http = ApacheHttpClient.builder().expectContinueEnabled(false).build();
             AwsClients project = new AwsClients(servers.awsSettings());
             S3Client defaultS3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(servers.s3Endpoint())
                     .credentialsProvider(StaticCredentialsProvider.create(LocalServers.IDENTITY))
                     .forcePathStyle(true).httpClient(http).build();
             SqsClient defaultSqs = SqsClient.builder().region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(LocalServers.IDENTITY))
                     .endpointOverride(servers.sqsEndpoint()).httpClient(http).build()) {
            project.s3().createBucket(b -> b.bucket(BUCKET));
            String queue = project.sqs().createQueue(b -> b.queueName("sdk-bench")).queueUrl();
            SdkCallBenchmark bench = new SdkCallBenchmark(calls);
            // The first round warms both up (JIT, pools, the servers' caches); the second is reported.
            List<Row> rows = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                List<Row> measured = new ArrayList<>();
                measured.addAll(bench.measure("sdk-defaults", defaultS3, defaultSqs, queue));
                measured.addAll(bench.measure("project", project.s3(), project.sqs(), queue));
                rows = measured;
            }
            return rows;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private List<Row> measure(String clients, S3Client s3, SqsClient sqs, String queue) {
        List<Row> rows = new ArrayList<>();
        rows.add(time(clients, "S3 PutObject 1 KB", calls,
                i -> s3.putObject(b -> b.bucket(BUCKET).key("k" + i), RequestBody.fromBytes(KILOBYTE))));
        rows.add(time(clients, "S3 GetObject 1 KB", calls,
                i -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("k" + i))));
        rows.add(time(clients, "S3 GetObject missing", calls, i -> {
            try {
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("missing-" + i));
                throw new IllegalStateException("missing-" + i + " exists");
            } catch (NoSuchKeyException expected) {
                // the dedup lookup of a new image: the usual answer
            }
        }));
        rows.add(time(clients, "SQS SendMessage 1 KB", calls,
                i -> sqs.sendMessage(b -> b.queueUrl(queue).messageBody(MESSAGE))));
        int batches = calls / 10;
        rows.add(time(clients, "SQS SendMessageBatch 10 x 1 KB", batches,
                i -> sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(IntStream.range(0, 10)
                        .mapToObj(e -> SendMessageBatchRequestEntry.builder().id("e" + e).messageBody(MESSAGE).build())
                        .toList()))));
        List<List<Message>> received = new ArrayList<>();
        int total = calls + batches * 10;
        rows.add(time(clients, "SQS ReceiveMessage 10", total / 10, i -> received.add(sqs.receiveMessage(b -> b
                .queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1).visibilityTimeout(60)).messages())));
        List<List<Message>> batchesReceived = received.stream().filter(m -> !m.isEmpty()).toList();
        rows.add(time(clients, "SQS DeleteMessageBatch 10", batchesReceived.size(), i -> sqs.deleteMessageBatch(b -> b
                .queueUrl(queue).entries(batchesReceived.get(i).stream().map(m -> DeleteMessageBatchRequestEntry.builder()
                        .id(m.messageId()).receiptHandle(m.receiptHandle()).build()).toList()))));
        // Whatever a receive missed (ElasticMQ may return fewer than 10) goes, so each round starts empty.
        sqs.purgeQueue(b -> b.queueUrl(queue));
        return rows;
    }

    private Row time(String clients, String call, int n, java.util.function.IntConsumer body) {
        long thread0 = threads.getCurrentThreadCpuTime();
        long process0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            body.accept(i);
        }
        long wall = System.nanoTime() - wall0;
        long client = threads.getCurrentThreadCpuTime() - thread0;
        long server = os.getProcessCpuTime() - process0 - client;
        return new Row(clients, call, n, client / 1e6 / n, server / 1e6 / n, wall / 1e6 / n);
    }
}
