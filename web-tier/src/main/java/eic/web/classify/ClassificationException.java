package eic.web.classify;

/**
 * Something a client caused or must be told about, said in the service's terms; the one
 * place that turns a {@link Kind} into an HTTP status is {@link ErrorResponses}.
 */
public class ClassificationException extends RuntimeException {
    /** Why a request was refused or not completed. */
    public enum Kind {
        /** The request is malformed: a missing field, an unreadable parameter or id. */
        MALFORMED,
        /** The upload is not an image this service reads (by its magic bytes), or it is empty. */
        NOT_AN_IMAGE,
        /** The image itself is at fault: a corrupt header, too many pixels, or it could not be classified. */
        BAD_IMAGE,
        /** The upload is larger than the limit. */
        TOO_LARGE,
        /** No request with that id. */
        NOT_FOUND,
        /** Accepted before and still in work. */
        IN_PROGRESS,
        /** This client sent more than its rate. */
        RATE_LIMITED,
        /** The service is full: too many waiting, queued or uploading; try again. */
        OVERLOADED,
        /** Storage or the queue does not answer; nothing was accepted. */
        UNAVAILABLE,
        /** No answer before the deadline. */
        TIMED_OUT,
        /** A fault of the service itself. */
        INTERNAL
    }

    private final Kind kind;
    private final String requestId;
    private final long retryAfterSeconds;

    public ClassificationException(Kind kind, String message) {
        this(kind, message, null, 0);
    }

    public ClassificationException(Kind kind, String message, String requestId, long retryAfterSeconds) {
        super(message);
        this.kind = kind;
        this.requestId = requestId;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Kind kind() {
        return kind;
    }

    public String requestId() {
        return requestId;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
