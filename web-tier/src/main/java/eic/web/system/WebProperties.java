package eic.web.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web tier's settings (environment: EIC_REQUEST_TIMEOUT, EIC_MAX_WAITING, ...).
 *
 * @param requestTimeout how long a classic request waits for its label before 504
 * @param maxWaiting     requests this instance holds open at once; beyond it 503 + Retry-After
 * @param instanceId     names this instance's reply queue; random when empty
 * @param maxPixels      largest image accepted, judged from its header before anything is stored
 * @param apiKey         when set, every {@code /api/} call but {@code /api/v1/info} must send it
 *                       as {@code X-Api-Key} (else 401); empty turns the check off
 * @param dashboardUrl   where the ops page links for the fleet on AWS (the CloudWatch dashboard)
 */
@ConfigurationProperties("eic")
public record WebProperties(@DefaultValue("60s") Duration requestTimeout,
                            @DefaultValue("2000") int maxWaiting,
                            @DefaultValue("") String instanceId,
                            @DefaultValue("40000000") long maxPixels,
                            @DefaultValue("") String apiKey,
                            @DefaultValue("") String dashboardUrl) {

    public boolean apiKeyRequired() {
        return !apiKey.isBlank();
    }
}
