package eic.infra.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import eic.infra.scaling.CapacityDecider.Decision;
import eic.infra.scaling.CapacityDecider.Observation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Seed 001's controller on a fake clock: its state table, its cap, its reaper. */
class IdleStopPolicyTest {
    private final Instant t0 = Instant.parse("2026-11-26T12:00:00Z");

    private static Observation seen(int visible, int running, int stopped) {
        return new Observation(visible, 0, running, running, 0, stopped);
    }

    @ParameterizedTest(name = "q={0}, running={1}, stopped={2} -> {3} running: start {4}, launch {5}")
    @CsvSource({
        // the seed's table: 10, 30 and 100 requests on one idle worker, nothing stopped
        "10, 1, 0, 10, 0, 9",
        "30, 1, 0, 19, 0, 18",
        "100, 1, 0, 19, 0, 18",
        // stopped workers are started before new ones are launched
        "10, 1, 4, 10, 4, 5",
        "30, 1, 5, 19, 5, 13",
        "100, 10, 9, 19, 9, 0",
        // the cap of 19 counts new, running and stopped: with 15 stopped only 3 can be launched
        "100, 1, 15, 19, 15, 3",
        "3, 1, 15, 3, 2, 0",
        // no more wanted than running: nothing; the controller never lowers the count (workers stop themselves)
        "1, 1, 0, 1, 0, 0",
        "0, 6, 2, 6, 0, 0",
        "0, 0, 0, 0, 0, 0",
        // all workers stopped: one message starts one
        "1, 0, 3, 1, 1, 0"})
    void theStateTable(int visible, int running, int stopped, int expected, int starts, int launches) {
        Decision d = IdleStopPolicy.seed().decide(t0, seen(visible, running, stopped));
        assertThat(d.desired()).isEqualTo(expected);
        assertThat(Math.min(d.desired() - running, stopped)).as("started").isEqualTo(starts);
        assertThat(d.desired() - running - starts).as("launched").isEqualTo(launches);
        assertThat(d.desired() + stopped - starts).as("never more than 19 in all").isLessThanOrEqualTo(19);
        if (expected > running) {
            assertThat(d.action()).isEqualTo("start " + starts + " stopped, launch " + launches + " -> " + expected);
        }
        assertThat(d.terminateStopped()).as("no reaping before its first period is over").isFalse();
    }

    @Test
    void theReaperEndsTheStoppedWorkersEveryThreeMinutesButNotThoseItStarts() {
        IdleStopPolicy policy = IdleStopPolicy.seed();
        assertThat(policy.decide(t0, seen(0, 2, 3)).terminateStopped()).as("t=0: the reaper's clock starts").isFalse();
        assertThat(policy.decide(t0.plusSeconds(179), seen(0, 2, 3)).terminateStopped()).isFalse();
        Decision reaped = policy.decide(t0.plusSeconds(180), seen(0, 2, 3));
        assertThat(reaped.terminateStopped()).as("t=3 min").isTrue();
        assertThat(reaped.desired()).isEqualTo(2);
        assertThat(reaped.action()).isEqualTo("reap 3 stopped");
        assertThat(policy.decide(t0.plusSeconds(200), seen(0, 2, 2)).terminateStopped()).as("next at 6 min")
                .isFalse();
        Decision both = policy.decide(t0.plusSeconds(360), seen(1, 2, 2));
        assertThat(both.terminateStopped()).isTrue();
        assertThat(both.action()).as("q=1 with 2 running needs none of them").isEqualTo("reap 2 stopped");
        Decision startFirst = policy.decide(t0.plusSeconds(540), seen(3, 2, 2));
        assertThat(startFirst.desired()).isEqualTo(3);
        assertThat(startFirst.action()).as("one stopped is started, the other reaped")
                .isEqualTo("start 1 stopped, launch 0 -> 3; reap 1 stopped");
        assertThat(policy.decide(t0.plusSeconds(720), seen(0, 3, 0)).terminateStopped())
                .as("nothing stopped, nothing to reap").isFalse();
    }

    @Test
    void workersStopThemselvesAfterTheIdleTimeAndTheFleetMayShrinkToNothing() {
        IdleStopPolicy policy = new IdleStopPolicy(4, 1, Duration.ofSeconds(30), Duration.ofMinutes(1));
        assertThat(policy.workerIdleStop()).contains(Duration.ofSeconds(30));
        assertThat(policy.min()).isZero();
        assertThat(policy.decide(t0, seen(50, 1, 0)).desired()).as("its own cap").isEqualTo(4);
        assertThat(IdleStopPolicy.seed().workerIdleStop()).contains(Duration.ofMinutes(5));
    }
}
