package eic.system;

import eic.load.ClassicClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.shapes.ShapeImages;
import eic.infra.fleet.WorkerFleet;
import eic.infra.local.LocalServers;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A worker JVM that runs out of memory exits (-XX:+ExitOnOutOfMemoryError) and is replaced,
 * never left as a zombie; the image that did it, processed alone on every later delivery,
 * ends FAILED by itself, and the fleet keeps answering everyone else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerMemoryIT {
    LocalStack stack;

    @BeforeAll
    void startStack(@TempDir Path dataDir) throws Exception {
        Path home = Path.of(System.getProperty("eic.home", "..")).toAbsolutePath().normalize();
        // A heap too small for a 36-megapixel image decoded (144 MB), large enough for the shapes model.
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
    void aWorkerThatRunsOutOfMemoryIsReplacedAndTheImageFailsAlone() throws Exception {
        String first = stack.fleet().members().get(0).id();
        String id = UUID.randomUUID().toString();
        String key = ObjectKeys.upload(id);
        byte[] huge = ShapeImages.png(ShapeImages.draw(new Random(1), ShapeImages.Colour.values()[0],
                ShapeImages.Kind.values()[0], 6000, 6000));
        stack.aws().s3().putObject(b -> b.bucket(stack.names().inputBucket()).key(key), RequestBody.fromBytes(huge));
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, id, stack.names().inputBucket(), key,
                "huge.png", null, Instant.now().plus(Duration.ofHours(1)), Instant.now());
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.requestQueueUrl()).messageBody(Messages.toJson(request)));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                stack.fleet().members().stream().map(WorkerFleet.Member::id).noneMatch(first::equals)
                        && stack.fleet().inService() == 1);

        ClassificationReply failed = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> record(id), Optional::isPresent).orElseThrow();
        assertThat(failed.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(failed.error()).contains("stopped the worker");

        ClassicClient client = new ClassicClient(URI.create(stack.webUrl() + "/"), Duration.ofSeconds(60));
        ShapeImages.Sample sample = ShapeImages.random(new Random(2), 80, 120);
        ClassicClient.Answer answer = await().atMost(Duration.ofSeconds(60)).until(
                () -> client.classify("small.png", ShapeImages.png(sample.image())), ClassicClient.Answer::ok);
        assertThat(answer.body()).isEqualTo(sample.label());
    }

    private Optional<ClassificationReply> record(String id) {
        try {
            return Optional.of(Messages.parseReply(stack.aws().s3().getObjectAsBytes(b -> b
                    .bucket(stack.names().outputBucket()).key(ObjectKeys.record(id))).asUtf8String()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }
}
