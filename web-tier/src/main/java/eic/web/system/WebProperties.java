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
 */
@ConfigurationProperties("eic")
public record WebProperties(@DefaultValue("60s") Duration requestTimeout,
                            @DefaultValue("2000") int maxWaiting,
                            @DefaultValue("") String instanceId,
                            @DefaultValue("40000000") long maxPixels) {
}
