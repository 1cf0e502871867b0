package eic.common.messaging;

import eic.common.aws.ConditionalWrites;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The output bucket: {@code results/<requestId>.json} holds the full record, which is the
 * one answer to a request, and {@code <image name>} the label (the original design). The
 * workers write it; the web tier and the workers read it.
 * The first record written wins (a conditional PUT, {@code If-None-Match: *}, which S3 and
 * the local S3 server both honour): a late worker, a duplicate delivery or the dead-letter
 * handler can never replace DONE by FAILED or the reverse; they answer with the winner.
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
     * Writes {@code reply} as the request's record unless one exists; returns the record that
     * stands (this one, or the one written first). A DONE record's label object follows it.
     */
    public ClassificationReply saveFirst(ClassificationReply reply) {
        ClassificationReply standing = reply;
        try {
            s3.putObject(b -> b.bucket(bucket).key(ObjectKeys.record(reply.requestId())).ifNoneMatch("*")
                    .contentType("application/json"), RequestBody.fromString(Messages.toJson(reply)));
        } catch (S3Exception e) {
            if (!ConditionalWrites.refused(e)) {
                throw e;
            }
            standing = find(reply.requestId()).orElseThrow(() -> e);
        }
        ClassificationReply record = standing;
        if (record.isDone() && record.fileName() != null) {
            s3.putObject(b -> b.bucket(bucket).key(record.fileName()).contentType("text/plain; charset=utf-8"),
                    RequestBody.fromString(record.label()));
        }
        return record;
    }

    /** The result this model gave for these bytes first, if it has seen them. */
    public Optional<ClassificationReply> findByContent(String model, String contentSha256) {
        try {
            byte[] json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(ObjectKeys.digest(model, contentSha256)))
                    .asByteArray();
            return Optional.of(Messages.parseReply(new String(json, StandardCharsets.UTF_8)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** Remembers a DONE result by its image's digest, for repeats; the first one stays. */
    public void saveByContent(String contentSha256, ClassificationReply reply) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(ObjectKeys.digest(reply.model(), contentSha256)).ifNoneMatch("*")
                    .contentType("application/json"), RequestBody.fromString(Messages.toJson(reply)));
        } catch (S3Exception e) {
            if (!ConditionalWrites.refused(e)) {
                throw e;
            }
        }
    }

    /** Tells the web tier which model answers; the last worker to start wins, as all serve one model. */
    public void announce(ModelAnnouncement announcement) {
        s3.putObject(b -> b.bucket(bucket).key(ObjectKeys.SERVING_MODEL).contentType("application/json"),
                RequestBody.fromString(Messages.toJson(announcement)));
    }
}
