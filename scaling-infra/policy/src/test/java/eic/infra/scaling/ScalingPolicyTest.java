package eic.infra.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScalingPolicyTest {
    private final ScalingPolicy original = ScalingPolicy.original();
    private final Instant t0 = Instant.parse("2026-11-23T12:00:00Z");

    private int decide(int q, int i, int desired) {
        return new ScalingEngine(original).evaluate(t0, q, i, desired).toDesired();
    }

    @Test
    void theOriginalStateTable() {
        assertThat(decide(100, 0, 0)).as("q=100, i=0 -> 20 workers").isEqualTo(20);
        assertThat(decide(1, 0, 0)).as("a single message wakes one worker").isEqualTo(1);
        for (int q = 21; q < 100; q += 13) {
            assertThat(decide(q, 20, 20)).as("20 < q=%d < 100 at max: no change", q).isEqualTo(20);
        }
        assertThat(decide(10, 20, 20)).as("q=10 < 20 with i=20: scale in by 10").isEqualTo(10);
        assertThat(decide(19, 20, 20)).as("q=19, m=-1: no alarm").isEqualTo(20);
        assertThat(decide(0, 20, 20)).as("q=0: back to min").isEqualTo(1);
        assertThat(decide(0, 1, 1)).as("q=0 at min: m=-1, no alarm").isEqualTo(1);
        assertThat(decide(0, 2, 2)).as("q=0, i=2").isEqualTo(1);
    }

    @ParameterizedTest(name = "m={0} -> {1}")
    @CsvSource({
        // scale-out: +1 for 0 <= m < 2 (alarm only when m > 0), +k for k <= m < k+1, +20 for m >= 20
        "0, 0", "0.5, 1", "1, 1", "1.99, 1", "2, 2", "2.5, 2", "3, 3", "10, 10", "19, 19", "19.99, 19", "20, 20",
        "500, 20",
        // scale-in: alarm when m < -1; -k for -k >= m > -(k+1), -20 for m <= -20
        "-1, 0", "-1.5, -1", "-2, -2", "-2.5, -2", "-3, -3", "-19, -19", "-19.5, -19", "-20, -20", "-300, -20"})
    void everyStepBoundary(double metric, int expected) {
        StepPolicy alarm = original.scaleOut().breaches(metric) ? original.scaleOut()
                : original.scaleIn().breaches(metric) ? original.scaleIn() : null;
        int adjustment = alarm == null ? 0 : alarm.adjustment(metric);
        assertThat(adjustment).isEqualTo(expected);
    }

    @Test
    void theNewDesiredCountIsClippedToTheBounds() {
        ScalingPolicy local = original.withBounds(1, 4);
        ScalingEngine engine = new ScalingEngine(local);
        assertThat(engine.evaluate(t0, 50, 1, 1).toDesired()).isEqualTo(4);
        assertThat(engine.evaluate(t0.plusSeconds(60), 0, 4, 4).toDesired()).isEqualTo(1);
    }

    @Test
    void datapointsToAlarmAndCooldownAreHonouredOnTheClock() {
        ScalingPolicy slow = new ScalingPolicy(1, 20, original.scaleOut(), original.scaleIn(), Duration.ofMinutes(1),
                3, 2, Duration.ZERO, Duration.ofMinutes(5));
        ScalingEngine engine = new ScalingEngine(slow);
        assertThat(engine.evaluate(t0, 5, 1, 1).changed()).as("1 of 2 needed breaching datapoints").isFalse();
        ScalingEngine.Decision second = engine.evaluate(t0.plusSeconds(60), 5, 1, 1);
        assertThat(second.toDesired()).as("2 of 3 breaching: m=4 -> +4").isEqualTo(5);
        assertThat(engine.evaluate(t0.plusSeconds(120), 30, 5, 5).changed()).as("inside the cooldown").isFalse();
        assertThat(engine.evaluate(t0.plusSeconds(120 + 300), 30, 5, 5).toDesired()).as("after it").isEqualTo(20);
    }

    @Test
    void withAWarmUpWarmingInstancesAreCapacityOnItsWayAndScaleInWaitsForThem() {
        ScalingEngine engine = new ScalingEngine(original.withTiming(Duration.ofMinutes(1), Duration.ofSeconds(60),
                Duration.ZERO));
        // q=5, i=1: m=4 -> +4 from the 1 warmed up -> 5
        assertThat(engine.evaluate(t0, 4.0, 1, 0).toDesired()).isEqualTo(5);
        // a minute later the 4 still boot: the same breach asks 1 + 4 = 5, what is coming; nothing added
        assertThat(engine.evaluate(t0.plusSeconds(60), 4.0, 5, 4).toDesired()).isEqualTo(5);
        // a larger one (m=6 -> +6) adds only the difference: 1 + 6 = 7
        assertThat(engine.evaluate(t0.plusSeconds(120), 6.0, 5, 4).toDesired()).isEqualTo(7);
        assertThat(engine.evaluate(t0.plusSeconds(180), -5.0, 7, 2).toDesired()).as("no scale-in while warming")
                .isEqualTo(7);
        assertThat(engine.evaluate(t0.plusSeconds(240), -5.0, 7, 0).toDesired()).isEqualTo(2);
    }
}
