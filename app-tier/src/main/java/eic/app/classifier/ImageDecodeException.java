package eic.app.classifier;

/** An image that cannot be classified, with a reason a client can be told. */
public final class ImageDecodeException extends Exception {

    public enum Reason {
        EMPTY("empty file"),
        UNSUPPORTED_FORMAT("not a supported image format"),
        CORRUPT("corrupt image"),
        TOO_MANY_PIXELS("image has too many pixels");

        private final String summary;

        Reason(String summary) {
            this.summary = summary;
        }

        public String summary() {
            return summary;
        }
    }

    private final Reason reason;

    public ImageDecodeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageDecodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
