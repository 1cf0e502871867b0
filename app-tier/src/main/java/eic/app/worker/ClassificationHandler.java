package eic.app.worker;

import eic.common.messaging.ResultStore;
import eic.app.classifier.Classification;
import eic.app.classifier.Classifier;
import eic.app.classifier.ImageDecodeException;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationReply.Prediction;
import eic.common.messaging.ClassificationReply.Timings;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Digests;
import eic.common.messaging.LogSafe;
import eic.common.messaging.Messages;
import eic.common.messaging.RequestContract;
import eic.common.queue.MessageHandler;
import eic.common.queue.QueuePoller;
import eic.common.queue.Transient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The worker's work on one receive: check each message against the contract, fetch the
 * images, classify them in as few forward passes as the pixel budget allows, record the
 * first answer, reply, remove the uploads of what was answered. Faults are judged where they
 * happen: the image's own (undecodable, too many pixels, gone from the bucket, not the bytes
 * that were accepted) fail it at once with the reason; an outage of S3 or
 * SQS is retried with back-off while the message is held; a forward pass that throws is
 * retried one image at a time, and a message that comes back (its receive count says so) is
 * processed alone, with nothing else of this JVM classifying ({@link Isolation}), so one image
 * that stops a worker can only ever fail itself.
 */
public final class ClassificationHandler implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(ClassificationHandler.class);
    /** Beyond the hold, how long a task may still take to report (its last call's timeout). */
    private static final Duration AWAIT_MARGIN = Duration.ofMinutes(1);

    private final WorkerSettings settings;
    private final S3Client s3;
    private final Uploads uploads;
    private final ResultStore results;
    private final Replies replies;
    private final Classifier classifier;
    private final Classifier.Session session;
    private final RequestContract contract;
    private final ExecutorService io;
    private final BusyMarker busy;
    private final Isolation isolation;
    private final Clock clock;

    public ClassificationHandler(WorkerSettings settings, S3Client s3, Uploads uploads, ResultStore results,
                                 Replies replies, Classifier classifier, Classifier.Session session,
                                 RequestContract contract, ExecutorService io, BusyMarker busy,
                                 Isolation isolation, Clock clock) {
        this.settings = settings;
        this.s3 = s3;
        this.uploads = uploads;
        this.results = results;
        this.replies = replies;
        this.classifier = classifier;
        this.session = session;
        this.contract = contract;
        this.io = io;
        this.busy = busy;
        this.isolation = isolation;
        this.clock = clock;
    }

    @Override
    public List<Outcome> handle(List<Message> messages) {
        busy.busy();
        try {
            Instant giveUpAt = clock.instant().plus(settings.maxHold());
            List<Outcome> outcomes = new ArrayList<>();
            List<ClassificationJob> fresh = new ArrayList<>();
            List<ClassificationJob> returned = new ArrayList<>();
            for (Message message : messages) {
                ClassificationRequest request;
                try {
                    request = Messages.parseRequest(message.body());
                } catch (Messages.MalformedMessageException e) {
                    outcomes.add(rejected(message, "not a classification request"));
                    continue;
                }
                Optional<String> violation = contract.violation(request);
                if (violation.isPresent()) {
                    outcomes.add(rejected(message, violation.get()));
                    continue;
                }
                (QueuePoller.cameBack(message) ? returned : fresh).add(new ClassificationJob(message, request));
            }
            if (!fresh.isEmpty()) {
                outcomes.addAll(isolation.together(() -> process(fresh, giveUpAt)));
            }
            for (ClassificationJob job : returned) {
                // It came back: it may be the one that stopped a worker, so it goes alone.
                outcomes.addAll(isolation.alone(() -> alone(job, giveUpAt)));
            }
            return outcomes;
        } finally {
            busy.idle();
        }
    }

    /**
     * One returned message with nothing else running, between a marker written and removed: if
     * this worker dies meanwhile, the marker stays and says the image was alone in it.
     */
    private List<Outcome> alone(ClassificationJob job, Instant giveUpAt) {
        String id = job.request.requestId();
        String marker;
        try {
            marker = Transient.retry(() -> isolation.begin(id, job.message), giveUpAt, clock);
        } catch (SdkException e) {
            return List.of(Outcome.retry(job.message, "bucket unavailable: " + e.getMessage()));
        }
        List<Outcome> outcomes = process(List.of(job), giveUpAt);
        try {
            if (outcomes.stream().anyMatch(o -> o.disposition() == MessageHandler.Disposition.DELETE)) {
                isolation.clear(id);
            } else if (!job.failedAlone) {
                isolation.end(marker); // an outage returned it again: nothing to hold against the image
            }
        } catch (SdkException e) {
            log.debug("could not tidy the markers of request {}: {}", id, e.getMessage());
        }
        return outcomes;
    }

    /** Breaks the contract: touches no object, writes no result, goes to the dead-letter queue. */
    private static Outcome rejected(Message message, String reason) {
        log.warn("message {} refused, moved to the dead-letter queue untouched: {}", LogSafe.text(message.messageId()),
                reason);
        return Outcome.deadLetter(message, reason);
    }

    private List<Outcome> process(List<ClassificationJob> jobs, Instant giveUpAt) {
        Instant now = clock.instant();
        for (ClassificationJob job : jobs) {
            // Only a message that comes back can have been answered already; a first delivery that
            // duplicates one (rare in SQS) is answered by its bytes' digest, or classified again and
            // then answered with the record that stands.
            job.existing = QueuePoller.cameBack(job.message)
                    ? io.submit(() -> Transient.retry(() -> results.find(job.request.requestId()), giveUpAt, clock))
                    : java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
            if (!job.request.deadline().isBefore(now)) {
                if (settings.dedup() && job.request.contentSha256() != null) {
                    job.twin = io.submit(() -> Transient.retry(() -> results.findByContent(classifier.modelName(),
                            job.request.contentSha256()), giveUpAt, clock));
                }
                job.download = io.submit(() -> download(job, giveUpAt));
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        List<Future<Outcome>> answering = new ArrayList<>();
        List<ClassificationJob> batch = new ArrayList<>();
        long batchPixels = 0;
        for (ClassificationJob job : jobs) {
            MDC.put("requestId", job.request.requestId());
            try {
                Optional<ClassificationReply> existing = await(job.existing);
                if (existing.isPresent()) {
                    log.info("request was already answered ({}); replying again from its record",
                            existing.get().status());
                    cancel(job.download);
                    answering.add(io.submit(() -> answer(job, existing.get(), giveUpAt)));
                    continue;
                }
                if (job.download == null) {
                    answering.add(io.submit(() -> answer(job, expired(job), giveUpAt)));
                    continue;
                }
                Optional<ClassificationReply> twin = job.twin == null ? Optional.empty() : await(job.twin);
                if (twin.isPresent() && twin.get().isDone()) {
                    // The same bytes were classified by this model before: their result answers this one too.
                    cancel(job.download);
                    ClassificationReply same = ClassificationReply.sameAs(job.request, twin.get(), settings.workerId(),
                            new Timings(job.queueWaitMs(), 0, 0, 0,
                                    System.currentTimeMillis() - job.request.submittedAt().toEpochMilli()))
                            .withDeliveries(job.deliveries());
                    answering.add(io.submit(() -> answer(job, same, giveUpAt)));
                    continue;
                }
                byte[] bytes = await(job.download);
                job.fetchedSha256 = Digests.sha256Hex(bytes);
                if (job.request.contentSha256() != null && !job.request.contentSha256().equals(job.fetchedSha256)) {
                    log.warn("the stored image's digest {} is not the one accepted at the door ({}); failing the "
                            + "request, remembering nothing", job.fetchedSha256, job.request.contentSha256());
                    answering.add(io.submit(() -> answer(job, failed(job, "the stored image is not the image that "
                            + "was accepted (its SHA-256 differs); send it again"), giveUpAt)));
                    continue;
                }
                long start = System.nanoTime();
                job.image = classifier.decoder().decode(bytes);
                job.note = classifier.decoder().note(bytes).orElse(null);
                job.decodeMs = (System.nanoTime() - start) / 1_000_000;
                if (!batch.isEmpty() && batchPixels + job.pixels() > settings.maxBatchPixels()) {
                    answering.addAll(classify(batch, giveUpAt));
                    batch = new ArrayList<>();
                    batchPixels = 0;
                }
                batch.add(job);
                batchPixels += job.pixels();
            } catch (NoSuchKeyException e) {
                answering.add(io.submit(() -> answer(job, failed(job,
                        "the uploaded image is no longer in the input bucket"), giveUpAt)));
            } catch (ImageDecodeException e) {
                answering.add(io.submit(() -> answer(job, failed(job, e.reason().summary() + ": " + e.getMessage()),
                        giveUpAt)));
            } catch (SdkException e) {
                log.warn("the bucket did not answer in time; the request is retried later: {}", e.getMessage());
                outcomes.add(Outcome.retry(job.message, "bucket unavailable: " + e.getMessage()));
            } finally {
                MDC.remove("requestId");
            }
        }
        answering.addAll(classify(batch, giveUpAt));
        for (Future<Outcome> f : answering) {
            outcomes.add(await(f));
        }
        Set<Message> answered = outcomes.stream().filter(o -> o.disposition() == MessageHandler.Disposition.DELETE)
                .map(Outcome::message).collect(Collectors.toSet());
        uploads.forgetAnswered(jobs.stream().filter(job -> answered.contains(job.message))
                .map(job -> job.request.key()).toList());
        return outcomes;
    }

    /**
     * One forward pass for the batch; if it throws, each image alone, so the others are
     * answered; an image that fails alone is retried later (its receive count grows, and
     * the dead-letter handler answers it once it has failed every delivery).
     */
    private List<Future<Outcome>> classify(List<ClassificationJob> batch, Instant giveUpAt) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<Classification> answers;
        try {
            answers = session.classify(batch.stream().map(j -> j.image).toList());
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                ClassificationJob job = batch.get(0);
                log.warn("classifying request {} failed; it is retried later: {}", job.request.requestId(),
                        e.toString());
                job.image = null;
                job.failedAlone = true;
                return List.of(io.submit(() -> Outcome.retry(job.message, "classification failed: " + e)));
            }
            log.warn("a batch of {} failed ({}); classifying each image alone", batch.size(), e.toString());
            List<Future<Outcome>> each = new ArrayList<>();
            for (ClassificationJob job : batch) {
                each.addAll(classify(List.of(job), giveUpAt));
            }
            return each;
        }
        List<Future<Outcome>> answering = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ClassificationJob job = batch.get(i);
            Classification c = answers.get(i);
            job.image = null; // the decoded pixels are not needed any more
            answering.add(io.submit(() -> answer(job, done(job, c), giveUpAt)));
        }
        return answering;
    }

    /** Records the first answer (or finds the one that was first), replies with it, then it may be deleted. */
    private Outcome answer(ClassificationJob job, ClassificationReply reply, Instant giveUpAt) {
        MDC.put("workerId", settings.workerId());
        MDC.put("requestId", job.request.requestId());
        try {
            long recording = System.nanoTime();
            ClassificationReply standing = Transient.retry(() -> results.saveFirst(reply), giveUpAt, clock);
            replies.send(job.request.replyTo(), standing == reply
                    ? standing.withRecordMs((System.nanoTime() - recording) / 1_000_000) : standing, giveUpAt);
            if (standing.isDone() && standing.sameAs() != null) {
                log.info("answered {} as '{}' from the result of the same bytes (request {}) in {} ms",
                        job.request.fileName(), standing.label(), standing.sameAs(),
                        System.currentTimeMillis() - job.receivedAtMs);
            } else if (standing.isDone()) {
                log.info("classified {} as '{}' ({}) in {} ms", job.request.fileName(), standing.label(),
                        String.format("%.3f", standing.confidence()), System.currentTimeMillis() - job.receivedAtMs);
                if (standing.equals(reply)) {
                    remember(job, standing); // only an answer this worker gave, for bytes it fetched itself
                }
            } else {
                log.warn("request failed for good: {}", standing.error());
            }
            return Outcome.delete(job.message);
        } catch (SdkException e) {
            log.warn("could not record or reply; the request is retried later: {}", e.getMessage());
            return Outcome.retry(job.message, "could not record or reply: " + e.getMessage());
        } finally {
            MDC.remove("requestId");
        }
    }

    /**
     * After the reply: the result by the digest of the bytes this worker fetched and classified,
     * for repeats - never by a digest it was told. Best effort, it only saves work.
     */
    private void remember(ClassificationJob job, ClassificationReply result) {
        if (!settings.dedup() || job.fetchedSha256 == null) {
            return;
        }
        try {
            results.saveByContent(job.fetchedSha256, result);
        } catch (SdkException e) {
            log.debug("could not remember the result by content: {}", e.getMessage());
        }
    }

    private ClassificationReply done(ClassificationJob job, Classification c) {
        long now = System.currentTimeMillis();
        Timings timings = new Timings(job.queueWaitMs(), job.downloadMs, job.decodeMs, Math.round(c.inferenceMs()),
                now - job.request.submittedAt().toEpochMilli());
        return ClassificationReply.done(job.request, c.label(), c.confidence(),
                c.top5().stream().map(p -> new Prediction(p.label(), p.probability())).toList(), c.model(),
                settings.workerId(), timings).withDeliveries(job.deliveries()).withNote(job.note);
    }

    private ClassificationReply failed(ClassificationJob job, String reason) {
        return ClassificationReply.failed(job.request.requestId(), job.request.fileName(), reason,
                classifier.modelName(), settings.workerId()).withDeliveries(job.deliveries());
    }

    /** Nobody waits for it any more: say so rather than classify it for no one. Not the image's fault. */
    private ClassificationReply expired(ClassificationJob job) {
        return ClassificationReply.expired(job.request.requestId(), job.request.fileName(),
                "expired: no worker reached it before its deadline " + job.request.deadline()
                        + "; nothing is wrong with the image, send it again", classifier.modelName(),
                settings.workerId()).withDeliveries(job.deliveries());
    }

    private byte[] download(ClassificationJob job, Instant giveUpAt) {
        long start = System.nanoTime();
        byte[] bytes = Transient.retry(() -> s3.getObjectAsBytes(b -> b.bucket(job.request.bucket())
                .key(job.request.key())).asByteArray(), giveUpAt, clock);
        job.downloadMs = (System.nanoTime() - start) / 1_000_000;
        return bytes;
    }

    private static void cancel(Future<?> future) {
        if (future != null) {
            future.cancel(true);
        }
    }

    /**
     * The task's result; an SDK fault comes out as itself, so the caller can judge it. Every task
     * retries only until the hold ends (its {@code giveUpAt}), so a result that has not come a
     * minute past that never will: that is an outage too.
     */
    private <T> T await(Future<T> future) {
        long boundMs = settings.maxHold().plus(AWAIT_MARGIN).toMillis();
        try {
            return future.get(boundMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw SdkClientException.create("no result from the bucket or the queue within " + boundMs + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted while waiting for the bucket");
        }
    }
}
