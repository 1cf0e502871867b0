package eic.system;

import eic.load.ClassicClient;

import static org.assertj.core.api.Assertions.assertThat;
import eic.common.aws.QueueDepth;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ResultStore;
import static org.awaitility.Awaitility.await;

import eic.common.shapes.ShapeImages;
import eic.infra.fleet.FleetTimeline;
import eic.infra.local.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst makes the local fleet grow - at once, from its warm pool of one parked worker -
 * every request is answered, and the fleet drains back to 1, parking one of the burst's
 * workers again.
 */
class ElasticityIT {
    static LocalStack stack;

    @BeforeAll
    static void start(@TempDir Path dataDir) throws Exception {
        stack = TestStacks.autoscaling(dataDir, 4);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aBurstOf60ImagesGrowsTheFleetFromItsWarmPoolAndItReturnsToOneWithNothingLost() throws Exception {
        // The pool is filled once the fleet has been still for a while (WorkerFleet.REFILL_AFTER).
        await().atMost(Duration.ofSeconds(90)).until(() -> stack.fleet().warm() == 1);
        ClassicClient client = new ClassicClient(URI.create(stack.webUrl() + "/"), Duration.ofSeconds(120));
        Random random = new Random(60);
        ExecutorService pool = Executors.newFixedThreadPool(30);
        List<String> truth = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // large images: each takes the worker tens of ms to decode, so the burst outlasts a few periods
            ShapeImages.Sample sample = ShapeImages.random(random, 1600, 2400);
            truth.add(sample.label());
            images.add(ShapeImages.png(sample.image()));
        }
        List<Future<ClassicClient.Answer>> answers = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            String name = "burst-" + i + ".png";
            byte[] png = images.get(i);
            answers.add(pool.submit(() -> client.classify(name, png)));
        }
        // Deadlines that only keep a broken run from hanging: how fast it grows is the benchmark's
        // (scripts/elasticity.sh), never a test's, as machines differ.
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.fleet().desired() > 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.fleet().inService() > 1);
        int launchedByTheBurst = stack.fleet().launched();
        assertThat(stack.fleet().activations()).as("the first scale-out came from the warm pool").isPositive();

        for (int i = 0; i < answers.size(); i++) {
            ClassicClient.Answer answer = answers.get(i).get();
            assertThat(answer.status()).as("request %d: %s", i, answer.body()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(truth.get(i));
            // Nothing stranded by a drain or a park: a message held by a worker that went away would have
            // come back to be answered by a second delivery.
            assertThat(record(answer.requestId()).deliveries()).as("request %d answered on its first delivery", i)
                    .isEqualTo(1);
        }
        pool.shutdown();

        await().atMost(Duration.ofSeconds(90)).until(() -> stack.fleet().desired() == 1
                && stack.fleet().members().size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> queued() == 0);
        assertThat(stack.fleet().drainExitCodes()).as("drained workers that had served finished and ended on their own")
                .allMatch(code -> code == 0);
        // Scale-in parked one of the burst's workers again: the pool is full without a new JVM.
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fleet().warm() == 1);
        assertThat(stack.fleet().parked()).as("a worker that served the burst, not a new JVM (%d were started)",
                launchedByTheBurst).allSatisfy(id -> assertThat(Integer.parseInt(id.substring("worker-".length())))
                .isLessThanOrEqualTo(launchedByTheBurst));

        FleetTimeline timeline = stack.controller().timeline();
        assertThat(timeline.samples()).anySatisfy(s -> assertThat(s.desired()).isGreaterThan(1));
        assertThat(timeline.samples()).anySatisfy(s -> assertThat(s.inService()).isGreaterThan(1));
        assertThat(timeline.current().desired()).isEqualTo(1);
        assertThat(timeline.samples()).anySatisfy(s -> assertThat(s.action()).startsWith("scale-in"));

        HttpResponse<String> fleet = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.webUrl() + "/api/v1/fleet")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fleet.statusCode()).isEqualTo(200);
        assertThat(fleet.body()).contains("\"samples\"").contains("\"inService\"").contains("scale-out");
    }

    private static ClassificationReply record(String requestId) {
        return new ResultStore(stack.aws().s3(), stack.names().outputBucket()).find(requestId).orElseThrow();
    }

    private static int queued() {
        return QueueDepth.read(stack.aws().sqs(), stack.requestQueueUrl()).total();
    }
}
