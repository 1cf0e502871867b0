package eic.web.classify;

import org.springframework.http.HttpStatus;

/** Something a client caused or must be told about, with the status it maps to. */
public class ClassificationException extends RuntimeException {
    private final HttpStatus status;
    private final String requestId;
    private final long retryAfterSeconds;

    public ClassificationException(HttpStatus status, String message) {
        this(status, message, null, 0);
    }

    public ClassificationException(HttpStatus status, String message, String requestId, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.requestId = requestId;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public HttpStatus status() {
        return status;
    }

    public String requestId() {
        return requestId;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
