package eic.infra.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BacklogPolicyTest {
    private final Instant t0 = Instant.parse("2026-11-23T12:00:00Z");

    private BacklogPolicy ec2() {
        // 1 s per image, 60 s boot, drain what is left within 10 s, batches of 10, 2 quiet periods
        return new BacklogPolicy(1, 20, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(10), 10, 2);
    }

    @Test
    void sizesForTheWorkLeftAfterABootTime() {
        // 100 s of work; the one worker does 60 s of it before a new one is ready: 40 s left / 10 s -> 4
        assertThat(ec2().decide(t0, 90, 10, 1, 1).desired()).isEqualTo(4);
        // work that the workers in service finish within a boot time needs nobody new
        assertThat(ec2().decide(t0, 30, 10, 1, 1).desired()).isEqualTo(1);
    }

    @Test
    void neverScalesInWhileThereIsWorkAndReturnsToMinAfterQuietPeriods() {
        BacklogPolicy policy = ec2();
        assertThat(policy.decide(t0, 0, 5, 6, 6).desired()).as("in flight is work").isEqualTo(6);
        assertThat(policy.decide(t0.plusSeconds(60), 0, 0, 6, 6).desired()).as("first quiet period").isEqualTo(6);
        assertThat(policy.decide(t0.plusSeconds(120), 0, 0, 6, 6).desired()).as("second: back to min").isEqualTo(1);
    }

    @Test
    void keepsWorkersForTheEstimatedArrivalRate() {
        BacklogPolicy policy = ec2();
        policy.decide(t0, 0, 10, 1, 1);
        // backlog grew by 60 in 60 s while one busy worker completed 60: ~2 arrivals/s -> 2 steady workers
        int desired = policy.decide(t0.plusSeconds(60), 60, 10, 1, 1).desired();
        assertThat(desired).isGreaterThanOrEqualTo(2);
    }
}
