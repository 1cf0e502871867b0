package eic.app.worker;

import eic.common.messaging.ClassificationReply;
import eic.common.concurrent.DaemonThreads;
import eic.common.messaging.ModelAnnouncement;
import eic.common.messaging.ObjectKeys;
import eic.common.messaging.Messages;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The output bucket: {@code <image name>} holds the label (the original design) and
 * {@code results/<requestId>.json} the full record, which makes redelivery idempotent.
 */
public final class ResultStore {
    private final S3Client s3;
    private final String bucket;

    public ResultStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public Optional<ClassificationReply> find(String requestId) {
        try {
            byte[] json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(ObjectKeys.record(requestId))).asByteArray();
            return Optional.of(Messages.parseReply(new String(json, StandardCharsets.UTF_8)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /**
     * The record and the classic label object, written at the same time; both are
     * overwritten with the same values on a retry. Returns when both are durable.
     */
    public void save(ClassificationReply reply) {
        java.util.concurrent.CompletableFuture<Void> label = java.util.concurrent.CompletableFuture.completedFuture(null);
        if (reply.isDone() && reply.fileName() != null) {
            label = java.util.concurrent.CompletableFuture.runAsync(() -> s3.putObject(b -> b.bucket(bucket)
                    .key(reply.fileName()).contentType("text/plain; charset=utf-8"), RequestBody.fromString(reply.label())),
                    WRITERS);
        }
        s3.putObject(b -> b.bucket(bucket).key(ObjectKeys.record(reply.requestId())).contentType("application/json"),
                RequestBody.fromString(Messages.toJson(reply)));
        try {
            label.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Tells the web tier which model answers; the last worker to start wins, as all serve one model. */
    public void announce(ModelAnnouncement announcement) {
        s3.putObject(b -> b.bucket(bucket).key(ObjectKeys.SERVING_MODEL).contentType("application/json"),
                RequestBody.fromString(Messages.toJson(announcement)));
    }

    private static final java.util.concurrent.ExecutorService WRITERS = java.util.concurrent.Executors.newCachedThreadPool(
            DaemonThreads.named("result-writer"));
}
