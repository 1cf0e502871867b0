package eic.infra.scaling.sim;

import eic.infra.scaling.BacklogPolicy;
import eic.infra.scaling.CapacityDecider;
import eic.infra.scaling.ScalingPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code scaling-infra simulate [OUT_DIR]}: the original policy against the backlog policy on
 * the seeds' 100-image burst and on a ramp, in two worlds: EC2 as the seeds ran it
 * (1-minute alarms, 60 s boot, 1 s per image) and this machine's local fleet.
 */
public final class SimulationCommand {
    private SimulationCommand() {
    }

    /** @param drainTarget the backlog policy's target for working off a backlog */
    public record Scenario(String name, double[] arrivals, Simulator.Model model, int max, Duration drainTarget) {
    }

    public static List<Scenario> scenarios() {
        Simulator.Model ec2 = new Simulator.Model(Duration.ofSeconds(60), Duration.ofMillis(1000), 10,
                Duration.ofSeconds(60), Duration.ofMillis(100), 1);
        Simulator.Model local = new Simulator.Model(Duration.ofSeconds(3), Duration.ofMillis(60), 10,
                Duration.ofSeconds(2), Duration.ofMillis(20), 1);
        return List.of(
                new Scenario("ec2-burst-100", Simulator.burst(100), ec2, 20, Duration.ofSeconds(10)),
                new Scenario("ec2-ramp-2per-s-300s", Simulator.ramp(2, 300), ec2, 20, Duration.ofSeconds(10)),
                new Scenario("local-burst-100", Simulator.burst(100), local, 4, Duration.ofSeconds(1)));
    }

    public static List<CapacityDecider> policies(Scenario s) {
        Simulator.Model m = s.model();
        return List.of(
                CapacityDecider.steps(ScalingPolicy.original(1, s.max(), m.period())),
                new BacklogPolicy(1, s.max(), m.serviceTime(), m.bootTime(), s.drainTarget(), m.batch(), 2));
    }

    public static void run(Path outDir, PrintStream out) throws IOException {
        Files.createDirectories(outDir);
        out.println("| scenario | policy | completion (s) | latency p50 (s) | p95 (s) | instance-minutes | max workers |");
        out.println("|---|---|---|---|---|---|---|");
        for (Scenario s : scenarios()) {
            int index = 0;
            for (CapacityDecider policy : policies(s)) {
                Simulator.Result r = Simulator.run(s.arrivals(), policy, s.model());
                String tag = index++ == 0 ? "original" : "backlog";
                out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %d |%n", s.name(), r.policy(),
                        r.completionSeconds(), r.p50(), r.p95(), r.instanceMinutes(), r.maxWorkers());
                Files.writeString(outDir.resolve(s.name() + "-" + tag + ".svg"),
                        SvgPlot.render(r, s.name() + ": " + r.policy()));
            }
        }
    }
}
