package eic.common.messaging;

/**
 * Keys in the output bucket that writers and readers in different JVMs must agree on:
 * workers write a request's record, the web tier reads it; the local fleet controller
 * writes its timeline, the web tier serves it.
 */
public final class ObjectKeys {
    /** The local fleet controller's timeline, served at {@code GET /api/v1/fleet}. */
    public static final String FLEET_TIMELINE = "ops/fleet.json";
    /** The model the workers serve, announced by each worker when it is ready; the web tier shows it. */
    public static final String SERVING_MODEL = "ops/model.json";

    /** Accepted images in the input bucket: {@code uploads/<requestId>/<safe file name>}. */
    public static final String UPLOADS = "uploads/";

    private ObjectKeys() {
    }

    /** Where an accepted image is stored: one folder per request id, so its existence is one list call. */
    public static String uploadPrefix(String requestId) {
        return UPLOADS + requestId + "/";
    }

    /** The only key the web tier writes an image under, and the only one a worker reads. */
    public static String upload(String requestId, String safeFileName) {
        return uploadPrefix(requestId) + safeFileName;
    }

    /** The JSON record of one request's result. */
    public static String record(String requestId) {
        return "results/" + requestId + ".json";
    }

    /** The first result of a model for the image bytes with this SHA-256: what answers a repeat. */
    public static String digest(String model, String contentSha256) {
        return "digests/" + model.replaceAll("[^A-Za-z0-9._-]", "_") + "/" + contentSha256 + ".json";
    }
}
