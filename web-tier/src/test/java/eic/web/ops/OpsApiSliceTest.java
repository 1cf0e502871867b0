package eic.web.ops;

import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eic.web.classify.PendingReplies;
import eic.web.classify.RequestStats;
import eic.web.security.KeyFromProperties;
import eic.web.system.WebProperties;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.MultipartAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * What the pages read besides the classifications, in Spring's MVC slice: {@code /api/v1/info}
 * tells a page whether it needs a key and the door's limits as configured (so the form can
 * refuse what the door would), and which model serves; {@code /api/v1/stats} is this
 * instance's waiting requests and its recent steps. The model the workers announced (read from
 * the output bucket) stands in here; its reading is HttpApiTest's.
 */
@WebMvcTest(controllers = OpsApi.class, properties = {"eic.api-key=slice-key", "eic.max-pixels=1234567",
        "eic.max-waiting=77", "spring.servlet.multipart.max-file-size=3MB", "eic.request-timeout=45s"},
        includeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "eic\\.web\\.security\\.ApiSecurity"))
@Import({RequestStats.class, PendingReplies.class, KeyFromProperties.class})
@ImportAutoConfiguration({MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
        MultipartAutoConfiguration.class})
@EnableConfigurationProperties(WebProperties.class)
class OpsApiSliceTest {
    @Autowired
    MockMvc mvc;

    @MockitoBean
    ServingModel servingModel;

    @Test
    void infoTellsAPageTheKeyAndTheDoorsLimitsAsConfiguredWithoutAKey() throws Exception {
        when(servingModel.current()).thenReturn(Optional.empty());
        mvc.perform(get("/api/v1/info"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.apiKeyRequired").value(true))
                .andExpect(jsonPath("$.maxUploadBytes").value(3 << 20))
                .andExpect(jsonPath("$.maxPixels").value(1234567))
                .andExpect(jsonPath("$.requestTimeoutSeconds").value(45))
                .andExpect(jsonPath("$.model").doesNotExist())
                .andExpect(jsonPath("$.dashboardUrl").doesNotExist());
    }

    @Test
    void infoNamesTheModelTheWorkersAnnounced() throws Exception {
        when(servingModel.current()).thenReturn(Optional.of(new ServingModel.View("resnet18", "ResNet-18", "w1",
                "2026-12-05T10:00:00Z", "worker announcement")));
        mvc.perform(get("/api/v1/info"))
                .andExpect(jsonPath("$.model.name").value("resnet18"))
                .andExpect(jsonPath("$.model.source").value("worker announcement"));
    }

    @Test
    void statsAreThisInstancesWaitingAndItsRecentStepsBehindTheKey() throws Exception {
        mvc.perform(get("/api/v1/stats")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/stats").header("X-Api-Key", "slice-key"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.waiting").value(0))
                .andExpect(jsonPath("$.maxWaiting").value(77))
                .andExpect(jsonPath("$.stepSeconds").value(10))
                .andExpect(jsonPath("$.recent.series.length()").value(30));
    }
}
