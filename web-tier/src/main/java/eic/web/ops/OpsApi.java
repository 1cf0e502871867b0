package eic.web.ops;

import eic.web.classify.PendingReplies;
import eic.web.classify.RequestStats;
import eic.web.security.ApiKey;
import eic.web.system.WebProperties;
import java.time.Duration;
import org.springframework.boot.autoconfigure.web.servlet.MultipartProperties;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the pages need besides the classification API: {@code GET /api/v1/info} (which model
 * serves, whether a key is needed, the limits) and {@code GET /api/v1/stats} (this
 * instance's recent throughput and latency, for the ops page's charts).
 */
@RestController
class OpsApi {
    private static final Duration CHART_STEP = Duration.ofSeconds(10);

    private final ServingModel servingModel;
    private final RequestStats stats;
    private final PendingReplies pending;
    private final WebProperties properties;
    private final MultipartProperties multipart;
    private final ApiKey apiKey;

    OpsApi(ServingModel servingModel, RequestStats stats, PendingReplies pending, WebProperties properties,
           MultipartProperties multipart, ApiKey apiKey) {
        this.apiKey = apiKey;
        this.servingModel = servingModel;
        this.stats = stats;
        this.pending = pending;
        this.properties = properties;
        this.multipart = multipart;
    }

    /**
     * @param model      the model the workers announced, or null before any did
     * @param dashboardUrl the CloudWatch dashboard on AWS, or null
     */
    record Info(ServingModel.View model, boolean apiKeyRequired, String dashboardUrl, long maxUploadBytes,
                long maxPixels, long requestTimeoutSeconds) {
    }

    /** This instance's waiting requests and its recent answers in {@code stepSeconds}-wide steps. */
    record Stats(int waiting, int maxWaiting, long stepSeconds, RequestStats.Snapshot recent) {
    }

    @GetMapping(path = "/api/v1/info", produces = MediaType.APPLICATION_JSON_VALUE)
    Info info() {
        return new Info(servingModel.current().orElse(null), apiKey.required(),
                properties.dashboardUrl().isBlank() ? null : properties.dashboardUrl(),
                multipart.getMaxFileSize().toBytes(), properties.maxPixels(), properties.requestTimeout().toSeconds());
    }

    @GetMapping(path = "/api/v1/stats", produces = MediaType.APPLICATION_JSON_VALUE)
    Stats stats() {
        return new Stats(pending.size(), properties.maxWaiting(), CHART_STEP.toSeconds(), stats.snapshot(CHART_STEP));
    }
}
