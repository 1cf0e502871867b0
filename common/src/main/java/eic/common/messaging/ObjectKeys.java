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

    private ObjectKeys() {
    }

    /** The JSON record of one request's result. */
    public static String record(String requestId) {
        return "results/" + requestId + ".json";
    }
}
