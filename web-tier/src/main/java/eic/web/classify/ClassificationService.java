package eic.web.classify;

import eic.web.classify.ClassificationException.Kind;
import eic.common.aws.ConditionalWrites;
import eic.common.aws.StackNames;
import eic.common.images.FileNames;
import eic.common.images.ImageFormat;
import eic.common.images.ImageHeader;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Digests;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.messaging.ResultStore;
import eic.web.system.RequestIds;
import eic.web.system.WebProperties;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.multipart.MultipartFile;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Accepts an image: checks it, stores it in the input bucket, enqueues the request and
 * hands back a future for the reply. Nothing is stored or enqueued for a bad image.
 */
@Service
public class ClassificationService {
    private static final Logger log = LoggerFactory.getLogger(ClassificationService.class);
    private static final int NOT_FOUND = 404;

    private final S3Client s3;
    private final RequestQueue queue;
    private final StackNames names;
    private final PendingReplies pending;
    private final ReplyListener replies;
    private final WebProperties properties;
    private final RequestStats stats;
    private final UploadMemory uploadMemory;
    private final ResultStore results;

    public ClassificationService(S3Client s3, RequestQueue queue, StackNames names, PendingReplies pending,
                                 ReplyListener replies, WebProperties properties, RequestStats stats,
                                 UploadMemory uploadMemory) {
        this.uploadMemory = uploadMemory;
        this.results = new ResultStore(s3, names.outputBucket());
        this.s3 = s3;
        this.queue = queue;
        this.names = names;
        this.pending = pending;
        this.replies = replies;
        this.properties = properties;
        this.stats = stats;
    }

    /** An accepted request, the reply it will get, and where its time went at the door. */
    public record Submission(String requestId, String fileName, CompletableFuture<ClassificationReply> reply,
                             Timeline timeline) {
    }

    /**
     * How a submission is answered.
     *
     * @param deadline how long a worker may take to reach it; past that it is answered {@code expired}
     * @param replyWait how long this instance waits for the reply (zero: not at all); the waiting place is
     *                 given up after it, whatever the deadline
     * @param classic  the client waits for the label: a wait that runs out is a timeout it is told of
     */
    public record Answering(Duration deadline, Duration replyWait, boolean classic) {
        /** The classic contract: the client waits for the label, and nobody waits after the request timeout. */
        public static Answering classic(WebProperties properties) {
            return new Answering(properties.requestTimeout(), properties.requestTimeout(), true);
        }

        /** The async API: the long deadline, whether or not the response waits {@code wait} for the results. */
        public static Answering async(WebProperties properties, Duration wait) {
            return new Answering(properties.asyncDeadline(), wait, false);
        }

        boolean awaitsReply() {
            return !replyWait.isZero();
        }
    }

    /**
     * The intake of both APIs: reads the uploads under the upload-memory bound, checks every
     * one before storing any (all or nothing), checks the capacity, then stores and enqueues
     * each. The first image is request {@code assignedId} (the HTTP request's own id) or the
     * client's idempotency key; the others get ids of their own. When {@code answering}
     * waits, each submission's future completes with its reply, or fails when the wait is over.
     *
     * @param arrivedNanos when the HTTP request arrived ({@link System#nanoTime()}): where the intake's time starts
     * @throws AlreadyAccepted when the idempotency key names a request accepted before (or at the same time)
     */
    public List<Submission> submit(List<MultipartFile> files, String assignedId, Optional<String> idempotencyKey,
                                   Answering answering, long arrivedNanos) {
        if (idempotencyKey.isPresent() && files.size() > 1) {
            throw new ClassificationException(Kind.MALFORMED, "an Idempotency-Key names one request: send one image "
                    + "with it");
        }
        UploadMemory.Reservation held = uploadMemory.reserve(files.stream().mapToLong(MultipartFile::getSize).sum());
        try {
            List<String> ids = new ArrayList<>(List.of(requestId(assignedId, idempotencyKey)));
            while (ids.size() < files.size()) {
                ids.add(UUID.randomUUID().toString());
            }
            List<byte[]> contents = new ArrayList<>();
            List<ImageFormat> formats = new ArrayList<>();
            for (MultipartFile file : files) {
                byte[] bytes = bytes(file);
                try {
                    formats.add(check(bytes));
                } catch (ClassificationException e) {
                    if (files.size() == 1) {
                        throw e;
                    }
                    throw new ClassificationException(e.kind(), FileNames.safe(file.getOriginalFilename()) + ": "
                            + e.getMessage() + "; no image was accepted");
                }
                contents.add(bytes);
            }
            checkCapacity(answering.awaitsReply() ? files.size() : 0, files.size());
            List<Submission> submissions = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                submissions.add(accept(ids.get(i), files.get(i).getOriginalFilename(), contents.get(i), formats.get(i),
                        answering, arrivedNanos));
            }
            return submissions;
        } finally {
            held.close(); // the bytes are stored (or refused): they need not stay in the heap
        }
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the upload", e);
        }
    }

    /**
     * The id a new request gets: the client's idempotency key (a UUID it chose, so that a
     * client cut off by a restart can ask for its result), else the one assigned at the door.
     * A key that was accepted before is answered from that request (the cheap check here);
     * two that race are decided by the upload's conditional create in {@link #accept}.
     *
     * @throws AlreadyAccepted when that key has an upload or a record
     */
    private String requestId(String assignedId, Optional<String> idempotencyKey) {
        if (idempotencyKey.isEmpty()) {
            return assignedId;
        }
        String key = RequestIds.canonicalUuid(idempotencyKey.get()).orElseThrow(() -> new ClassificationException(
                Kind.MALFORMED,
                "the Idempotency-Key header must be a UUID such as 0b6a4f4e-9a8f-4a57-9d56-2d1f0c1f3a11"));
        if (isAccepted(key) || record(key).isPresent()) {
            throw new AlreadyAccepted(key);
        }
        return key;
    }

    /** The request's record in the output bucket, once it has one. */
    public Optional<ClassificationReply> record(String requestId) {
        return results.find(requestId);
    }

    /** True while an upload under this id exists: accepted and not yet answered (an answer removes it). */
    public boolean isAccepted(String requestId) {
        try {
            s3.headObject(b -> b.bucket(names.inputBucket()).key(ObjectKeys.upload(requestId)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** The reply this instance waits for under that id, when a request here is still in work. */
    public Optional<CompletableFuture<ClassificationReply>> inWork(String requestId) {
        return pending.find(requestId);
    }

    /** A submission under an idempotency key that was accepted before: answer from that request. */
    public static final class AlreadyAccepted extends RuntimeException {
        private final String requestId;

        AlreadyAccepted(String requestId) {
            super("already accepted as request " + requestId);
            this.requestId = requestId;
        }

        public String requestId() {
            return requestId;
        }
    }

    /**
     * Stores and enqueues an image that {@link #check} passed, after the capacity was taken. The
     * upload is created only if its id has none ({@code If-None-Match: *}), so an accepted image
     * is never replaced and an id is accepted once, however many clients race under one key.
     */
    private Submission accept(String requestId, String originalFileName, byte[] bytes, ImageFormat format,
                              Answering answering, long arrivedNanos) {
        String fileName = FileNames.safe(originalFileName);
        String key = ObjectKeys.upload(requestId);
        Instant now = Instant.now();
        Instant deadline = now.plus(answering.deadline());
        String digest = Digests.sha256Hex(bytes);
        long storing = System.nanoTime();
        // Waiting before the upload exists: a client that loses a race under this key waits on the same reply.
        CompletableFuture<ClassificationReply> reply = answering.awaitsReply() ? pending.register(requestId)
                : new CompletableFuture<>();
        try {
            s3.putObject(b -> b.bucket(names.inputBucket()).key(key).contentType(format.mediaType()).ifNoneMatch("*")
                    .metadata(Map.of(ObjectKeys.FILE_NAME, fileName, ObjectKeys.DEADLINE, deadline.toString(),
                            ObjectKeys.SHA256, digest)), RequestBody.fromBytes(bytes));
        } catch (RuntimeException e) {
            queue.giveBack(1);
            if (ConditionalWrites.refused(e)) {
                throw new AlreadyAccepted(requestId); // another client's upload under this key came first
            }
            pending.forget(requestId, reply);
            throw e;
        }
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, requestId, names.inputBucket(), key,
                fileName, answering.awaitsReply() ? replies.queueUrl() : null, deadline, now, digest);
        long enqueuing = System.nanoTime();
        try {
            queue.send(request);
        } catch (RuntimeException e) {
            pending.forget(requestId, reply);
            forgetUpload(key);
            throw e;
        }
        Timeline timeline = new Timeline(arrivedNanos, (storing - arrivedNanos) / 1e6, (enqueuing - storing) / 1e6,
                (System.nanoTime() - enqueuing) / 1e6);
        log.info("accepted {} as request {} ({} bytes, {})", fileName, requestId, bytes.length, format);
        if (!answering.awaitsReply()) {
            return new Submission(requestId, fileName, reply, timeline);
        }
        // The waiting place is given up after the wait; the request itself keeps its deadline.
        reply.orTimeout(answering.replyWait().toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, error) -> {
            if (r != null) {
                stats.answered(r, Duration.between(now, Instant.now()));
            } else if (isTimeout(error) && answering.classic()) {
                stats.outcome("timeout");
            }
        });
        return new Submission(requestId, fileName, reply, timeline);
    }

    /**
     * Everything that can refuse an image without storing anything: empty, not an image by
     * its magic bytes, a corrupt header, too many pixels. Callers with many images check
     * them all before submitting any.
     */
    private ImageFormat check(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new ClassificationException(Kind.NOT_AN_IMAGE, "the file is empty");
        }
        ImageFormat format = ImageFormat.sniff(bytes).orElseThrow(() -> new ClassificationException(
                Kind.NOT_AN_IMAGE, ImageFormat.refusal(bytes)));
        checkHeader(format, bytes);
        return format;
    }

    /**
     * 503 with Retry-After when {@code waiting} more requests held open here would exceed this
     * instance's bound, or {@code accepted} more would exceed the bound on outstanding work;
     * else those places are taken, and every admitted request must then be sent.
     */
    private void checkCapacity(int waiting, int accepted) {
        int held = pending.size();
        if (waiting > 0 && held + waiting > properties.maxWaiting()) {
            throw new ClassificationException(Kind.OVERLOADED,
                    "too many requests are waiting; try again shortly", null, stats.retryAfterSeconds(held));
        }
        int outstanding = queue.admit(accepted, properties.maxBacklog());
        if (outstanding >= 0) {
            throw new ClassificationException(Kind.OVERLOADED, "the service has " + outstanding
                    + " requests queued or in work, its limit; try again shortly", null,
                    stats.retryAfterSeconds(outstanding));
        }
    }

    /** An upload whose request could not be enqueued was never accepted: best effort, it goes. */
    private void forgetUpload(String key) {
        try {
            s3.deleteObject(b -> b.bucket(names.inputBucket()).key(key));
        } catch (RuntimeException e) {
            log.warn("could not remove the unaccepted upload {}: {}", key, e.getMessage());
        }
    }

    /** Rejects a corrupt header or a pixel bomb from the header alone, before anything is stored. */
    private void checkHeader(ImageFormat format, byte[] bytes) {
        ImageHeader header;
        try {
            header = ImageHeader.read(format, bytes);
        } catch (IOException e) {
            throw new ClassificationException(Kind.BAD_IMAGE,
                    "corrupt image: cannot read its " + format + " header");
        }
        if (header.pixels() > properties.maxPixels()) {
            throw new ClassificationException(Kind.BAD_IMAGE, String.format(
                    "image has too many pixels: %dx%d is %,d; the limit is %,d", header.width(), header.height(),
                    header.pixels(), properties.maxPixels()));
        }
    }

    /** True when the reply future failed because the deadline passed. */
    public static boolean isTimeout(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
        return cause instanceof TimeoutException;
    }
}
