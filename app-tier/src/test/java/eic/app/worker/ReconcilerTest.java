package eic.app.worker;

import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eic.common.aws.QueueDepth;
import eic.common.aws.StackNames;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Digests;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.messaging.RequestContract;
import eic.common.messaging.ResultStore;
import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The reconciler against real ElasticMQ and S3Proxy, on a clock the test sets: a 20 s
 * threshold, and days of backlog in a moment. No worker polls here, so what the reconciler
 * sends stays in the queue to be counted. Uploads are stored as the web tier stores them
 * (their metadata); S3Proxy stamps them with the real time, so the test clock starts at it.
 */
class ReconcilerTest {
    static final Duration AFTER = Duration.ofSeconds(20);
    static LocalStack stack;
    static SqsClient faultySqs;
    static final AtomicBoolean sendsFail = new AtomicBoolean();

    final ManualClock clock = new ManualClock(Instant.now());
    Reconciler reconciler;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        stack = LocalStack.startStorage(new LocalStackOptions(dataDir, dataDir, 0, 0, Duration.ofSeconds(3),
                Map.of(), false));
        // The real queue; only SendMessage can be made to fail on the way out, as in an outage.
        faultySqs = SqsClient.builder()
                .credentialsProvider(StaticCredentialsProvider.create(stack.awsSettings().localIdentity().orElseThrow()))
                .endpointOverride(stack.awsSettings().sqsEndpoint().orElseThrow())
                .region(Region.US_EAST_1)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
                        if (sendsFail.get() && context.request() instanceof SendMessageRequest) {
                            throw SdkClientException.create("connection refused (the test's outage)");
                        }
                    }
                })).build();
    }

    @AfterAll
    static void stop() {
        // ElasticMQ keeps queues per JVM beyond a server's stop: leave nothing for the next test class.
        drain(stack.requestQueueUrl());
        drain(stack.deadLetterQueueUrl());
        faultySqs.close();
        stack.close();
    }

    @BeforeEach
    void emptyTheQueuesAndBucket() {
        drain(stack.requestQueueUrl());
        drain(stack.deadLetterQueueUrl());
        for (var o : stack.aws().s3().listObjectsV2(b -> b.bucket(names().inputBucket())).contents()) {
            stack.aws().s3().deleteObject(b -> b.bucket(names().inputBucket()).key(o.key()));
        }
        sendsFail.set(false);
        reconciler = reconciler(faultySqs);
    }

    @Test
    void aBacklogOfAnyAgeIsNeverEnqueuedAgainCountedOrFailed() {
        List<ClassificationRequest> backlog = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            backlog.add(acceptAndSend("backlog-" + i + ".png"));
        }
        for (int pass = 0; pass < 4; pass++) {
            clock.advance(Duration.ofHours(6)); // a day of backlog, nobody working it
            assertThat(reconciler.reconcile()).isEqualTo(Reconciler.Pass.BUSY);
        }
        List<Message> held = holdAll(); // and now in a worker's hands, however long
        clock.advance(Duration.ofHours(6));
        assertThat(reconciler.reconcile()).isEqualTo(Reconciler.Pass.BUSY);
        assertThat(reconciler.reconcile()).isEqualTo(Reconciler.Pass.BUSY);

        assertThat(QueueDepth.read(stack.aws().sqs(), stack.requestQueueUrl()).total()).as("no message added")
                .isEqualTo(backlog.size());
        release(held);
        for (ClassificationRequest r : backlog) {
            assertThat(exists(names().outputBucket(), Reconciler.marker(r.requestId()))).as("no attempt counted")
                    .isFalse();
            assertThat(results().find(r.requestId())).as("nothing answered").isEmpty();
        }
    }

    @Test
    void aWaitingDeadLetterKeepsTheGateShut() {
        ClassificationRequest lost = accept("lost-while-letters-wait.png");
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.deadLetterQueueUrl()).messageBody("{}"));
        clock.advance(AFTER.multipliedBy(2));
        reconciler.reconcile();
        clock.advance(Duration.ofSeconds(5));
        assertThat(reconciler.reconcile()).isEqualTo(Reconciler.Pass.BUSY);
        assertThat(exists(names().outputBucket(), Reconciler.marker(lost.requestId()))).isFalse();
    }

    @Test
    void whatTheQueueLostIsEnqueuedAgainOnceTheQueueHasReadEmptyTwiceAndOnlyOnce() {
        ClassificationRequest lost = accept("lost.png"); // stored, never sent: as if the queue had lost it
        clock.advance(AFTER.plusSeconds(1));
        assertThat(reconciler.reconcile()).as("one empty reading says nothing yet").isEqualTo(Reconciler.Pass.BUSY);
        clock.advance(Duration.ofSeconds(5));
        Reconciler.Pass pass = reconciler.reconcile();
        assertThat(pass.looked()).isTrue();
        assertThat(pass.enqueuedAgain()).isEqualTo(1);

        List<Message> sent = stack.aws().sqs().receiveMessage(b -> b.queueUrl(stack.requestQueueUrl())
                .maxNumberOfMessages(10).visibilityTimeout(600)).messages();
        assertThat(sent).hasSize(1);
        ClassificationRequest again = Messages.parseRequest(sent.get(0).body());
        assertThat(again.requestId()).isEqualTo(lost.requestId());
        assertThat(again.key()).isEqualTo(lost.key());
        assertThat(again.fileName()).isEqualTo("lost.png");
        assertThat(again.contentSha256()).as("the door's digest, from the upload").isEqualTo(lost.contentSha256());
        assertThat(again.deadline()).as("the request's own deadline").isEqualTo(lost.deadline());
        assertThat(contract().violation(again)).isEmpty();

        clock.advance(Duration.ofMinutes(5));
        assertThat(reconciler.reconcile()).as("its message is in work now").isEqualTo(Reconciler.Pass.BUSY);
        assertThat(marker(lost.requestId())).contains("\"attempts\":1");
        release(sent);
    }

    @Test
    void anUploadStoredShortlyBeforeTheQueueReadEmptyIsLeftAlone() {
        ClassificationRequest recent = accept("recent.png"); // its message may still be on its way from the door
        clock.advance(AFTER.minusSeconds(10));
        reconciler.reconcile();
        clock.advance(Duration.ofSeconds(5));
        Reconciler.Pass pass = reconciler.reconcile();
        assertThat(pass.looked()).isTrue();
        assertThat(pass.enqueuedAgain()).isZero();
        assertThat(exists(names().outputBucket(), Reconciler.marker(recent.requestId()))).isFalse();
    }

    /**
     * A worker claimed a re-submission (its marker written) and was killed before it sent it,
     * shortly before the queue first read empty; the queue stays empty. The claim is too recent
     * to judge at first, and is judged - enqueued again - once the empty queue has outlived it
     * (found by chaos.sh: the request waited for traffic that never came).
     */
    @Test
    void aClaimWhoseSendNeverHappenedIsEnqueuedAgainOnceTheEmptyQueueHasOutlivedIt() {
        ClassificationRequest claimed = accept("claimed.png");
        clock.advance(AFTER.plusSeconds(1));
        stack.aws().s3().putObject(b -> b.bucket(names().outputBucket()).key(Reconciler.marker(claimed.requestId())),
                RequestBody.fromString("{\"attempts\":0,\"lastSent\":\"" + clock.instant() + "\"}"));
        assertThat(reconciler.reconcile()).as("one empty reading says nothing yet").isEqualTo(Reconciler.Pass.BUSY);
        clock.advance(Duration.ofSeconds(5));
        assertThat(reconciler.reconcile().enqueuedAgain()).as("claimed just before the queue read empty").isZero();
        int enqueued = 0;
        for (int pass = 0; pass < 12 && enqueued == 0; pass++) { // the empty queue, read every AFTER / 4
            clock.advance(AFTER.dividedBy(4));
            enqueued = reconciler.reconcile().enqueuedAgain();
        }
        assertThat(enqueued).as("enqueued again while the queue stayed empty").isEqualTo(1);
        List<Message> sent = stack.aws().sqs().receiveMessage(b -> b.queueUrl(stack.requestQueueUrl())
                .maxNumberOfMessages(10).visibilityTimeout(600)).messages();
        assertThat(sent).extracting(m -> Messages.parseRequest(m.body()).requestId())
                .containsExactly(claimed.requestId());
        release(sent);
    }

    @Test
    void anAnsweredRequestsLeftoverUploadIsRemovedNotEnqueued() {
        ClassificationRequest answered = accept("answered.png");
        results().saveFirst(ClassificationReply.done(answered, "red circle", 0.9, List.of(), "shapes", "w",
                ClassificationReply.Timings.NONE));
        clock.advance(AFTER.plusSeconds(1));
        reconciler.reconcile();
        clock.advance(Duration.ofSeconds(5));
        Reconciler.Pass pass = reconciler.reconcile();
        assertThat(pass.removed()).isEqualTo(1);
        assertThat(pass.enqueuedAgain()).isZero();
        assertThat(exists(names().inputBucket(), answered.key())).isFalse();
        assertThat(QueueDepth.read(stack.aws().sqs(), stack.requestQueueUrl()).total()).isZero();
    }

    @Test
    void aRequestTheQueueKeepsLosingIsAnsweredFailedWithTheReason() {
        ClassificationRequest lost = accept("lost-thrice.png");
        for (int attempt = 1; attempt <= 3; attempt++) {
            clock.advance(AFTER.plusSeconds(1));
            reconciler.reconcile();
            clock.advance(Duration.ofSeconds(5));
            assertThat(reconciler.reconcile().enqueuedAgain()).as("attempt %d", attempt).isEqualTo(1);
            drain(stack.requestQueueUrl()); // and lost again
        }
        clock.advance(AFTER.plusSeconds(1));
        reconciler.reconcile();
        clock.advance(Duration.ofSeconds(5));
        assertThat(reconciler.reconcile().failed()).isEqualTo(1);
        ClassificationReply givenUp = results().find(lost.requestId()).orElseThrow();
        assertThat(givenUp.status()).isEqualTo(ClassificationReply.Status.FAILED);
        assertThat(givenUp.error()).contains("lost by the queue 3 times");
    }

    @Test
    void aSendThatFailsBurnsNoAttempt() {
        ClassificationRequest lost = accept("outage.png");
        clock.advance(AFTER.plusSeconds(1));
        reconciler.reconcile();
        clock.advance(Duration.ofSeconds(5));
        sendsFail.set(true);
        assertThatThrownBy(reconciler::reconcile).isInstanceOf(SdkClientException.class);
        assertThat(exists(names().outputBucket(), Reconciler.marker(lost.requestId())))
                .as("the claimed attempt was given back").isFalse();

        sendsFail.set(false);
        assertThat(reconciler.reconcile().enqueuedAgain()).as("the first attempt, after the outage").isEqualTo(1);
        drain(stack.requestQueueUrl()); // lost again, and this time the send fails with a marker standing
        clock.advance(AFTER.plusSeconds(1));
        reconciler.reconcile();
        clock.advance(Duration.ofSeconds(5));
        sendsFail.set(true);
        assertThatThrownBy(reconciler::reconcile).isInstanceOf(SdkClientException.class);
        assertThat(marker(lost.requestId())).as("still one attempt").contains("\"attempts\":1");
    }

    @Test
    void twoReconcilersClaimEachAttemptOnce() throws Exception {
        Reconciler other = reconciler(stack.aws().sqs());
        ClassificationRequest lost = accept("claimed.png");
        clock.advance(AFTER.plusSeconds(1));
        reconciler.reconcile();
        other.reconcile();
        clock.advance(Duration.ofSeconds(5));
        // Both have seen the queue empty twice; they pass at the same moment.
        List<Reconciler.Pass> passes = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread a = new Thread(() -> passes.add(reconciler.reconcile()));
        Thread b = new Thread(() -> passes.add(other.reconcile()));
        a.start();
        b.start();
        a.join();
        b.join();
        assertThat(passes.stream().mapToInt(Reconciler.Pass::enqueuedAgain).sum()).as("sent once").isEqualTo(1);
        assertThat(QueueDepth.read(stack.aws().sqs(), stack.requestQueueUrl()).total()).isEqualTo(1);
        assertThat(marker(lost.requestId())).contains("\"attempts\":1");
    }

    @Test
    void whatWasOutstandingWhenTheQueuesWereCreatedAgainIsEnqueuedOnceAtStartBurningNoAttempt() {
        ClassificationRequest lost = accept("outstanding-at-the-cut.png");
        ClassificationRequest answered = accept("answered-at-the-cut.png");
        results().saveFirst(ClassificationReply.failed(answered.requestId(), answered.fileName(), "its own fault",
                "shapes", "an-earlier-worker"));
        Instant stored = stack.aws().s3().headObject(b -> b.bucket(names().inputBucket()).key(lost.key()))
                .lastModified();
        clock.advance(Duration.ofSeconds(3)); // the workers start after the queues they were given

        assertThat(reconciler.recoverWhatTheQueuesLost().looked()).as("queues that keep their messages").isFalse();
        assertThat(reconciler(faultySqs, Optional.of(stored.minusSeconds(1))).recoverWhatTheQueuesLost()
                .enqueuedAgain()).as("stored after the queues were created: theirs to deliver").isZero();

        Reconciler.Pass pass = reconciler(faultySqs, Optional.of(stored.plusSeconds(1))).recoverWhatTheQueuesLost();
        assertThat(pass.enqueuedAgain()).as("no empty gate to wait for").isEqualTo(1);
        assertThat(pass.removed()).as("the answered one's leftover upload").isEqualTo(1);
        assertThat(marker(lost.requestId())).as("a restart is not the request's fault").contains("\"attempts\":0");
        assertThat(reconciler(stack.aws().sqs(), Optional.of(stored.plusSeconds(1))).recoverWhatTheQueuesLost()
                .enqueuedAgain()).as("the next worker to start finds it sent").isZero();
        List<Message> sent = holdAll();
        assertThat(sent).hasSize(1);
        assertThat(Messages.parseRequest(sent.get(0).body()).requestId()).isEqualTo(lost.requestId());
        release(sent);
    }

    private Reconciler reconciler(SqsClient sqs) {
        return reconciler(sqs, Optional.empty());
    }

    private Reconciler reconciler(SqsClient sqs, Optional<Instant> queuesBornAt) {
        return new Reconciler(stack.aws().s3(), sqs, names(), stack.requestQueueUrl(), stack::deadLetterQueueUrl,
                results(), new Uploads(stack.aws().s3(), names().inputBucket()), contract(),
                new Reconciler.Settings(Duration.ofSeconds(5), AFTER, 3, queuesBornAt), "reconciler-test", "shapes",
                clock);
    }

    /** Stores an image as the door does (one key per id, its name, deadline and digest as metadata). */
    private ClassificationRequest accept(String fileName) {
        String id = UUID.randomUUID().toString();
        byte[] png = ShapeImages.png(ShapeImages.random(new Random(id.hashCode()), 80, 120).image());
        Instant deadline = clock.instant().plus(Duration.ofDays(4)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String digest = Digests.sha256Hex(png);
        stack.aws().s3().putObject(b -> b.bucket(names().inputBucket()).key(ObjectKeys.upload(id)).ifNoneMatch("*")
                .metadata(Map.of(ObjectKeys.FILE_NAME, fileName, ObjectKeys.DEADLINE, deadline.toString(),
                        ObjectKeys.SHA256, digest)), RequestBody.fromBytes(png));
        return new ClassificationRequest(Messages.VERSION, id, names().inputBucket(), ObjectKeys.upload(id), fileName,
                null, deadline, clock.instant(), digest);
    }

    private ClassificationRequest acceptAndSend(String fileName) {
        ClassificationRequest request = accept(fileName);
        stack.aws().sqs().sendMessage(b -> b.queueUrl(stack.requestQueueUrl()).messageBody(Messages.toJson(request)));
        return request;
    }

    /** A worker takes everything and holds it. */
    private static List<Message> holdAll() {
        List<Message> held = new ArrayList<>();
        int queued = QueueDepth.read(stack.aws().sqs(), stack.requestQueueUrl()).total();
        while (held.size() < queued) {
            held.addAll(stack.aws().sqs().receiveMessage(b -> b.queueUrl(stack.requestQueueUrl())
                    .maxNumberOfMessages(10).visibilityTimeout(600).waitTimeSeconds(1)).messages());
        }
        assertThat(QueueDepth.read(stack.aws().sqs(), stack.requestQueueUrl()).inFlight()).isEqualTo(queued);
        return held;
    }

    /** Gives held messages back (a purge leaves messages in flight alone, and ElasticMQ keeps them per JVM). */
    private static void release(List<Message> held) {
        held.forEach(m -> stack.aws().sqs().changeMessageVisibility(b -> b.queueUrl(stack.requestQueueUrl())
                .receiptHandle(m.receiptHandle()).visibilityTimeout(0)));
    }

    private static void drain(String queueUrl) {
        stack.aws().sqs().purgeQueue(b -> b.queueUrl(queueUrl));
    }

    private static StackNames names() {
        return stack.names();
    }

    private static ResultStore results() {
        return new ResultStore(stack.aws().s3(), names().outputBucket());
    }

    private static RequestContract contract() {
        return RequestContract.of(names().inputBucket(), stack.requestQueueUrl(), names().replyQueuePrefix());
    }

    private static String marker(String requestId) {
        return stack.aws().s3().getObjectAsBytes(b -> b.bucket(names().outputBucket()).key(Reconciler.marker(requestId)))
                .asUtf8String();
    }

    private static boolean exists(String bucket, String key) {
        try {
            stack.aws().s3().headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
