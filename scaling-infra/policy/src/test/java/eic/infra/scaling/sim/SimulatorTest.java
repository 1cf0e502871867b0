package eic.infra.scaling.sim;

import static org.assertj.core.api.Assertions.assertThat;

import eic.infra.scaling.CapacityDecider;
import eic.infra.scaling.ScalingPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private final SimulationCommand.Scenario burst = SimulationCommand.scenarios().get(0);

    @Test
    void theOriginalPolicyStepsAsItsTableSaysOnTheSeedsBurst() {
        Simulator.Result r = Simulator.run(burst.arrivals(),
                CapacityDecider.steps(ScalingPolicy.original(1, 20, Duration.ofSeconds(60))), burst.model());
        Simulator.Sample first = r.samples().get(0);
        assertThat(first.visible()).as("the first worker took a batch of 10").isEqualTo(90);
        assertThat(first.inFlight()).isEqualTo(10);
        assertThat(first.desired()).as("q=90, i=1: m=89 -> +20, clipped to 20").isEqualTo(20);
        assertThat(r.samples().get(r.samples().size() - 1).desired()).as("q=0: back to min").isEqualTo(1);
        assertThat(r.maxWorkers()).isEqualTo(20);
        assertThat(r.completionSeconds()).isBetween(60.0, 80.0);
    }

    @Test
    void everyRequestCompletesAndLatencyIsConsistent() {
        for (CapacityDecider policy : SimulationCommand.policies(burst)) {
            Simulator.Result r = Simulator.run(burst.arrivals(), policy, burst.model());
            assertThat(r.p50()).isLessThanOrEqualTo(r.p95());
            assertThat(r.p95()).isLessThanOrEqualTo(r.completionSeconds() + 1e-9);
            assertThat(r.instanceMinutes()).isPositive();
        }
    }

    @Test
    void theBacklogPolicyFinishesTheBurstAsSoonForAFractionOfTheInstanceMinutes() {
        var policies = SimulationCommand.policies(burst);
        Simulator.Result original = Simulator.run(burst.arrivals(), policies.get(0), burst.model());
        Simulator.Result backlog = Simulator.run(burst.arrivals(), policies.get(1), burst.model());
        assertThat(backlog.completionSeconds()).isLessThanOrEqualTo(original.completionSeconds() * 1.05);
        assertThat(backlog.instanceMinutes()).isLessThan(original.instanceMinutes() / 2);
    }

    @Test
    void thePlotIsAnSvgWithOneLinePerSeries() {
        Simulator.Result r = Simulator.run(burst.arrivals(), SimulationCommand.policies(burst).get(0), burst.model());
        String svg = SvgPlot.render(r, "burst <test>");
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("burst &lt;test>");
        assertThat(svg.split("<polyline", -1)).hasSize(4);
    }
}
