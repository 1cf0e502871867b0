package eic.infra.scaling.sim;

import static org.assertj.core.api.Assertions.assertThat;

import eic.infra.scaling.CapacityDecider;
import eic.infra.scaling.IdleStopPolicy;
import eic.infra.scaling.ScalingPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static SimulationCommand.Case find(String world, String workload, String policy, boolean pool) {
        return SimulationCommand.cases().stream().filter(c -> c.world().equals(world)
                && c.workload().equals(workload) && c.policy().equals(policy)
                && pool == !c.pool().equals("none")).findFirst().orElseThrow();
    }

    private static Simulator.Result run(String world, String workload, String policy, boolean pool) {
        return SimulationCommand.run(find(world, workload, policy, pool));
    }

    @Test
    void seed000OnAwsSeesTheBurstAMinuteLateAndStepsAsItsTableSays() {
        Simulator.Result r = run("aws", "burst-100", "seed-000", false);
        assertThat(r.firstDecision()).as("one-minute metrics a minute late: the second evaluation sees the burst")
                .isEqualTo(90.0, org.assertj.core.data.Offset.offset(0.5));
        Simulator.Sample atDecision = r.samples().stream().filter(s -> s.t() >= 90.5).findFirst().orElseThrow();
        assertThat(atDecision.desired()).as("q=60 a minute earlier, i=1: m=59 -> +20, clipped to 20").isEqualTo(20);
        assertThat(r.maxWorkers()).isEqualTo(20);
        assertThat(r.firstAddedInService()).as("60 s boot after the decision").isGreaterThan(149.0);
        assertThat(r.completionSeconds()).as("the first worker alone finished before any other came")
                .isLessThan(r.firstAddedInService());
    }

    @Test
    void theFastSignalDecidesWithin20SecondsAndWithTheWarmPoolMeetsTheBurstTarget() {
        Simulator.Result r = run("aws", "burst-100", "fast-backlog", true);
        assertThat(r.firstDecision()).as("scale-out decision (target 20 s)").isLessThanOrEqualTo(20);
        assertThat(r.firstAddedInService()).as("a warm-pool start, not a launch").isLessThan(r.firstDecision() + 31);
        assertThat(r.instanceMinutes()).as("instance-minutes (target 6)").isLessThanOrEqualTo(6);
        assertThat(r.completionSeconds()).as("the 100-image burst (target 60 s; see elasticity.md)")
                .isLessThan(62);
        Simulator.Result cold = run("aws", "burst-100", "fast-backlog", false);
        assertThat(cold.completionSeconds()).as("without the pool the workers come 30 s later")
                .isGreaterThan(r.completionSeconds() + 15);
    }

    @Test
    void seed001StartsOneWorkerPerMessageUpToItsCapAndPaysForTheirIdleMinutes() {
        Simulator.Result r = run("aws", "burst-100", "seed-001", true);
        assertThat(r.firstDecision()).as("it asks the queue itself: no metric lag").isLessThan(10);
        assertThat(r.maxWorkers()).isEqualTo(IdleStopPolicy.SEED_CAP);
        assertThat(r.samples()).allSatisfy(s -> assertThat(s.running() + s.stopped())
                .as("new, running and stopped at %.0f s", s.t()).isLessThanOrEqualTo(IdleStopPolicy.SEED_CAP));
        double stoppedAt = r.samples().stream().filter(s -> s.t() > r.completionSeconds() && s.running() == 0)
                .findFirst().orElseThrow().t();
        assertThat(stoppedAt - r.completionSeconds()).as("all stop themselves 5 min after their last work")
                .isBetween(300.0, 320.0);
        assertThat(r.restSeconds()).as("then the reaper ends them").isBetween(300.0, 500.0);
        assertThat(r.instanceMinutes()).as("19 instances idle for 5 minutes").isGreaterThan(90);
    }

    @Test
    void stoppedWorkersAreStartedAgainBeforeNewOnesAndTheReaperEndsTheRest() {
        // 14 at once: the worker in service takes 10, the controller sees 4 and wants 4 workers; all idle-stop
        // after a minute (and 10 s to stop); 4 more at 150 s start them again; the reaper (every 1000 s) ends them
        double[] arrivals = new double[18];
        for (int i = 14; i < 18; i++) {
            arrivals[i] = 150;
        }
        Simulator.Setup setup = new Simulator.Setup(SimulationCommand.AWS, SimulationCommand.QUEUE_POLLED, 1, 0);
        Simulator.Result r = Simulator.run(arrivals, new IdleStopPolicy(19, 1, Duration.ofSeconds(60),
                Duration.ofSeconds(1000)), setup);
        List<Simulator.Sample> s = r.samples();
        assertThat(s.stream().filter(x -> x.t() > 146 && x.t() < 150).mapToInt(Simulator.Sample::stopped).min()
                .orElseThrow()).as("all four stopped after a minute idle").isEqualTo(4);
        assertThat(s.stream().filter(x -> x.t() > 146 && x.t() < 150).mapToInt(Simulator.Sample::running).max()
                .orElseThrow()).isZero();
        Simulator.Sample second = s.stream().filter(x -> x.t() >= 190).findFirst().orElseThrow();
        assertThat(second.stopped()).as("the second burst started them again, no new ones").isZero();
        assertThat(second.running()).isEqualTo(4);
        assertThat(r.maxWorkers()).isEqualTo(4);
        assertThat(r.completionSeconds() + r.restSeconds()).as("at rest once the reaper ended them (at 1005 s)")
                .isEqualTo(1005.0, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void locallyTheParkedWorkerIsInServiceWithin3SecondsAndTheFleetRestsWithin30() {
        for (String policy : List.of("seed-000", "backlog")) {
            Simulator.Result r = run("local", "burst-100", policy, true);
            assertThat(r.firstAddedInService()).as(policy).isLessThan(3);
            assertThat(r.restSeconds()).as(policy).isLessThan(30);
            assertThat(r.firstAddedInService()).as("a JVM start takes longer")
                    .isLessThan(run("local", "ramp", policy, false).firstAddedInService());
        }
    }

    @Test
    void everyCaseAnswersEveryRequestWithConsistentFigures() {
        for (SimulationCommand.Case c : SimulationCommand.cases()) {
            Simulator.Result r = SimulationCommand.run(c);
            assertThat(r.p50()).as(c.name()).isLessThanOrEqualTo(r.p95());
            assertThat(r.p95()).as(c.name()).isLessThanOrEqualTo(r.completionSeconds() + 1e-9);
            assertThat(r.instanceMinutes()).as(c.name()).isPositive();
            assertThat(r.restSeconds()).as(c.name() + " comes to rest").isNotNaN();
        }
    }

    @Test
    void withoutLagOrWarmUpTheOriginalStepsFromTheFirstDatapoint() {
        Simulator.Setup setup = new Simulator.Setup(SimulationCommand.LOCAL, SimulationCommand.LOCAL_PERIOD, 1, 0);
        Simulator.Result r = Simulator.run(Simulator.burst(100),
                CapacityDecider.steps(ScalingPolicy.original(1, 20, Duration.ofSeconds(1))), setup);
        assertThat(r.samples().stream().filter(s -> s.t() >= 0.5).findFirst().orElseThrow().desired())
                .as("q=90, i=1: m=89 -> +20").isEqualTo(20);
        assertThat(r.firstDecision()).isEqualTo(0.5, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void thePlotIsAnSvgWithOneLinePerSeries() {
        Simulator.Result r = run("aws", "burst-100", "seed-000", false);
        String svg = SvgPlot.render(r, "burst <test>");
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("burst &lt;test>");
        assertThat(svg.split("<polyline", -1)).hasSize(5);
    }
}
