package eic.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The stack's {@code fast-backlog} option as data, and as a decider for the simulator: the
 * web tier publishes the backlog per worker in service, (visible + in flight) / max(1, i),
 * every {@link #PERIOD} at high resolution; one alarm adds workers in steps
 * ({@link #SCALE_OUT}, bounds relative to the target backlog per worker), another takes a
 * share of them away ({@link #SCALE_IN_PERCENT}) once the backlog per worker has stayed
 * under {@link #SCALE_IN_BELOW} for {@link #SCALE_IN_PERIODS} periods. The group applies
 * both as step scaling does, with the instance warm-up ({@link ScalingEngine}).
 */
public final class FastBacklogPolicy implements CapacityDecider {
    public static final Duration PERIOD = Duration.ofSeconds(10);
    /**
     * Above the target: +1 within 40 messages per worker of it, +2 within 120, +4 beyond. The
     * seeds' 100-image burst asks for +2, what the default warm pool holds: workers launched
     * cold would arrive after it is done (simulated, elasticity.md).
     */
    public static final List<StepAdjustment> SCALE_OUT = List.of(
            new StepAdjustment(0.0, 40.0, 1), new StepAdjustment(40.0, 120.0, 2), new StepAdjustment(120.0, null, 4));
    public static final double SCALE_IN_BELOW = 1;
    public static final int SCALE_IN_PERIODS = 3;
    public static final int SCALE_IN_PERCENT = -50;

    private final int min;
    private final int max;
    private final double target;
    private final Duration warmup;
    private final Deque<Double> datapoints = new ArrayDeque<>();

    /** @param backlogPerWorker the stack's {@code BacklogPerWorker}: the scale-out alarm's threshold */
    public FastBacklogPolicy(int min, int max, double backlogPerWorker, Duration warmup) {
        this.min = min;
        this.max = max;
        this.target = backlogPerWorker;
        this.warmup = warmup;
    }

    /** What the web tier publishes. */
    public static double metric(int visible, int inFlight, int inService) {
        return (double) (visible + inFlight) / Math.max(1, inService);
    }

    @Override
    public Decision decide(Instant now, Observation o) {
        double metric = metric(o.visible(), o.inFlight(), o.inService());
        datapoints.addLast(metric);
        while (datapoints.size() > SCALE_IN_PERIODS) {
            datapoints.removeFirst();
        }
        int desired = o.desired();
        if (metric > target) {
            int adjustment = 0;
            for (StepAdjustment step : SCALE_OUT) {
                if (step.relativeTo(-target).contains(metric, true)) {
                    adjustment = step.adjustment();
                }
            }
            // Warming instances are capacity on its way: a repeated breach adds only beyond them.
            int to = Math.max(desired, Math.min(max, desired - o.warming() + adjustment));
            return new Decision(to, to == desired ? "none (warming)" : "fast-scale-out +" + (to - desired) + " -> " + to);
        }
        boolean quiet = datapoints.size() == SCALE_IN_PERIODS
                && datapoints.stream().allMatch(m -> m < SCALE_IN_BELOW);
        // An alarm that stays in ALARM acts every period; the group waits for warm-ups before it scales in.
        if (quiet && o.warming() == 0 && desired > min) {
            // PercentChangeInCapacity rounds toward zero, at least one.
            int by = Math.max(1, desired * -SCALE_IN_PERCENT / 100);
            int to = Math.max(min, desired - by);
            return new Decision(to, "fast-scale-in -" + (desired - to) + " -> " + to);
        }
        return new Decision(desired, "none");
    }

    /** The warm-up the group applies to new instances before they count as capacity. */
    public Duration warmup() {
        return warmup;
    }

    @Override
    public int min() {
        return min;
    }

    @Override
    public String name() {
        return "fast backlog: 10 s backlog per worker, steps above " + (int) target;
    }
}
