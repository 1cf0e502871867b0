package eic.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalServers;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import eic.load.ClassicClient;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001's controller on the local fleet ({@code EIC_LOCAL_POLICY=idle-stop}), its whole
 * cycle with short times: an idle worker parks itself and leaves the fleet, work starts the
 * parked worker before a new JVM, the reaper ends parked workers, and work after that
 * starts a new one - every request answered with its label.
 */
class IdleStopIT {
    static LocalStack stack;
    static ClassicClient client;
    static final Random random = new Random(1);

    @BeforeAll
    static void start(@TempDir Path dataDir) throws Exception {
        LocalStackOptions options = new LocalStackOptions(TestStacks.home(), dataDir, LocalServers.freePort(), 1,
                Duration.ofSeconds(20), Map.of("EIC_MODEL", "shapes"), false)
                .withAutoscaling(2, Duration.ofSeconds(1));
        stack = LocalStack.start(options.withScaling(options.scaling().withPolicy("idle-stop",
                Duration.ofSeconds(2), Duration.ofSeconds(20))));
        client = new ClassicClient(URI.create(stack.webUrl() + "/"), Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void idleWorkersParkThemselvesAreStartedAgainFirstAndAreReaped() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fleet().desired() == 0 && stack.fleet().warm() == 1);
        assertThat(stack.fleet().inService()).as("the idle worker left the fleet").isZero();
        assertThat(stack.fleet().launched()).isEqualTo(1);

        classify(6);
        assertThat(stack.fleet().activations()).as("the parked worker was started before any new one")
                .isPositive();

        await().atMost(Duration.ofSeconds(30)).until(() -> stack.fleet().desired() == 0
                && stack.fleet().inService() == 0);
        await().atMost(Duration.ofSeconds(40)).until(() -> stack.fleet().parked().isEmpty());
        assertThat(stack.fleet().inService() + stack.fleet().warm()).as("the reaper ended the parked workers")
                .isZero();
        assertThat(stack.controller().timeline().samples()).anySatisfy(s -> assertThat(s.action())
                .containsPattern("reap [12] stopped"));

        int launchedBefore = stack.fleet().launched();
        classify(1);
        assertThat(stack.fleet().launched()).as("nothing parked is left: a new worker JVM")
                .isEqualTo(launchedBefore + 1);
    }

    /** Sends n images at once and checks every label. */
    private static void classify(int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<String> truth = new ArrayList<>();
            List<Future<ClassicClient.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ShapeImages.Sample sample = ShapeImages.random(random, 200, 400);
                truth.add(sample.label());
                byte[] png = ShapeImages.png(sample.image());
                String name = "idle-" + random.nextInt(1_000_000) + ".png";
                answers.add(pool.submit(() -> client.classify(name, png)));
            }
            for (int i = 0; i < n; i++) {
                ClassicClient.Answer answer = answers.get(i).get();
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo(truth.get(i));
            }
        } finally {
            pool.shutdown();
        }
    }
}
