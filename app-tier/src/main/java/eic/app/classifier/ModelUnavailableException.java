package eic.app.classifier;

/** The configured model cannot be loaded here; the message says what to use instead. */
public final class ModelUnavailableException extends RuntimeException {
    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
