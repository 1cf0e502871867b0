package eic.web.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eic.web.classify.PendingReplies;
import eic.web.classify.RequestStats;
import eic.web.system.WebProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The security chain alone, in Spring's MVC slice (no queue, no bucket, no server): with a key
 * set, what must stay reachable without one is, everything else - a path nobody routed included
 * - answers 401 with the header to send, and the key lets a request through to routing.
 */
// Only the pages' controller (the open routes); the chain itself comes from ApiSecurity.
@WebMvcTest(properties = "eic.api-key=slice-key", useDefaultFilters = false, includeFilters = @ComponentScan.Filter(
        type = FilterType.REGEX, pattern = "eic\\.web\\.system\\.Pages"))
@Import({ApiSecurity.class, RequestStats.class, PendingReplies.class, KeyFromProperties.class})
@ImportAutoConfiguration({MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class})
@EnableConfigurationProperties(WebProperties.class)
class ApiSecuritySliceTest {
    @Autowired
    MockMvc mvc;

    @Test
    void thePagesAndTheProbesNeedNoKey() throws Exception {
        mvc.perform(get("/")).andExpect(status().isOk());
        mvc.perform(get("/ops")).andExpect(status().isOk());
        mvc.perform(get("/api/v1/info")).andExpect(status().is(org.hamcrest.Matchers.not(401)));
    }

    @Test
    void everythingElseNeedsTheKeyEvenWhereNothingIsRouted() throws Exception {
        mvc.perform(get("/api/v1/stats")).andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "ApiKey header=\"X-Api-Key\""));
        mvc.perform(get("/api/v1/nothing-here")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/nothing-here").header("X-Api-Key", "wrong")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/v1/nothing-here").header("X-Api-Key", "slice-key")).andExpect(status().isNotFound());
    }

    @Test
    void theClassicPostIsOpenByDefaultAndNothingElseIsForPost() throws Exception {
        mvc.perform(post("/")).andExpect(status().is(org.hamcrest.Matchers.not(401)));
        mvc.perform(post("/api/v1/classify")).andExpect(status().isUnauthorized());
    }
}
