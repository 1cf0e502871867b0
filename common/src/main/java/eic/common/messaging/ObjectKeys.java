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

    /**
     * Accepted images in the input bucket, {@code uploads/<requestId>}, each created once
     * ({@code If-None-Match: *}) and deleted once its request is answered: the prefix holds
     * the work outstanding, never the service's history.
     */
    public static final String UPLOADS = "uploads/";
    /** The user metadata of an upload that holds the client's file name, made safe. */
    public static final String FILE_NAME = "file-name";
    /** The user metadata of an upload that holds its request's deadline (ISO-8601). */
    public static final String DEADLINE = "deadline";
    /** The user metadata of an upload that holds the SHA-256 (hex) the door computed of its bytes. */
    public static final String SHA256 = "sha256";

    private ObjectKeys() {
    }

    /**
     * The only key the web tier writes an image under, and the only one a worker reads: one
     * per request id, so a conditional create accepts exactly one image per id.
     */
    public static String upload(String requestId) {
        return UPLOADS + requestId;
    }

    /** The request id of an upload's key; empty for a key that is not {@code uploads/<id>}. */
    public static java.util.Optional<String> requestIdOfUpload(String key) {
        if (!key.startsWith(UPLOADS)) {
            return java.util.Optional.empty();
        }
        String id = key.substring(UPLOADS.length());
        return RequestContract.isRequestId(id) ? java.util.Optional.of(id) : java.util.Optional.empty();
    }

    /** The JSON record of one request's result. */
    public static String record(String requestId) {
        return "results/" + requestId + ".json";
    }

    /**
     * The markers of a request's attempts alone ({@code ops/alone/<requestId>/<attempt>}): one
     * is written before a worker classifies a returned message with nothing else running and
     * removed after, so those left behind count the attempts that stopped a worker.
     */
    public static String aloneAttempts(String requestId) {
        return "ops/alone/" + requestId + "/";
    }

    /** The first result of a model for the image bytes with this SHA-256: what answers a repeat. */
    public static String digest(String model, String contentSha256) {
        return "digests/" + model.replaceAll("[^A-Za-z0-9._-]", "_") + "/" + contentSha256 + ".json";
    }
}
