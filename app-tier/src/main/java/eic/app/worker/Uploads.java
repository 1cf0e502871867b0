package eic.app.worker;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * The input bucket's uploads as the worker keeps them: an upload stays while its request is
 * outstanding and goes once the request's answer is recorded, so {@code uploads/} holds the
 * work outstanding and the reconciler's listing is bounded by it, not by the service's
 * history. Removing is best effort: an upload left behind by a failed delete is removed by
 * the reconciler, which finds its record.
 */
public final class Uploads {
    private static final Logger log = LoggerFactory.getLogger(Uploads.class);
    /** S3 deletes at most 1000 keys per call. */
    private static final int MAX_DELETE = 1000;

    private final S3Client s3;
    private final String bucket;

    public Uploads(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Removes the uploads of requests whose answer is recorded, in as few calls as S3 allows. */
    public void forgetAnswered(List<String> keys) {
        for (int from = 0; from < keys.size(); from += MAX_DELETE) {
            List<ObjectIdentifier> chunk = keys.subList(from, Math.min(keys.size(), from + MAX_DELETE)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            try {
                var response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(chunk).quiet(true)));
                response.errors().forEach(e -> log.debug("could not remove answered upload {}: {}", e.key(),
                        e.message()));
            } catch (SdkException e) {
                log.debug("could not remove {} answered upload(s); the reconciler will: {}", chunk.size(),
                        e.getMessage());
            }
        }
    }
}
