package eic.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
    private final Env env = new Env(Map.of("EIC_WORKER_WAIT_TIME", "500ms", "EIC_PORT", "9090", "EIC_BAD", "x",
            "EIC_BLANK", " "));

    @Test
    void readsTypedValuesByTheirEnvironmentNames() {
        assertThat(Env.envName("eic.worker.wait-time")).isEqualTo("EIC_WORKER_WAIT_TIME");
        assertThat(env.getDuration("eic.worker.wait-time", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(env.getInt("eic.port", 8080)).isEqualTo(9090);
        assertThat(env.get("eic.blank", "default")).isEqualTo("default");
        assertThat(env.getInt("eic.missing", 7)).isEqualTo(7);
    }

    @Test
    void durationsTakeUnitsOrIso8601() {
        assertThat(Env.parseDuration("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(Env.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Env.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThat(Env.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void sizesAreWrittenAsSpringWritesThem() {
        assertThat(Env.parseBytes("10MB")).isEqualTo(10L << 20);
        assertThat(Env.parseBytes("512 KB")).isEqualTo(512L << 10);
        assertThat(Env.parseBytes("2GB")).isEqualTo(2L << 30);
        assertThat(Env.parseBytes("1234")).isEqualTo(1234);
        assertThat(new Env(Map.of("EIC_MAX_UPLOAD_SIZE", "20MB")).getBytes("eic.max-upload-size", 0))
                .isEqualTo(20L << 20);
    }

    @Test
    void anInvalidValueNamesTheSetting() {
        assertThatThrownBy(() -> env.getInt("eic.bad", 1)).hasMessageContaining("EIC_BAD").hasMessageContaining("'x'");
    }
}
