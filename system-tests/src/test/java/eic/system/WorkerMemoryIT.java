package eic.system;

import eic.load.ClassicClient;

import static org.assertj.core.api.Assertions.assertThat;

import eic.common.shapes.ShapeImages;
import eic.infra.fleet.WorkerFleet;
import eic.infra.local.LocalServers;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.net.URI;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory proven, not hoped: a worker with a heap far too small for a 40-megapixel image
 * decoded whole (a 128 MB heap; 160 MB of pixels) classifies uploads at the door's pixel
 * limit, PNG and JPEG, among good images in the same batches - every one right, and the
 * worker never exits (it reads only what the model keeps: ImageDecoder, Preprocessing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerMemoryIT {
    LocalStack stack;

    @BeforeAll
    void startStack(@TempDir Path dataDir) throws Exception {
        Path home = Path.of(System.getProperty("eic.home", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(new LocalStackOptions(home, dataDir, LocalServers.freePort(), 1, Duration.ofSeconds(3),
                Map.of("EIC_MODEL", "shapes", "EIC_WORKER_HEAP", "128m"), false));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void imagesAtThePixelLimitAreClassifiedBesideGoodOnesWithoutAWorkerExiting() throws Exception {
        String first = stack.fleet().members().get(0).id();
        Random random = new Random(1);
        // 6316 x 6316 = 39.9 megapixels, under the door's 40-megapixel limit
        BufferedImage huge = ShapeImages.draw(random, ShapeImages.Colour.values()[0], ShapeImages.Kind.values()[0],
                6316, 6316);
        Map<String, byte[]> uploads = new LinkedHashMap<>();
        Map<String, String> truth = new LinkedHashMap<>();
        uploads.put("huge.png", ShapeImages.png(huge));
        uploads.put("huge.jpg", ShapeImages.jpeg(huge, 0.9f));
        huge = null; // the test's own copy need not stay
        String hugeLabel = ShapeImages.label(ShapeImages.Colour.values()[0], ShapeImages.Kind.values()[0]);
        truth.put("huge.png", hugeLabel);
        truth.put("huge.jpg", hugeLabel);
        for (int i = 0; i < 8; i++) {
            ShapeImages.Sample sample = ShapeImages.random(random, 80, 400);
            uploads.put("good-" + i + ".png", ShapeImages.png(sample.image()));
            truth.put("good-" + i + ".png", sample.label());
        }
        ClassicClient client = new ClassicClient(URI.create(stack.webUrl() + "/"), Duration.ofSeconds(120));
        ExecutorService clients = Executors.newFixedThreadPool(uploads.size());
        try {
            Map<String, Future<ClassicClient.Answer>> answers = new LinkedHashMap<>();
            uploads.forEach((name, bytes) -> answers.put(name, clients.submit(() -> client.classify(name, bytes))));
            for (var e : answers.entrySet()) {
                ClassicClient.Answer answer = e.getValue().get();
                assertThat(answer.status()).as("%s: %s", e.getKey(), answer.body()).isEqualTo(200);
                assertThat(answer.body()).as(e.getKey()).isEqualTo(truth.get(e.getKey()));
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(stack.fleet().members()).as("the worker that served them is the first one, never replaced")
                .extracting(WorkerFleet.Member::id).containsExactly(first);
    }
}
