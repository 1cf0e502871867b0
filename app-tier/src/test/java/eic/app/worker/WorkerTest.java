package eic.app.worker;

import static org.assertj.core.api.Assertions.assertThat;
import eic.common.aws.QueueDepth;
import eic.common.messaging.ObjectKeys;
import static org.awaitility.Awaitility.await;

import eic.app.classifier.Classifier;
import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecoder;
import eic.common.aws.StackNames;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/** The worker loop against real ElasticMQ and S3Proxy (started in this JVM). */
class WorkerTest {
    static LocalStack stack;
    static Classifier classifier;
    static Worker worker;
    static Thread loop;
    static Thread deadLetterLoop;
    static DeadLetterHandler deadLetters;
    static String replyQueue;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        stack = LocalStack.startStorage(new LocalStackOptions(dataDir, dataDir, 0, 0, Duration.ofSeconds(3),
                Map.of(), false));
        classifier = Classifier.load(new ClassifierSettings("shapes", Optional.empty(), Optional.empty(), 2, 1,
                ImageDecoder.DEFAULT_MAX_PIXELS));
        StackNames names = stack.names();
        WorkerSettings settings = new WorkerSettings("test-worker", names, 10, Duration.ofSeconds(1),
                Duration.ofSeconds(3), 1, 2, Duration.ofSeconds(10));
        worker = new Worker(settings, stack.aws().sqs(), stack.aws().newPollingSqsClient(), stack.aws().s3(), classifier,
                stack.requestQueueUrl(), BusyMarker.none());
        loop = new Thread(worker, "worker-under-test");
        loop.start();
        deadLetters = new DeadLetterHandler(stack.aws().sqs(), new ResultStore(stack.aws().s3(), names.outputBucket()),
                stack.deadLetterQueueUrl(), "test-worker", "shapes");
        deadLetterLoop = new Thread(deadLetters, "dead-letters-under-test");
        deadLetterLoop.start();
        replyQueue = stack.aws().sqs().createQueue(b -> b.queueName("worker-test-replies")).queueUrl();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        worker.stop();
        deadLetters.stop();
        loop.join(10_000);
        deadLetterLoop.join(10_000);
        classifier.close();
        stack.close();
    }

    @Test
    void classifiesRecordsRepliesAndOnlyThenDeletes() {
        ShapeImages.Sample sample = ShapeImages.random(new Random(9), 100, 200);
        ClassificationRequest request = upload("good.png", ShapeImages.png(sample.image()), stack.names().inputBucket());
        send(request);

        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.DONE);
        assertThat(reply.label()).isEqualTo(sample.label());
        assertThat(reply.model()).isEqualTo("shapes");
        assertThat(reply.workerId()).isEqualTo("test-worker");
        assertThat(output("good.png")).isEqualTo(sample.label());
        assertThat(Messages.parseReply(output(ObjectKeys.record(request.requestId()))).label())
                .isEqualTo(sample.label());
        awaitQueueEmpty(stack.requestQueueUrl());
    }

    @Test
    void aRedeliveredRequestIsAnsweredFromItsRecordWithoutClassifyingAgain() {
        ShapeImages.Sample sample = ShapeImages.random(new Random(10), 100, 200);
        ClassificationRequest request = upload("twice.png", ShapeImages.png(sample.image()), stack.names().inputBucket());
        send(request);
        ClassificationReply first = awaitReply(request.requestId());
        send(request);
        ClassificationReply second = awaitReply(request.requestId());
        assertThat(second.finishedAt()).as("the same record, not a second classification").isEqualTo(first.finishedAt());
        assertThat(second.label()).isEqualTo(sample.label());
    }

    @Test
    void aFileThatIsNoImageGetsAnExplicitErrorAndIsNotRetried() {
        ClassificationRequest request = upload("notes.png", "just text".getBytes(StandardCharsets.UTF_8),
                stack.names().inputBucket());
        send(request);
        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(reply.error()).contains("not a supported image format");
        awaitQueueEmpty(stack.requestQueueUrl());
    }

    @Test
    void aRequestThatFailsEveryDeliveryEndsInTheDeadLetterQueueWithAnErrorReply() {
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, UUID.randomUUID().toString(),
                "no-such-bucket", "x.png", "x.png", replyQueue, Instant.now().plusSeconds(60), Instant.now());
        send(request);
        ClassificationReply reply = awaitReply(request.requestId(), Duration.ofSeconds(60));
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(reply.error()).contains("after repeated attempts");
        awaitQueueEmpty(stack.deadLetterQueueUrl());
    }

    @Test
    void anS3ModelLocationIsFetchedIntoTheCache(@TempDir Path cache) throws Exception {
        String bucket = stack.names().outputBucket();
        stack.aws().s3().putObject(b -> b.bucket(bucket).key("models/r18/model.pt"), RequestBody.fromString("pt"));
        stack.aws().s3().putObject(b -> b.bucket(bucket).key("models/r18/synset.txt"), RequestBody.fromString("a\nb\n"));
        stack.aws().s3().putObject(b -> b.bucket(bucket).key("models/r18/README.md"), RequestBody.fromString("x"));
        Path dir = ModelFetcher.fetch(stack.aws().s3(), "s3://" + bucket + "/models/r18", cache);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("model.pt", "synset.txt");
        }
        assertThat(Files.readString(dir.resolve("synset.txt"))).isEqualTo("a\nb\n");
    }

    private static ClassificationRequest upload(String fileName, byte[] bytes, String bucket) {
        String id = UUID.randomUUID().toString();
        String key = "uploads/" + id + "/" + fileName;
        stack.aws().s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        return new ClassificationRequest(Messages.VERSION, id, bucket, key, fileName, replyQueue,
                Instant.now().plusSeconds(60), Instant.now());
    }

    private static void send(ClassificationRequest request) {
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.requestQueueUrl()).messageBody(Messages.toJson(request)));
    }

    private static final List<ClassificationReply> received = new ArrayList<>();

    /** Replies from the shared reply queue; each test looks for its own request id. */
    private static synchronized ClassificationReply awaitReply(String requestId, Duration timeout) {
        return await().atMost(timeout).until(() -> {
            List<Message> messages = stack.aws().sqs().receiveMessage(b -> b.queueUrl(replyQueue)
                    .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message m : messages) {
                received.add(Messages.parseReply(m.body()));
                stack.aws().sqs().deleteMessage(b -> b.queueUrl(replyQueue).receiptHandle(m.receiptHandle()));
            }
            for (int i = 0; i < received.size(); i++) {
                if (received.get(i).requestId().equals(requestId)) {
                    return received.remove(i);
                }
            }
            return null;
        }, r -> r != null);
    }

    private static ClassificationReply awaitReply(String requestId) {
        return awaitReply(requestId, Duration.ofSeconds(30));
    }

    private static String output(String key) {
        return stack.aws().s3().getObjectAsBytes(b -> b.bucket(stack.names().outputBucket()).key(key)).asUtf8String();
    }

    private static void awaitQueueEmpty(String url) {
        await().atMost(Duration.ofSeconds(30)).until(() -> QueueDepth.read(stack.aws().sqs(), url).total() == 0);
    }
}
