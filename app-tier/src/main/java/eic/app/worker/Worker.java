package eic.app.worker;

import eic.app.classifier.Classification;
import eic.common.concurrent.DaemonThreads;
import eic.app.classifier.Classifier;
import eic.app.classifier.ImageDecodeException;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationReply.Prediction;
import eic.common.messaging.ClassificationReply.Timings;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The worker loop: long-poll the request queue, fetch the images, classify them in one
 * forward pass, write the output bucket, reply, and only then delete the messages.
 * A message whose work fails for a passing reason is left for redelivery; one that can
 * never succeed (bad image, missing object) gets an explicit error reply and is deleted.
 */
public final class Worker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerSettings settings;
    private final SqsClient sqs;
    /** Only for the long poll, so that stop() can abort it by closing this client. */
    private final SqsClient pollingSqs;
    private final S3Client s3;
    private final ResultStore results;
    private final Classifier classifier;
    private final String requestQueueUrl;
    /** Downloads and result writes run here, so a batch's I/O overlaps. */
    private final ExecutorService io;
    private final ScheduledExecutorService heartbeat;
    /** receipt handle by message id, for every message this loop holds. */
    private final Map<String, String> held = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile boolean inReceive;

    private final BusyMarker busyMarker;

    public Worker(WorkerSettings settings, SqsClient sqs, SqsClient pollingSqs, S3Client s3, Classifier classifier,
                  String requestQueueUrl, BusyMarker busyMarker) {
        this.busyMarker = busyMarker;
        this.settings = settings;
        this.sqs = sqs;
        this.pollingSqs = pollingSqs;
        this.s3 = s3;
        this.results = new ResultStore(s3, settings.names().outputBucket());
        this.classifier = classifier;
        this.requestQueueUrl = requestQueueUrl;
        this.io = Executors.newFixedThreadPool(settings.ioThreads(), DaemonThreads.named("io"));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("visibility"));
    }

    @Override
    public void run() {
        MDC.put("workerId", settings.workerId());
        long heartbeatMs = settings.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::extendVisibility, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        try (Classifier.Session session = classifier.newSession()) {
            while (running) {
                try {
                    List<Message> messages = receive();
                    if (!messages.isEmpty()) {
                        busyMarker.busy();
                        try {
                            process(session, messages);
                        } finally {
                            busyMarker.idle();
                        }
                    }
                    backoff.reset();
                } catch (RuntimeException e) {
                    if (!running) {
                        break; // stop() closed the polling client under the long poll
                    }
                    if (!(e instanceof SdkException)) {
                        throw e;
                    }
                    log.warn("queue or bucket call failed, backing off: {}", e.getMessage());
                    backoff.pauseQuietly();
                }
            }
        } finally {
            heartbeat.shutdownNow();
            io.shutdownNow();
            pollingSqs.close();
            log.info("worker loop stopped; holding {} messages", held.size());
        }
    }

    /** Stop taking work; what is held is finished. An idle long poll is cut short. */
    public synchronized void stop() {
        running = false;
        if (inReceive) {
            pollingSqs.close();
        }
    }

    private List<Message> receive() {
        synchronized (this) {
            if (!running) {
                return List.of();
            }
            inReceive = true;
        }
        try {
            List<Message> messages = pollingSqs.receiveMessage(b -> b.queueUrl(requestQueueUrl)
                    .maxNumberOfMessages(settings.maxMessages())
                    .waitTimeSeconds((int) settings.waitTime().toSeconds())
                    .visibilityTimeout((int) settings.visibilityTimeout().toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENT_TIMESTAMP))
                    .messages();
            messages.forEach(m -> held.put(m.messageId(), m.receiptHandle()));
            return messages;
        } finally {
            synchronized (this) {
                inReceive = false;
            }
        }
    }

    /** One unit of work: a message, its request and, once fetched, its image. */
    private static final class Job {
        final Message message;
        final ClassificationRequest request;
        final long receivedAtMs = System.currentTimeMillis();
        /** A record from an earlier delivery (at-least-once): answer from it, do not classify again. */
        Future<java.util.Optional<ClassificationReply>> existing;
        Future<byte[]> download;
        long downloadMs;
        long decodeMs;
        BufferedImage image;

        Job(Message message, ClassificationRequest request) {
            this.message = message;
            this.request = request;
        }
    }

    private void process(Classifier.Session session, List<Message> messages) {
        List<Job> jobs = new ArrayList<>();
        for (Message message : messages) {
            ClassificationRequest request;
            try {
                request = Messages.parseRequest(message.body());
            } catch (Messages.MalformedMessageException e) {
                log.error("dropping a message that is not a classification request ({}): {}", message.messageId(),
                        e.getMessage());
                delete(message);
                continue;
            }
            Job job = new Job(message, request);
            job.existing = io.submit(() -> results.find(request.requestId()));
            job.download = io.submit(() -> download(job));
            jobs.add(job);
        }
        List<Job> decoded = new ArrayList<>();
        for (Job job : jobs) {
            MDC.put("requestId", job.request.requestId());
            try {
                var existing = await(job.existing);
                if (existing.isPresent()) {
                    log.info("request {} was already answered; replying again and deleting", job.request.requestId());
                    job.download.cancel(true);
                    finish(job.message, job.request, existing.get());
                    continue;
                }
                byte[] bytes = await(job.download);
                long start = System.nanoTime();
                job.image = classifier.decoder().decode(bytes);
                job.decodeMs = (System.nanoTime() - start) / 1_000_000;
                decoded.add(job);
            } catch (NoSuchKeyException e) {
                fail(job, "the uploaded image is no longer in the input bucket");
            } catch (SdkException e) {
                log.warn("download failed, leaving the message for redelivery: {}", e.toString());
                release(job.message);
            } catch (ImageDecodeException e) {
                fail(job, e.reason().summary() + ": " + e.getMessage());
            } finally {
                MDC.remove("requestId");
            }
        }
        if (decoded.isEmpty()) {
            return;
        }
        List<Classification> answers = session.classify(decoded.stream().map(j -> j.image).toList());
        List<Future<Message>> finished = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            Job job = decoded.get(i);
            Classification c = answers.get(i);
            finished.add(io.submit(() -> record(job, c)));
        }
        List<Message> done = new ArrayList<>();
        for (Future<Message> f : finished) {
            Message message = awaitQuietly(f);
            if (message != null) {
                done.add(message);
            }
        }
        deleteAll(done);
    }

    /** Output bucket, then reply; returns the message to delete, or null when it must be redelivered. */
    private Message record(Job job, Classification c) {
        long now = System.currentTimeMillis();
        Timings timings = new Timings(queueWaitMs(job), job.downloadMs, job.decodeMs, Math.round(c.inferenceMs()),
                now - job.request.submittedAt().toEpochMilli());
        ClassificationReply reply = ClassificationReply.done(job.request, c.label(), c.confidence(),
                c.top5().stream().map(p -> new Prediction(p.label(), p.probability())).toList(), c.model(),
                settings.workerId(), timings);
        MDC.put("workerId", settings.workerId());
        MDC.put("requestId", job.request.requestId());
        try {
            results.save(reply);
            Replies.send(sqs, job.request.replyTo(), reply);
            log.info("classified {} as '{}' ({}) in {} ms", job.request.fileName(), c.label(),
                    String.format("%.3f", c.confidence()), now - job.receivedAtMs);
            return job.message;
        } catch (SdkException e) {
            log.warn("could not record or reply, leaving the message for redelivery: {}", e.getMessage());
            release(job.message);
            return null;
        } finally {
            MDC.clear();
        }
    }

    private static Message awaitQuietly(Future<Message> future) {
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("finishing a request failed; it will be redelivered: {}", e.getCause().toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Deletes in batches of ten, after the results are durable and the replies sent. */
    private void deleteAll(List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + 10));
            sqs.deleteMessageBatch(b -> b.queueUrl(requestQueueUrl).entries(chunk.stream()
                    .map(m -> software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry.builder()
                            .id(m.messageId()).receiptHandle(m.receiptHandle()).build()).toList()));
            chunk.forEach(m -> held.remove(m.messageId()));
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw sdk;
            }
            throw new IllegalStateException("bucket call failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw software.amazon.awssdk.core.exception.AbortedException.create("interrupted while fetching");
        }
    }

    private byte[] download(Job job) {
        long start = System.nanoTime();
        byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(job.request.bucket()).key(job.request.key())).asByteArray();
        job.downloadMs = (System.nanoTime() - start) / 1_000_000;
        return bytes;
    }

    private long queueWaitMs(Job job) {
        String sent = job.message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return sent == null ? 0 : Math.max(0, job.receivedAtMs - Long.parseLong(sent));
    }

    private void fail(Job job, String reason) {
        log.warn("request {} failed for good: {}", job.request.requestId(), reason);
        ClassificationReply reply = ClassificationReply.failed(job.request.requestId(), job.request.fileName(), reason,
                classifier.modelName(), settings.workerId());
        results.save(reply);
        finish(job.message, job.request, reply);
    }

    /** Reply, then delete: the result is already durable in the output bucket. */
    private void finish(Message message, ClassificationRequest request, ClassificationReply reply) {
        Replies.send(sqs, request.replyTo(), reply);
        delete(message);
    }

    private void delete(Message message) {
        sqs.deleteMessage(b -> b.queueUrl(requestQueueUrl).receiptHandle(message.receiptHandle()));
        held.remove(message.messageId());
    }

    /** Give a message back soon instead of after the full visibility timeout. */
    private void release(Message message) {
        held.remove(message.messageId());
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(requestQueueUrl).receiptHandle(message.receiptHandle())
                    .visibilityTimeout(2));
        } catch (SdkException e) {
            log.warn("could not release message {}; it returns after its visibility timeout", message.messageId());
        }
    }

    private void extendVisibility() {
        try {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            held.forEach((id, receipt) -> entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(id.replaceAll("[^A-Za-z0-9_-]", "_")).receiptHandle(receipt)
                    .visibilityTimeout((int) settings.visibilityTimeout().toSeconds()).build()));
            for (int from = 0; from < entries.size(); from += 10) {
                List<ChangeMessageVisibilityBatchRequestEntry> chunk = entries.subList(from,
                        Math.min(entries.size(), from + 10));
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(requestQueueUrl).entries(chunk));
            }
        } catch (RuntimeException e) {
            log.warn("could not extend visibility of held messages: {}", e.getMessage());
        }
    }

    /** Sends replies; a reply queue that no longer exists means nobody waits (the record stays). */
    static final class Replies {
        private Replies() {
        }

        static void send(SqsClient sqs, String replyTo, ClassificationReply reply) {
            if (replyTo == null || replyTo.isBlank()) {
                return;
            }
            try {
                sqs.sendMessage(b -> b.queueUrl(replyTo).messageBody(Messages.toJson(reply)));
            } catch (QueueDoesNotExistException e) {
                log.info("reply queue {} is gone; the result stays in the output bucket", replyTo);
            }
        }
    }

    /** Exponential back-off after errors, never a busy loop. */
    static final class Backoff {
        private final Duration initial;
        private final Duration max;
        private Duration next;

        Backoff(Duration initial, Duration max) {
            this.initial = initial;
            this.max = max;
            this.next = initial;
        }

        void reset() {
            next = initial;
        }

        void pause() throws InterruptedException {
            TimeUnit.MILLISECONDS.sleep(next.toMillis());
            next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        }

        void pauseQuietly() {
            try {
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
