package eic.system;

import static org.assertj.core.api.Assertions.assertThat;

import eic.infra.local.LocalServers;
import eic.load.chaos.ChaosRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short variant of {@code scripts/chaos.sh}: a few hundred images through the async API
 * while workers are killed every few seconds, the web tier is killed, the queue and storage
 * servers are frozen, and the whole stack loses power and starts again on the same data.
 * Every accepted image ends right, or (the poison ones) failed with its own reason.
 */
class ChaosIT {
    @Test
    void nothingAcceptedIsLostOrWronglyFailedUnderFire(@TempDir Path dataDir) throws Exception {
        Path home = Path.of(System.getProperty("eic.home", "..")).toAbsolutePath().normalize();
        ChaosRun.Result result = new ChaosRun(new ChaosRun.Options(home, dataDir, LocalServers.freePort(), 250, 6, 7L,
                Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofMinutes(4)), System.out).run();
        System.out.println("chaos: " + result.summary());
        assertThat(result.events()).as("the reference answers, then every fault").hasSize(4);
        assertThat(result.workerKills()).isPositive();
        assertThat(result.problems()).isEmpty();
        assertThat(result.lost()).isZero();
        assertThat(result.accepted()).isEqualTo(result.submitted());
        assertThat(result.poisonFailedWithReason()).isEqualTo(result.poison()).isPositive();
        assertThat(result.promiseKept()).isTrue();
    }
}
