package eic.app.worker;

import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import eic.common.messaging.ResultStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import eic.app.classifier.Classifier;
import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecoder;
import eic.common.aws.QueueDepth;
import eic.common.aws.StackNames;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.queue.QueuePoller;
import eic.common.images.TestImages;
import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The worker's loops (as {@link WorkerMain} wires them) against real ElasticMQ and S3Proxy
 * started in this JVM. The worker's S3 client records every request it sends, so a test
 * can say what the worker touched.
 */
class WorkerTest {
    static LocalStack stack;
    static Classifier classifier;
    static Loops loops;
    static S3Client workerS3;
    static String replyQueue;
    static final List<String> s3Requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        stack = LocalStack.startStorage(new LocalStackOptions(dataDir, dataDir, 0, 0, Duration.ofSeconds(3),
                Map.of(), false));
        classifier = Classifier.load(new ClassifierSettings("shapes", Optional.empty(), Optional.empty(), 2, 1,
                ImageDecoder.DEFAULT_MAX_PIXELS));
        StackNames names = stack.names();
        workerS3 = S3Client.builder()
                .credentialsProvider(StaticCredentialsProvider.create(stack.awsSettings().localIdentity().orElseThrow()))
                .endpointOverride(stack.awsSettings().s3Endpoint().orElseThrow())
                .forcePathStyle(true).region(Region.US_EAST_1)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        s3Requests.add(context.httpRequest().method() + " " + context.httpRequest().encodedPath());
                    }
                })).build();
        WorkerSettings settings = new WorkerSettings("test-worker", names, 10, Duration.ofSeconds(1),
                Duration.ofSeconds(3), 1, 2, Duration.ofSeconds(10), Duration.ofMinutes(2), 16_000_000L,
                new Reconciler.Settings(Duration.ofMinutes(5), Duration.ZERO, 3));
        loops = Loops.assemble(settings, stack.aws().sqs(), stack.aws()::newPollingSqsClient, workerS3, classifier,
                BusyMarker.none(), Clock.systemUTC());
        loops.pollers().forEach(p -> new Thread(p, p.toString()).start());
        replyQueue = stack.aws().sqs().createQueue(b -> b.queueName(names.replyQueuePrefix() + "worker-test"))
                .queueUrl();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        loops.stop();
        for (QueuePoller poller : loops.pollers()) {
            assertThat(poller.awaitStopped(Duration.ofSeconds(30))).as("%s stops", poller).isTrue();
        }
        loops.close();
        workerS3.close();
        classifier.close();
        stack.close();
    }

    @Test
    void classifiesRecordsRepliesAndOnlyThenDeletes() {
        ShapeImages.Sample sample = ShapeImages.random(new Random(9), 100, 200);
        ClassificationRequest request = upload("good.png", ShapeImages.png(sample.image()));
        send(request);

        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.DONE);
        assertThat(reply.label()).isEqualTo(sample.label());
        assertThat(reply.model()).isEqualTo("shapes");
        assertThat(reply.workerId()).isEqualTo("test-worker");
        assertThat(output("good.png")).isEqualTo(sample.label());
        assertThat(Messages.parseReply(output(ObjectKeys.record(request.requestId()))).label())
                .isEqualTo(sample.label());
        assertThat(reply.deliveries()).as("answered on its first delivery").isEqualTo(1);
        awaitQueueEmpty(stack.requestQueueUrl());
        assertThat(inputExists(request.key())).as("an answered request's upload is removed; its record stays")
                .isFalse();
    }

    @Test
    void theSameBytesAreClassifiedOnceAndAnsweredTwiceWithTwoRecords() {
        ShapeImages.Sample sample = ShapeImages.random(new Random(31), 100, 200);
        byte[] png = ShapeImages.png(sample.image());
        String digest = java.util.HexFormat.of().formatHex(sha256(png));
        ClassificationRequest first = withDigest(upload("first.png", png), digest);
        send(first);
        ClassificationReply firstReply = awaitReply(first.requestId());
        assertThat(firstReply.sameAs()).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> objectExists(ObjectKeys.digest("shapes", digest)));

        ClassificationRequest repeat = withDigest(upload("repeat.png", png), digest);
        send(repeat);
        ClassificationReply repeatReply = awaitReply(repeat.requestId());

        assertThat(repeatReply.requestId()).isEqualTo(repeat.requestId());
        assertThat(repeatReply.sameAs()).as("answered from the first one's result").isEqualTo(first.requestId());
        assertThat(repeatReply.label()).isEqualTo(firstReply.label()).isEqualTo(sample.label());
        assertThat(repeatReply.top5()).isEqualTo(firstReply.top5());
        assertThat(repeatReply.timings().inferenceMs()).as("not classified again").isZero();
        assertThat(repeatReply.timings().decodeMs()).isZero();
        assertThat(s3Requests).as("the digest was looked up, and the first result remembered by it")
                .contains("GET /eic-output/" + ObjectKeys.digest("shapes", digest))
                .contains("PUT /eic-output/" + ObjectKeys.digest("shapes", digest));
        assertThat(Messages.parseReply(output(ObjectKeys.record(first.requestId()))).sameAs()).isNull();
        assertThat(Messages.parseReply(output(ObjectKeys.record(repeat.requestId()))).sameAs())
                .isEqualTo(first.requestId());
        assertThat(output("repeat.png")).isEqualTo(sample.label());
    }

    private static ClassificationRequest withDigest(ClassificationRequest r, String digest) {
        return new ClassificationRequest(r.version(), r.requestId(), r.bucket(), r.key(), r.fileName(), r.replyTo(),
                r.deadline(), r.submittedAt(), digest);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean objectExists(String key) {
        try {
            output(key);
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    @Test
    void webpAndAMultiPageTiffAreClassifiedTheFirstPageSaidInTheResult() {
        ShapeImages.Sample sample = ShapeImages.random(new Random(44), 100, 200);
        ShapeImages.Sample second = ShapeImages.random(new Random(45), 100, 200);
        ClassificationRequest webp = upload("shape.webp", TestImages.webp(true, sample.image()));
        ClassificationRequest tiff = upload("pages.tiff", TestImages.tiff(sample.image(), second.image()));
        send(webp);
        send(tiff);
        ClassificationReply fromWebp = awaitReply(webp.requestId());
        assertThat(fromWebp.label()).isEqualTo(sample.label());
        assertThat(fromWebp.note()).isNull();
        ClassificationReply fromTiff = awaitReply(tiff.requestId());
        assertThat(fromTiff.label()).as("the first page's label").isEqualTo(sample.label());
        assertThat(fromTiff.note()).isEqualTo("the first of its 2 pages was classified");
    }

    @Test
    void aRequestDeliveredTwiceIsAnsweredWithItsFirstRecord() {
        ShapeImages.Sample sample = ShapeImages.random(new Random(10), 100, 200);
        ClassificationRequest request = upload("twice.png", ShapeImages.png(sample.image()));
        send(request);
        ClassificationReply first = awaitReply(request.requestId());
        send(request);
        ClassificationReply second = awaitReply(request.requestId());
        assertThat(second.finishedAt()).as("the same record, not a second classification").isEqualTo(first.finishedAt());
        assertThat(second.label()).isEqualTo(sample.label());
    }

    @Test
    void aFileThatIsNoImageGetsAnExplicitErrorAndIsNotRetried() {
        ClassificationRequest request = upload("notes.png", "just text".getBytes(StandardCharsets.UTF_8));
        send(request);
        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(reply.error()).contains("not a supported image format");
        awaitQueueEmpty(stack.requestQueueUrl());
    }

    @Test
    void aPoisonImageInABatchOfTenFailsAloneAndTheLoopKeepsServing() {
        Random random = new Random(11);
        Map<String, String> truth = new HashMap<>();
        List<ClassificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            ShapeImages.Sample sample = ShapeImages.random(random, 80, 160);
            ClassificationRequest request = upload("batch-" + i + ".png", ShapeImages.png(sample.image()));
            truth.put(request.requestId(), sample.label());
            batch.add(request);
        }
        ClassificationRequest poison = upload("poison.png", poison(ShapeImages.png(
                ShapeImages.random(random, 200, 300).image())));
        batch.add(4, poison);
        stack.aws().sqs().sendMessageBatch(b -> b.queueUrl(stack.requestQueueUrl()).entries(batch.stream()
                .map(r -> SendMessageBatchRequestEntry.builder().id("e" + batch.indexOf(r))
                        .messageBody(Messages.toJson(r)).build()).toList()));

        ClassificationReply failed = awaitReply(poison.requestId());
        assertThat(failed.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(failed.error()).as("the image's own fault, said at once").contains("corrupt");
        truth.forEach((id, label) -> {
            ClassificationReply reply = awaitReply(id);
            assertThat(reply.status()).isEqualTo(ClassificationReply.Status.DONE);
            assertThat(reply.label()).isEqualTo(label);
        });
        ShapeImages.Sample after = ShapeImages.random(random, 100, 120);
        ClassificationRequest next = upload("after-poison.png", ShapeImages.png(after.image()));
        send(next);
        assertThat(awaitReply(next.requestId()).label()).as("the loop still serves").isEqualTo(after.label());
        awaitQueueEmpty(stack.requestQueueUrl());
    }

    @Test
    void aRequestThatRanOutOfReceivesWithoutStoppingAWorkerAloneIsSentAgainAndAnsweredRight() {
        ShapeImages.Sample sample = ShapeImages.random(new Random(12), 90, 90);
        ClassificationRequest request = upload("dead.png", ShapeImages.png(sample.image()));
        // One attempt alone stopped a worker (what a worker killed from outside leaves): chance, not proof.
        isolation().begin(request.requestId(), returned("killed-worker-message", 3));
        long deadLetters = deadLetters();
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.deadLetterQueueUrl()).messageBody(Messages.toJson(request)));
        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).as("its batch-mates' and outside kills cost it nothing").isEqualTo(
                ClassificationReply.Status.DONE);
        assertThat(reply.label()).isEqualTo(sample.label());
        awaitDeadLetters(deadLetters);
        await().atMost(Duration.ofSeconds(30)).until(() -> isolation().leftBehind(request.requestId()) == 0);
    }

    @Test
    void anImageThatStoppedTheWorkerTwiceWhileAloneIsFailedWithThatReason() {
        ClassificationRequest request = upload("killer.png", ShapeImages.png(ShapeImages.random(new Random(14), 90, 90)
                .image()));
        isolation().begin(request.requestId(), returned("first-alone", 2));
        isolation().begin(request.requestId(), returned("second-alone", 3));
        long deadLetters = deadLetters();
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.deadLetterQueueUrl()).messageBody(Messages.toJson(request)));
        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(reply.error()).contains("stopped the worker each of the 2 times it was classified alone");
        awaitDeadLetters(deadLetters);
        assertThat(isolation().leftBehind(request.requestId())).isZero();
        assertThat(inputExists(request.key())).as("answered: its upload is removed").isFalse();
    }

    @Test
    void aDeadLetterPastItsDeadlineIsAnsweredExpiredNotFailed() {
        ClassificationRequest late = upload("late-letter.png", ShapeImages.png(ShapeImages.random(new Random(15), 90,
                90).image()));
        ClassificationRequest request = new ClassificationRequest(late.version(), late.requestId(), late.bucket(),
                late.key(), late.fileName(), late.replyTo(), Instant.now().minusSeconds(1), late.submittedAt(), null);
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.deadLetterQueueUrl()).messageBody(Messages.toJson(request)));
        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.EXPIRED);
        assertThat(reply.error()).contains("nothing is wrong with the image");
    }

    private static Isolation isolation() {
        return new Isolation(stack.aws().s3(), stack.names().outputBucket());
    }

    /** A message as a worker holds it on its {@code receiveCount}-th delivery. */
    private static Message returned(String messageId, int receiveCount) {
        return Message.builder().messageId(messageId).attributes(Map.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receiveCount))).build();
    }

    @Test
    void theFirstAnswerStandsWhoeverComesLater() {
        ResultStore results = new ResultStore(stack.aws().s3(), stack.names().outputBucket());
        // FAILED first (as the dead-letter handler writes it), then a worker classifies the same id.
        ClassificationRequest failedFirst = upload("late.png", ShapeImages.png(ShapeImages.random(new Random(13), 90, 90)
                .image()));
        ClassificationReply failure = ClassificationReply.failed(failedFirst.requestId(), "late.png", "given up",
                "shapes", "someone");
        assertThat(results.saveFirst(failure)).isEqualTo(failure);
        send(failedFirst);
        ClassificationReply answered = awaitReply(failedFirst.requestId());
        assertThat(answered.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(answered.error()).isEqualTo("given up");
        assertThat(results.find(failedFirst.requestId())).hasValue(failure);

        // DONE first, then the dead-letter handler gets the same request.
        ShapeImages.Sample sample = ShapeImages.random(new Random(14), 90, 90);
        ClassificationRequest doneFirst = upload("early.png", ShapeImages.png(sample.image()));
        send(doneFirst);
        ClassificationReply done = awaitReply(doneFirst.requestId());
        assertThat(done.status()).isEqualTo(ClassificationReply.Status.DONE);
        long deadLetters = deadLetters();
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.deadLetterQueueUrl()).messageBody(Messages.toJson(doneFirst)));
        // The stored answer stands; only the live reply carried how long recording it took.
        ClassificationReply stored = done.withRecordMs(0);
        assertThat(awaitReply(doneFirst.requestId())).isEqualTo(stored);
        awaitDeadLetters(deadLetters);
        assertThat(results.find(doneFirst.requestId())).hasValue(stored);
    }

    @Test
    void anExpiredRequestIsAnsweredExpiredWithoutFetchingItsImage() {
        ClassificationRequest fresh = upload("expired.png", ShapeImages.png(ShapeImages.random(new Random(15), 90, 90)
                .image()));
        ClassificationRequest expired = new ClassificationRequest(fresh.version(), fresh.requestId(), fresh.bucket(),
                fresh.key(), fresh.fileName(), fresh.replyTo(), Instant.now().minusSeconds(1), fresh.submittedAt());
        send(expired);
        ClassificationReply reply = awaitReply(expired.requestId());
        assertThat(reply.status()).as("not the image's fault").isEqualTo(ClassificationReply.Status.EXPIRED);
        assertThat(reply.error()).startsWith("expired");
        assertThat(s3Requests).noneMatch(r -> r.startsWith("GET") && r.endsWith(ObjectKeys.upload(expired.requestId())));
    }

    @Test
    void forgedMessagesGoToTheDeadLetterQueueTouchingNothing() {
        String evilReplies = stack.aws().sqs().createQueue(b -> b.queueName("someone-elses-queue")).queueUrl();
        String bucket = stack.names().inputBucket();
        stack.aws().s3().createBucket(b -> b.bucket("secrets"));
        stack.aws().s3().putObject(b -> b.bucket("secrets").key("uploads/x/keys.png"), RequestBody.fromString("k"));
        ClassificationRequest real = upload("real.png", ShapeImages.png(ShapeImages.random(new Random(16), 90, 90)
                .image()));
        String id = real.requestId();
        List<ClassificationRequest> forged = List.of(
                forged(UUID.randomUUID().toString(), "secrets", "uploads/x/keys.png", "keys.png", null),
                forged(id, bucket, "private/" + id, "real.png", null),
                forged("../ops/model", bucket, "uploads/../ops/model/real.png", "real.png", null),
                forged(id, bucket, "uploads/" + id, "../../ops/model.json", null),
                forged(id, bucket, real.key(), real.fileName(), evilReplies));
        long parkedBefore = deadLetters();
        s3Requests.clear();
        forged.forEach(WorkerTest::send);
        send("{\"version\":1,\"requestId\":\"x\nINFO forged log line\"}");

        awaitDeadLetters(parkedBefore + 6);
        awaitQueueEmpty(stack.requestQueueUrl());
        assertThat(s3Requests).as("the worker sent S3 nothing for a forged message").isEmpty();
        assertThat(stack.aws().sqs().receiveMessage(b -> b.queueUrl(evilReplies).waitTimeSeconds(1)).messages())
                .as("no reply to a foreign queue").isEmpty();
        assertThatNoObject(ObjectKeys.record(id));
        assertThatNoObject("real.png");
        assertThatNoObject("ops/model.json");
        assertThatNoObject("keys.png");
    }

    @Test
    void bytesThatAreNotTheOnesAcceptedFailTheirRequestAndAreRememberedByNoDigest() {
        ShapeImages.Sample accepted = ShapeImages.random(new Random(41), 100, 200);
        ShapeImages.Sample stored = ShapeImages.random(new Random(42), 100, 200);
        String acceptedDigest = java.util.HexFormat.of().formatHex(sha256(ShapeImages.png(accepted.image())));
        // The message says one image's digest; the bucket holds other bytes (a replaced upload, a forgery).
        ClassificationRequest request = withDigest(upload("swapped.png", ShapeImages.png(stored.image())),
                acceptedDigest);
        send(request);

        ClassificationReply reply = awaitReply(request.requestId());
        assertThat(reply.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(reply.error()).contains("SHA-256 differs");
        awaitQueueEmpty(stack.requestQueueUrl());
        assertThatNoObject(ObjectKeys.digest("shapes", acceptedDigest));
        ClassificationRequest same = withDigest(upload("accepted.png", ShapeImages.png(accepted.image())),
                acceptedDigest);
        send(same);
        ClassificationReply right = awaitReply(same.requestId());
        assertThat(right.label()).as("the accepted image's own label, never the stored one's")
                .isEqualTo(accepted.label());
        assertThat(right.sameAs()).isNull();
    }

    private static boolean inputExists(String key) {
        try {
            stack.aws().s3().headObject(b -> b.bucket(stack.names().inputBucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    /** A PNG whose header is right and whose pixel data is garbage. */
    private static byte[] poison(byte[] png) {
        byte[] bytes = png.clone();
        Random random = new Random(1);
        for (int i = 60; i < bytes.length - 12; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static ClassificationRequest forged(String id, String bucket, String key, String fileName, String replyTo) {
        return new ClassificationRequest(Messages.VERSION, id, bucket, key, fileName, replyTo,
                Instant.now().plusSeconds(60), Instant.now());
    }

    private static void assertThatNoObject(String key) {
        try {
            stack.aws().s3().headObject(b -> b.bucket(stack.names().outputBucket()).key(key));
            throw new AssertionError(key + " was written");
        } catch (NoSuchKeyException e) {
            // nothing written: as it should be
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            assertThat(e.statusCode()).as("HEAD %s", key).isEqualTo(404);
        }
    }

    private static ClassificationRequest upload(String fileName, byte[] bytes) {
        String id = UUID.randomUUID().toString();
        String key = ObjectKeys.upload(id);
        stack.aws().s3().putObject(b -> b.bucket(stack.names().inputBucket()).key(key), RequestBody.fromBytes(bytes));
        return new ClassificationRequest(Messages.VERSION, id, stack.names().inputBucket(), key, fileName, replyQueue,
                Instant.now().plusSeconds(60), Instant.now());
    }

    private static void send(ClassificationRequest request) {
        send(Messages.toJson(request));
    }

    private static void send(String body) {
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.requestQueueUrl()).messageBody(body));
    }

    private static final List<ClassificationReply> received = new ArrayList<>();

    /** Replies from the shared reply queue; each test looks for its own request id. */
    private static synchronized ClassificationReply awaitReply(String requestId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
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

    private static String output(String key) {
        return stack.aws().s3().getObjectAsBytes(b -> b.bucket(stack.names().outputBucket()).key(key)).asUtf8String();
    }

    /** Letters in the dead-letter queue, parked forgeries included (they stay for an operator). */
    private static long deadLetters() {
        return QueueDepth.read(stack.aws().sqs(), stack.deadLetterQueueUrl()).total();
    }

    private static void awaitDeadLetters(long count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters() == count);
    }

    private static void awaitQueueEmpty(String url) {
        await().atMost(Duration.ofSeconds(30)).until(() -> QueueDepth.read(stack.aws().sqs(), url).total() == 0);
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
}
