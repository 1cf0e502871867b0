package eic.common.messaging;

import java.time.Instant;

/**
 * The request message on the request queue (contract version 1).
 *
 * @param version   contract version, {@link Messages#VERSION}
 * @param requestId unique id chosen by the web tier; results are keyed by it
 * @param bucket    input bucket holding the image
 * @param key       the image's key in the input bucket
 * @param fileName  the client's file name, made safe; the output bucket's classic key
 * @param replyTo   URL of the queue the reply goes to (one per web-tier instance)
 * @param deadline  after this instant nobody waits for the answer any more
 * @param submittedAt when the web tier accepted the image
 * @param contentSha256 the image bytes' SHA-256 (hex), by which a repeat of the same bytes is answered
 *                    from the first one's result; null where unknown (then the image is classified)
 */
public record ClassificationRequest(int version, String requestId, String bucket, String key, String fileName,
                                    String replyTo, Instant deadline, Instant submittedAt, String contentSha256) {

    /** A request whose content digest is not known. */
    public ClassificationRequest(int version, String requestId, String bucket, String key, String fileName,
                                 String replyTo, Instant deadline, Instant submittedAt) {
        this(version, requestId, bucket, key, fileName, replyTo, deadline, submittedAt, null);
    }
}
