package eic.infra.scaling.sim;

import eic.infra.scaling.BacklogPolicy;
import eic.infra.scaling.CapacityDecider;
import eic.infra.scaling.FastBacklogPolicy;
import eic.infra.scaling.IdleStopPolicy;
import eic.infra.scaling.ScalingPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code scaling-infra simulate [OUT_DIR]}: the step policy on q - i, the idle-stop policy,
 * the backlog policy and the stack's fast backlog signal, with and without a
 * warm pool, on the seeds' 100-image burst and on a ramp, in two worlds: AWS with its
 * delays, and this machine's local fleet with its measured ones.
 */
public final class SimulationCommand {
    private SimulationCommand() {
    }

    /**
     * AWS as the stack runs there. Assumed, not measured (nothing here reaches AWS): an
     * instance launched from the AMI is in service 60 s later (the seeds' boot time: EC2
     * start, boot, the worker's JVM and model load, the ready hook); a stopped warm-pool
     * instance 30 s after its start (no first-boot work, the model already on its volume);
     * 10 s to stop or terminate. The seeds' 1 s per image, batches of 10, each instance its
     * own CPU; the stack's 10 s default instance warm-up (in service already means the model
     * is loaded); scale-in protection while busy; EC2's 60 s minimum per launch or start.
     */
    public static final Simulator.World AWS = new Simulator.World("aws", Duration.ofSeconds(60),
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(1), 10, 0, ScalingPolicy.GROUP_INSTANCE_WARMUP,
            true, Duration.ofSeconds(60), Duration.ZERO, Duration.ofMillis(100));

    /**
     * This 2-core machine (elasticity.md, {@code scripts/elasticity.sh}): a worker JVM started
     * during a burst is in service 5.5 s later (9.2 s to the added worker without the pool,
     * 3.7 s with it: the difference is the JVM start); a parked one in 50 ms; 30 ms per
     * image with one core for the workers (the web tier and the queue use the other; a
     * second worker adds no throughput, as measured); busy workers drain on scale-in; the
     * pool refilled after 10 s without a scale-out.
     */
    public static final Simulator.World LOCAL = new Simulator.World("local", Duration.ofMillis(5500),
            Duration.ofMillis(50), Duration.ZERO, Duration.ofMillis(30), 10, 1, Duration.ZERO, false, Duration.ZERO,
            Duration.ofSeconds(10), Duration.ofMillis(10));

    /** Alarms on SQS's one-minute metrics: a decision each minute on the minute before. */
    static final Simulator.Signal ONE_MINUTE_METRICS = new Simulator.Signal(Duration.ofSeconds(60),
            Duration.ofSeconds(60), Duration.ofSeconds(30));
    /**
     * The web tier's high-resolution backlog (read every second, published at once on a jump),
     * alarms with a 10 s period: 3 s from the queue to the alarm assumed; the first evaluation
     * after the burst is 10 s after it here (a burst that lands within 3 s of an evaluation
     * waits for the next: 13 s).
     */
    static final Simulator.Signal TEN_SECOND_METRIC = new Simulator.Signal(FastBacklogPolicy.PERIOD,
            Duration.ofSeconds(3), FastBacklogPolicy.PERIOD);
    /** The idle-stop policy asks the queue itself (every 10 s assumed): no metric lag. */
    static final Simulator.Signal QUEUE_POLLED = new Simulator.Signal(Duration.ofSeconds(10), Duration.ZERO,
            Duration.ofSeconds(5));
    /** The local fleet controller: the queue every second. */
    static final Simulator.Signal LOCAL_PERIOD = new Simulator.Signal(Duration.ofSeconds(1), Duration.ZERO,
            Duration.ofMillis(500));

    static final int AWS_MAX = 20;
    static final int AWS_WARM_POOL = 2;
    static final int LOCAL_MAX = 2;
    static final int LOCAL_WARM_POOL = 1;

    /** One line of the table: a policy in a world on a workload, with or without a warm pool. */
    public record Case(String world, String workload, double[] arrivals, String policy, String pool,
                       Supplier<CapacityDecider> decider, Simulator.Setup setup) {
        public String name() {
            return world + "-" + workload + "-" + policy + ("none".equals(pool) || pool.startsWith("own") ? "" : "-pool");
        }
    }

    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String workload : List.of("burst-100", "ramp")) {
            double[] aws = workload.equals("burst-100") ? Simulator.burst(100) : Simulator.ramp(2, 300);
            for (int pool : List.of(0, AWS_WARM_POOL)) {
                cases.add(aws("seed-000", workload, aws, pool, () -> CapacityDecider.steps(
                        ScalingPolicy.original(1, AWS_MAX, Duration.ofSeconds(60))
                                .withTiming(Duration.ofSeconds(60), AWS.warmup(), Duration.ZERO)),
                        ONE_MINUTE_METRICS));
                cases.add(aws("backlog", workload, aws, pool, () -> new BacklogPolicy(1, AWS_MAX, AWS.serviceTime(),
                        AWS.coldStart(), Duration.ofSeconds(10), AWS.batch(), 2), ONE_MINUTE_METRICS));
                cases.add(aws("fast-backlog", workload, aws, pool, () -> new FastBacklogPolicy(1, AWS_MAX, 20,
                        AWS.warmup()), TEN_SECOND_METRIC));
            }
            // The idle-stop policy keeps its own stopped instances: its design is a warm pool without the managed engine.
            cases.add(new Case("aws", workload, aws, "seed-001", "own stopped", IdleStopPolicy::seed,
                    new Simulator.Setup(AWS, QUEUE_POLLED, 1, 0)));

            double[] local = workload.equals("burst-100") ? Simulator.burst(100) : Simulator.ramp(60, 20);
            for (int pool : List.of(0, LOCAL_WARM_POOL)) {
                cases.add(local("seed-000", workload, local, pool, () -> CapacityDecider.steps(
                        ScalingPolicy.original(1, LOCAL_MAX, LOCAL_PERIOD.period()))));
                cases.add(local("backlog", workload, local, pool, () -> new BacklogPolicy(1, LOCAL_MAX,
                        LOCAL.serviceTime(), LOCAL.coldStart(), Duration.ofSeconds(1), LOCAL.batch(), 2)));
            }
            cases.add(new Case("local", workload, local, "seed-001", "own stopped", () -> new IdleStopPolicy(
                    LOCAL_MAX, 1, IdleStopPolicy.SEED_IDLE_STOP, IdleStopPolicy.SEED_REAP_EVERY),
                    new Simulator.Setup(LOCAL, LOCAL_PERIOD, 1, 0)));
        }
        return cases;
    }

    private static Case aws(String policy, String workload, double[] arrivals, int pool,
                            Supplier<CapacityDecider> decider, Simulator.Signal signal) {
        return new Case("aws", workload, arrivals, policy, pool == 0 ? "none" : pool + " stopped", decider,
                new Simulator.Setup(AWS, signal, 1, pool));
    }

    private static Case local(String policy, String workload, double[] arrivals, int pool,
                              Supplier<CapacityDecider> decider) {
        return new Case("local", workload, arrivals, policy, pool == 0 ? "none" : pool + " parked", decider,
                new Simulator.Setup(LOCAL, LOCAL_PERIOD, 1, pool));
    }

    public static Simulator.Result run(Case c) {
        return Simulator.run(c.arrivals(), c.decider().get(), c.setup());
    }

    public static void run(Path outDir, PrintStream out) throws IOException {
        Files.createDirectories(outDir);
        out.println("| world | workload | policy | warm pool | first decision (s) | added worker in service (s) "
                + "| completion (s) | p50 (s) | p95 (s) | instance-minutes | max running | at rest after (s) |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Case c : cases()) {
            Simulator.Result r = run(c);
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.1f | %.1f | %.1f | %.1f | %d | %s |%n",
                    c.world(), c.workload(), c.policy(), c.pool(), seconds(r.firstDecision()),
                    seconds(r.firstAddedInService()), r.completionSeconds(), r.p50(), r.p95(), r.instanceMinutes(),
                    r.maxWorkers(), seconds(r.restSeconds()));
            Files.writeString(outDir.resolve(c.name() + ".svg"), SvgPlot.render(r, c.name() + ": " + r.policy()));
        }
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f", s);
    }
}
