package eic.app.worker;

import eic.common.messaging.ResultStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eic.app.classifier.Classifier;
import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecoder;
import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.queue.QueuePoller;
import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Outages of a minute between the worker and S3, or the worker and SQS, each made by a TCP
 * relay that the test cuts and heals while the servers behind it keep running: requests are
 * delayed, never failed, and every one ends with its right label.
 */
class WorkerOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    static LocalStack stack;
    static TcpProxy s3Link;
    static TcpProxy sqsLink;
    static AwsClients workerAws;
    static Classifier classifier;
    static Loops loops;

    @BeforeAll
    static void start(@TempDir Path dataDir) throws Exception {
        stack = LocalStack.startStorage(new LocalStackOptions(dataDir, dataDir, 0, 0, Duration.ofSeconds(5),
                Map.of(), false));
        s3Link = new TcpProxy(stack.awsSettings().s3Endpoint().orElseThrow().getPort());
        sqsLink = new TcpProxy(stack.awsSettings().sqsEndpoint().orElseThrow().getPort());
        workerAws = new AwsClients(AwsSettings.local(URI.create("http://127.0.0.1:" + s3Link.port()),
                URI.create("http://127.0.0.1:" + sqsLink.port()), stack.awsSettings().localIdentity().orElseThrow()));
        classifier = Classifier.load(new ClassifierSettings("shapes", Optional.empty(), Optional.empty(), 2, 1,
                ImageDecoder.DEFAULT_MAX_PIXELS));
        WorkerSettings settings = new WorkerSettings("outage-worker", stack.names(), 10, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 1, 4, Duration.ofSeconds(10), Duration.ofMinutes(10), 16_000_000L,
                new Reconciler.Settings(Duration.ofHours(1), Duration.ofHours(1), 3));
        loops = Loops.assemble(settings, workerAws.sqs(), workerAws::newPollingSqsClient, workerAws.s3(), classifier,
                BusyMarker.none(), Clock.systemUTC());
        loops.pollers().forEach(p -> new Thread(p, p.toString()).start());
    }

    @AfterAll
    static void stop() throws Exception {
        s3Link.heal();
        sqsLink.heal();
        loops.stop();
        for (QueuePoller poller : loops.pollers()) {
            poller.awaitStopped(Duration.ofSeconds(30));
        }
        loops.close();
        workerAws.close();
        classifier.close();
        s3Link.close();
        sqsLink.close();
        stack.close();
    }

    @Test
    void aMinuteWithoutS3DelaysRequestsAndFailsNone() {
        s3Link.cut();
        Map<String, String> truth = submit(5, 21);
        await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> noneFailed(truth));
        s3Link.heal();
        awaitAllRight(truth);
    }

    @Test
    void aMinuteWithoutSqsDelaysRequestsAndFailsNone() {
        sqsLink.cut();
        Map<String, String> truth = submit(5, 22);
        await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> noneFailed(truth));
        sqsLink.heal();
        awaitAllRight(truth);
    }

    /** Uploads and enqueues through the servers themselves (not the cut links): request id to label. */
    private static Map<String, String> submit(int count, long seed) {
        Random random = new Random(seed);
        Map<String, String> truth = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            ShapeImages.Sample sample = ShapeImages.random(random, 80, 160);
            String id = UUID.randomUUID().toString();
            String key = ObjectKeys.upload(id);
            stack.aws().s3().putObject(b -> b.bucket(stack.names().inputBucket()).key(key),
                    RequestBody.fromBytes(ShapeImages.png(sample.image())));
            ClassificationRequest request = new ClassificationRequest(Messages.VERSION, id, stack.names().inputBucket(),
                    key, "outage-" + i + ".png", null, Instant.now().plus(Duration.ofHours(1)), Instant.now());
            stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.requestQueueUrl()).messageBody(Messages.toJson(request)));
            truth.put(id, sample.label());
        }
        return truth;
    }

    private static boolean noneFailed(Map<String, String> truth) {
        return truth.keySet().stream().map(WorkerOutageTest::record)
                .noneMatch(r -> r.isPresent() && !r.get().isDone());
    }

    private static void awaitAllRight(Map<String, String> truth) {
        await().atMost(Duration.ofSeconds(90)).until(() -> truth.keySet().stream().allMatch(id -> record(id).isPresent()));
        truth.forEach((id, label) -> {
            ClassificationReply reply = record(id).orElseThrow();
            assertThat(reply.status()).as("request %s", id).isEqualTo(ClassificationReply.Status.DONE);
            assertThat(reply.label()).isEqualTo(label);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stack.aws().s3().listObjectsV2(b -> b
                .bucket(stack.names().outputBucket()).prefix("ops/alone/")).contents())
                .as("what came back was classified alone, and the outage left nothing held against it").isEmpty());
    }

    private static Optional<ClassificationReply> record(String id) {
        return new ResultStore(stack.aws().s3(), stack.names().outputBucket()).find(id);
    }
}
