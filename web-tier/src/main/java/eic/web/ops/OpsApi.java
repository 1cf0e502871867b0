package eic.web.ops;

import eic.web.classify.PendingReplies;
import eic.web.classify.RequestStats;
import eic.web.system.WebProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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

    OpsApi(ServingModel servingModel, RequestStats stats, PendingReplies pending, WebProperties properties,
           MultipartProperties multipart) {
        this.servingModel = servingModel;
        this.stats = stats;
        this.pending = pending;
        this.properties = properties;
        this.multipart = multipart;
    }

    @GetMapping(path = "/api/v1/info", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> info() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", servingModel.current().orElse(null));
        info.put("apiKeyRequired", properties.apiKeyRequired());
        info.put("dashboardUrl", properties.dashboardUrl().isBlank() ? null : properties.dashboardUrl());
        info.put("maxUploadBytes", multipart.getMaxFileSize().toBytes());
        info.put("maxPixels", properties.maxPixels());
        info.put("requestTimeoutSeconds", properties.requestTimeout().toSeconds());
        return info;
    }

    @GetMapping(path = "/api/v1/stats", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> stats() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("waiting", pending.size());
        body.put("maxWaiting", properties.maxWaiting());
        body.put("stepSeconds", CHART_STEP.toSeconds());
        body.put("recent", stats.snapshot(CHART_STEP));
        return body;
    }
}
