package eic.infra.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import eic.infra.scaling.CapacityDecider.Observation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stack's fast-backlog option as the group applies it, on a fake clock. */
class FastBacklogPolicyTest {
    private final Instant t0 = Instant.parse("2026-11-26T12:00:00Z");

    private static FastBacklogPolicy policy() {
        return new FastBacklogPolicy(1, 20, 20, Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "backlog {0} on {1} workers -> {2}")
    @CsvSource({
        "20, 1, 1", // at the target: no alarm
        "21, 1, 2", "59, 1, 2", // +1 within 40 per worker above it
        "60, 1, 3", "100, 1, 3", "139, 1, 3", // +2 within 120: the seeds' burst takes what the warm pool holds
        "140, 1, 5", "1000, 1, 5", // +4 beyond
        "100, 5, 5", // 20 per worker: no alarm
        "400, 19, 20"}) // clipped to the maximum
    void stepsAboveTheTargetBacklogPerWorker(int backlog, int workers, int expected) {
        Observation o = new Observation(backlog, 0, workers, workers, 0, 0);
        assertThat(policy().decide(t0, o).desired()).isEqualTo(expected);
    }

    @Test
    void theBacklogIsVisiblePlusInFlightPerWorkerInServiceWithNoneCountingAsOne() {
        assertThat(FastBacklogPolicy.metric(90, 10, 4)).isEqualTo(25.0);
        assertThat(FastBacklogPolicy.metric(7, 0, 0)).isEqualTo(7.0);
    }

    @Test
    void aRepeatedBreachWhileWorkersWarmUpBuysNothingTwice() {
        FastBacklogPolicy p = policy();
        assertThat(p.decide(t0, new Observation(100, 0, 1, 1, 0, 2)).desired()).isEqualTo(3);
        // 10 s later the two are starting (warming): the same breach asks +2 from 1 -> 3 = what is coming
        assertThat(p.decide(t0.plusSeconds(10), new Observation(90, 10, 1, 3, 2, 0)).desired()).isEqualTo(3);
        // a bigger breach asks +4 from the one not warming: 5, so two more
        assertThat(p.decide(t0.plusSeconds(20), new Observation(300, 10, 1, 3, 2, 0)).desired()).isEqualTo(5);
    }

    @Test
    void scaleInHalvesTheFleetOnceThreeQuietPeriodsPassedAndNoneWarmsUp() {
        FastBacklogPolicy p = policy();
        Observation quiet = new Observation(0, 2, 4, 4, 0, 0); // half a message per worker
        assertThat(p.decide(t0, quiet).desired()).isEqualTo(4);
        assertThat(p.decide(t0.plusSeconds(10), quiet).desired()).isEqualTo(4);
        assertThat(p.decide(t0.plusSeconds(20), new Observation(0, 2, 4, 4, 1, 0)).desired())
                .as("quiet for 30 s, but one worker still warms up").isEqualTo(4);
        assertThat(p.decide(t0.plusSeconds(30), quiet).desired()).as("-50 %").isEqualTo(2);
        assertThat(p.decide(t0.plusSeconds(40), new Observation(0, 0, 2, 2, 0, 0)).desired()).isEqualTo(1);
        assertThat(p.decide(t0.plusSeconds(50), new Observation(0, 0, 1, 1, 0, 0)).desired()).as("the minimum")
                .isEqualTo(1);
        assertThat(p.decide(t0.plusSeconds(60), new Observation(5, 0, 1, 1, 0, 0)).desired())
                .as("a little work is no alarm either way").isEqualTo(1);
    }
}
