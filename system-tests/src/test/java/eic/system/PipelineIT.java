package eic.system;

import eic.common.images.TestImages;
import eic.common.messaging.ResultStore;
import eic.load.ClassicClient;

import static org.assertj.core.api.Assertions.assertThat;
import eic.common.aws.QueueDepth;
import eic.common.messaging.ObjectKeys;
import static org.awaitility.Awaitility.await;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.Messages;
import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalServers;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline: HTTP -> input bucket -> request queue -> worker -> output bucket +
 * reply -> HTTP answer, with the web-tier and worker JVMs as built by this reactor. This
 * class runs it on ElasticMQ + S3Proxy (the local stack that counts);
 * {@link PipelineOnLocalStackContainerIT} runs the same tests on LocalStack in Docker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {
    LocalStack stack;
    ClassicClient client;

    record Sent(String fileName, String truth, ClassicClient.Answer answer) {
    }

    /** The stack under test: ElasticMQ and S3Proxy in this JVM. */
    LocalStackOptions options(Path home, Path dataDir, int port) {
        return new LocalStackOptions(home, dataDir, port, 1, Duration.ofSeconds(5), Map.of("EIC_MODEL", "shapes"),
                false);
    }

    @BeforeAll
    void startStack(@TempDir Path dataDir) throws Exception {
        Path home = Path.of(System.getProperty("eic.home", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(options(home, dataDir, LocalServers.freePort()));
        client = new ClassicClient(URI.create(stack.webUrl() + "/"), Duration.ofSeconds(60));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void fiftyImagesFromTwentyFiveThreadsAreAllAnsweredCorrectlyAndRecorded() throws Exception {
        List<Sent> sent = send(50, 25, 4242L, 64, 400);

        for (Sent s : sent) {
            assertThat(s.answer().status()).as("status for %s: %s", s.fileName(), s.answer().body()).isEqualTo(200);
            assertThat(s.answer().body()).as("label for %s", s.fileName()).isEqualTo(s.truth());
            assertThat(s.answer().model()).isEqualTo("shapes");
            assertThat(s.answer().stages()).as("Server-Timing: every hop, in the request's order").containsOnlyKeys(
                    "intake", "store", "enqueue", "queue", "fetch", "decode", "model", "record", "delivery", "total");
            assertThat(s.answer().stages().get("total")).as("the whole is at least its parts").isGreaterThanOrEqualTo(
                    s.answer().stages().get("store") + s.answer().stages().get("enqueue"));
            ClassificationReply record = Messages.parseReply(outputObject(ObjectKeys.record(s.answer().requestId())));
            assertThat(record.status()).isEqualTo(ClassificationReply.Status.DONE);
            assertThat(record.label()).isEqualTo(s.truth());
            assertThat(record.top5()).hasSize(5);
            assertThat(outputObject(s.fileName())).isEqualTo(s.truth());
        }
        awaitEmptyQueues();
    }

    @Test
    void webpAndTiffAreClassifiedThroughTheWholeStack() throws Exception {
        // The door's header check runs in the executable web jar, whose readers are nested jars.
        ShapeImages.Sample sample = ShapeImages.random(new Random(21), 100, 200);
        for (var upload : java.util.Map.of("shape.webp", TestImages.webp(true, sample.image()),
                "shape.tiff", TestImages.tiff(sample.image())).entrySet()) {
            ClassicClient.Answer answer = client.classify(upload.getKey(), upload.getValue());
            assertThat(answer.status()).as("%s: %s", upload.getKey(), answer.body()).isEqualTo(200);
            assertThat(answer.body()).as(upload.getKey()).isEqualTo(sample.label());
        }
    }

    @Test
    void requestsHeldByAKilledWorkerAreAnsweredAfterRedelivery() throws Exception {
        String victim = stack.fleet().members().get(0).id();
        ExecutorService load = Executors.newSingleThreadExecutor();
        // Large images keep the worker busy long enough to be caught holding messages.
        Future<List<Sent>> answers = load.submit(() -> send(30, 15, 777L, 1800, 2400));
        // Catch the worker holding messages: freeze it, and look again while it can neither finish nor delete
        // (a worker that was between batches is let go on and caught at its next one), then kill it.
        long pid = stack.fleet().process(victim).pid();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (notVisible(stack.requestQueueUrl()) == 0) {
                return false;
            }
            signal("STOP", pid);
            if (notVisible(stack.requestQueueUrl()) > 0) {
                return true;
            }
            signal("CONT", pid);
            return false;
        });
        stack.fleet().process(victim).kill();

        List<Sent> sent = answers.get();
        load.shutdown();
        for (Sent s : sent) {
            assertThat(s.answer().status()).as("status for %s: %s", s.fileName(), s.answer().body()).isEqualTo(200);
            assertThat(s.answer().body()).isEqualTo(s.truth());
        }
        assertThat(sent).as("what the killed worker held was answered by a second delivery").anySatisfy(s -> assertThat(
                new ResultStore(stack.aws().s3(), stack.names().outputBucket()).find(s.answer().requestId())
                        .orElseThrow().deliveries()).isGreaterThan(1));
        assertThat(stack.fleet().members()).extracting(eic.infra.fleet.WorkerFleet.Member::id).doesNotContain(victim);
        awaitEmptyQueues();
        assertThat(stack.aws().s3().listObjectsV2(b -> b.bucket(stack.names().outputBucket()).prefix("ops/alone/"))
                .contents()).as("what came back was classified alone and answered: nothing is held against it")
                .isEmpty();
    }

    @Test
    void aWebTierThatDiesComesBackByItself() throws Exception {
        eic.infra.process.ManagedProcess killed = stack.web();
        killed.kill();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> stack.web() != killed && stack.web().isReady());
        List<Sent> sent = send(3, 3, 99L, 64, 128);
        for (Sent s : sent) {
            assertThat(s.answer().status()).as("status for %s: %s", s.fileName(), s.answer().body()).isEqualTo(200);
            assertThat(s.answer().body()).isEqualTo(s.truth());
        }
    }

    private List<Sent> send(int count, int threads, long seed, int minSide, int maxSide) throws Exception {
        Random random = new Random(seed);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Sent>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ShapeImages.Sample sample = ShapeImages.random(random, minSide, maxSide);
                String fileName = "it-" + seed + "-" + i + ".png";
                byte[] png = ShapeImages.png(sample.image());
                futures.add(pool.submit(() -> new Sent(fileName, sample.label(), client.classify(fileName, png))));
            }
            List<Sent> sent = new ArrayList<>();
            for (Future<Sent> f : futures) {
                sent.add(f.get());
            }
            return sent;
        } finally {
            pool.shutdown();
        }
    }

    private String outputObject(String key) {
        return stack.aws().s3().getObjectAsBytes(b -> b.bucket(stack.names().outputBucket()).key(key)).asUtf8String();
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }

    private int notVisible(String queueUrl) {
        return QueueDepth.read(stack.aws().sqs(), queueUrl).inFlight();
    }

    private int total(String queueUrl) {
        return QueueDepth.read(stack.aws().sqs(), queueUrl).total();
    }

    private void awaitEmptyQueues() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(total(stack.requestQueueUrl())).as("request queue").isZero();
            assertThat(total(stack.deadLetterQueueUrl())).as("dead-letter queue").isZero();
        });
    }
}
