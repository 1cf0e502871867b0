package eic.web.classify;

import eic.web.classify.ClassificationException.Kind;
import eic.common.aws.StackNames;
import eic.common.images.FileNames;
import eic.common.images.ImageFormat;
import eic.common.images.ImageHeader;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
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
import java.util.Optional;
import eic.common.images.FileNames;
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

/**
 * Accepts an image: checks it, stores it in the input bucket, enqueues the request and
 * hands back a future for the reply. Nothing is stored or enqueued for a bad image.
 */
@Service
public class ClassificationService {
    private static final Logger log = LoggerFactory.getLogger(ClassificationService.class);

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

    /** An accepted request and the reply it will get. */
    public record Submission(String requestId, String fileName, CompletableFuture<ClassificationReply> reply) {
    }

    /**
     * The intake of both APIs: reads the uploads under the upload-memory bound, checks every
     * one before storing any (all or nothing), checks the capacity, then stores and enqueues
     * each. The first image is request {@code assignedId} (the HTTP request's own id) or the
     * client's idempotency key; the others get ids of their own. With {@code awaitReply}
     * each submission's future completes with its reply, or fails at its deadline.
     *
     * @throws AlreadyAccepted when the idempotency key names a request accepted before
     */
    public List<Submission> submit(List<MultipartFile> files, String assignedId, Optional<String> idempotencyKey,
                                   boolean awaitReply) {
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
            checkCapacity(awaitReply ? files.size() : 0, files.size());
            List<Submission> submissions = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                submissions.add(accept(ids.get(i), files.get(i).getOriginalFilename(), contents.get(i), formats.get(i),
                        awaitReply));
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
     * A key that was already accepted is not accepted twice.
     *
     * @throws AlreadyAccepted when an upload under that key exists
     */
    private String requestId(String assignedId, Optional<String> idempotencyKey) {
        if (idempotencyKey.isEmpty()) {
            return assignedId;
        }
        String key = RequestIds.canonicalUuid(idempotencyKey.get()).orElseThrow(() -> new ClassificationException(
                Kind.MALFORMED,
                "the Idempotency-Key header must be a UUID such as 0b6a4f4e-9a8f-4a57-9d56-2d1f0c1f3a11"));
        if (isAccepted(key)) {
            throw new AlreadyAccepted(key);
        }
        return key;
    }

    /** The request's record in the output bucket, once it has one. */
    public Optional<ClassificationReply> record(String requestId) {
        return results.find(requestId);
    }

    /** True once an upload under this id exists: the request was accepted. */
    public boolean isAccepted(String requestId) {
        return !s3.listObjectsV2(b -> b.bucket(names.inputBucket()).prefix(ObjectKeys.uploadPrefix(requestId))
                .maxKeys(1)).contents().isEmpty();
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

    /** Stores and enqueues an image that {@link #check} passed, after the capacity was taken; refuses nothing itself. */
    private Submission accept(String requestId, String originalFileName, byte[] bytes, ImageFormat format,
                             boolean awaitReply) {
        String fileName = FileNames.safe(originalFileName);
        String key = ObjectKeys.upload(requestId, fileName);
        Instant now = Instant.now();
        s3.putObject(b -> b.bucket(names.inputBucket()).key(key).contentType(format.mediaType()),
                RequestBody.fromBytes(bytes));
        // Nobody waits for an async request: it gets its own long deadline, not the classic one.
        Instant deadline = now.plus(awaitReply ? properties.requestTimeout() : properties.asyncDeadline());
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, requestId, names.inputBucket(), key,
                fileName, awaitReply ? replies.queueUrl() : null, deadline, now, sha256(bytes));
        CompletableFuture<ClassificationReply> reply = awaitReply ? pending.register(requestId)
                : new CompletableFuture<>();
        try {
            queue.send(request);
        } catch (RuntimeException e) {
            pending.forget(requestId);
            forgetUpload(key);
            throw e;
        }
        log.info("accepted {} as request {} ({} bytes, {})", fileName, requestId, bytes.length, format);
        if (!awaitReply) {
            return new Submission(requestId, fileName, reply);
        }
        reply.orTimeout(properties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, error) -> {
            if (r != null) {
                stats.answered(r, Duration.between(now, Instant.now()));
            } else if (isTimeout(error)) {
                stats.outcome("timeout");
            }
        });
        return new Submission(requestId, fileName, reply);
    }

    /** The bytes' digest: a worker answers a repeat of bytes it classified before from that result. */
    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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
                Kind.NOT_AN_IMAGE, "not a JPEG, PNG, GIF or BMP image (judged by its first bytes)"));
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
