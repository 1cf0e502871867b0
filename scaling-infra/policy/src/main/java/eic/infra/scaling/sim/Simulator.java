package eic.infra.scaling.sim;

import eic.infra.scaling.CapacityDecider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Replays arrival times against a {@link CapacityDecider} on a virtual clock, in a
 * {@link World} that has the delays of where the fleet runs: a launched worker boots and
 * loads its model ({@code coldStart}), a stopped one starts faster ({@code warmStart}); in
 * service, it receives up to {@code batch} visible messages at once and works through them
 * at {@code serviceTime} each (slower when more workers are busy than there are cores); a
 * worker chosen for scale-in finishes what it holds first (the drain hook), then stops into
 * the warm pool if the pool has room, else terminates. The policy decides every
 * {@link Signal#period} on what the queue showed {@link Signal#lag} earlier (one-minute
 * CloudWatch metrics arrive a minute late; a controller that asks the queue sees it now).
 * Instance time is billed from launch or start to stop or end, with the world's minimum.
 * The run goes on after the last answer until the fleet is at rest, so what a policy keeps
 * running after the work is done is counted.
 */
public final class Simulator {

    /**
     * Where the fleet runs.
     *
     * @param coldStart      launch to in service: boot, JVM and model load, the ready hook
     * @param warmStart      a stopped (warm-pool) worker to in service
     * @param stopTime       draining done to stopped or terminated (billed)
     * @param cores          the machine's cores that all workers share, 0 when each worker has its own
     * @param warmup         the group's instance warm-up (AWS: the stack's DefaultInstanceWarmup)
     * @param protectBusy    scale-in takes only idle workers (scale-in protection), else busy ones drain
     * @param minimumBilling each launch or start is billed at least this long (EC2: 60 s)
     * @param refillAfter    a warm pool is refilled once no scale-out happened for this long
     */
    public record World(String name, Duration coldStart, Duration warmStart, Duration stopTime,
                        Duration serviceTime, int batch, int cores, Duration warmup, boolean protectBusy,
                        Duration minimumBilling, Duration refillAfter, Duration tick) {
    }

    /** How the policy sees the queue: a decision every {@code period}, first at {@code phase}, on data {@code lag} old. */
    public record Signal(Duration period, Duration lag, Duration phase) {
    }

    /** A world, a signal, the workers in service at the start and the warm pool's size (0: none). */
    public record Setup(World world, Signal signal, int initialWorkers, int warmPool) {
    }

    public record Sample(double t, int visible, int inFlight, int inService, int running, int desired, int stopped) {
    }

    /**
     * @param firstDecision       seconds from the first arrival to the first decision that added a worker
     * @param firstAddedInService seconds from the first arrival until a worker added after it was in service
     * @param restSeconds         after the last answer, until the fleet was back at rest (NaN: not within 2 h)
     */
    public record Result(String policy, double completionSeconds, double p50, double p95, double instanceMinutes,
                         int maxWorkers, double firstDecision, double firstAddedInService, double restSeconds,
                         List<Sample> samples) {
    }

    private enum State { BOOTING, STARTING, IN_SERVICE, DRAINING, STOPPING, TERMINATING, POOL_INIT, STOPPED }

    private static final class Worker {
        State state;
        double until;
        double runSince;
        double inServiceAt = Double.NaN;
        double idleSince;
        double busyUntil;
        boolean added;
        final Deque<Double> held = new ArrayDeque<>(); // arrival times of the held messages

        Worker(State state, double t) {
            this.state = state;
            this.runSince = t;
        }

        boolean active() {
            return state == State.BOOTING || state == State.STARTING || state == State.IN_SERVICE;
        }

        boolean running() {
            return state != State.STOPPED;
        }
    }

    private record Snapshot(int visible, int inFlight, int inService) {
    }

    private final double tick;
    private final World world;
    private final Setup setup;
    private final CapacityDecider decider;
    private final List<Worker> workers = new ArrayList<>();
    private final Deque<Double> queue = new ArrayDeque<>();
    private final List<Snapshot> history = new ArrayList<>();
    private final List<Double> latencies = new ArrayList<>();
    private double instanceSeconds;
    private double t;
    private int desired;
    private double lastScaleOut = Double.NEGATIVE_INFINITY;
    private double firstDecision = Double.NaN;
    private double firstAdded = Double.NaN;

    private Simulator(Setup setup, CapacityDecider decider) {
        this.setup = setup;
        this.world = setup.world();
        this.decider = decider;
        this.tick = seconds(world.tick());
    }

    public static Result run(double[] arrivals, CapacityDecider decider, Setup setup) {
        return new Simulator(setup, decider).run(arrivals);
    }

    private Result run(double[] arrivals) {
        double[] sorted = arrivals.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < setup.initialWorkers(); i++) {
            Worker w = new Worker(State.IN_SERVICE, 0);
            w.inServiceAt = -seconds(world.warmup()); // warmed up long ago
            workers.add(w);
        }
        for (int i = 0; i < setup.warmPool(); i++) {
            workers.add(new Worker(State.STOPPED, 0));
        }
        desired = setup.initialWorkers();
        Instant epoch = Instant.parse("2026-01-01T00:00:00Z");
        Optional<Double> idleStop = decider.workerIdleStop().map(Simulator::seconds);
        double period = seconds(setup.signal().period());
        double nextDecision = seconds(setup.signal().phase());
        int lagTicks = (int) Math.round(seconds(setup.signal().lag()) / tick);
        List<Sample> samples = new ArrayList<>();
        long samplingTicks = Math.max(1, Math.round((tick >= 0.05 ? 1.0 : 0.1) / tick));
        int next = 0;
        int maxWorkers = 0;
        double done = 0;
        double restAt = Double.NaN;
        long ticks = 0;
        while (true) {
            while (next < sorted.length && sorted[next] <= t) {
                queue.addLast(sorted[next++]);
            }
            for (Worker w : workers) {
                advance(w);
                if (w.state == State.IN_SERVICE && idleStop.isPresent() && w.held.isEmpty()
                        && t - w.idleSince >= idleStop.get()) {
                    // idle stop: an idle worker stops its own instance; the fleet is one smaller
                    w.state = State.STOPPING;
                    w.until = t + seconds(world.stopTime());
                    desired = Math.max(0, desired - 1);
                }
                if (w.state == State.IN_SERVICE && w.held.isEmpty() && !queue.isEmpty()) {
                    take(w);
                }
            }
            workers.removeIf(w -> w.state == null);
            for (Worker w : workers) {
                if (!w.held.isEmpty() && t >= w.busyUntil) {
                    w.held.forEach(arrival -> latencies.add(w.busyUntil - arrival));
                    done = Math.max(done, w.busyUntil);
                    w.held.clear();
                    w.idleSince = w.busyUntil;
                }
            }
            shrink();
            refill();
            int inFlight = workers.stream().mapToInt(w -> w.held.size()).sum();
            int inService = count(State.IN_SERVICE);
            history.add(new Snapshot(queue.size(), inFlight, inService));
            if (t + 1e-9 >= nextDecision) {
                int seenAt = history.size() - 1 - lagTicks;
                // Before the run the queue was empty and the first workers were in service.
                Snapshot seen = seenAt < 0 ? new Snapshot(0, 0, setup.initialWorkers()) : history.get(seenAt);
                int warming = (int) workers.stream().filter(w -> w.state == State.BOOTING
                        || w.state == State.STARTING || (w.state == State.IN_SERVICE
                        && t - w.inServiceAt < seconds(world.warmup()))).count();
                CapacityDecider.Decision d = decider.decide(epoch.plusMillis(Math.round(t * 1000)),
                        new CapacityDecider.Observation(seen.visible(), seen.inFlight(), seen.inService(), desired,
                                warming, count(State.STOPPED)));
                apply(d, sorted.length > 0 ? sorted[0] : 0);
                nextDecision += period;
            }
            if (ticks++ % samplingTicks == 0) {
                samples.add(new Sample(t, queue.size(), inFlight, inService,
                        (int) workers.stream().filter(Worker::running).count(), desired, count(State.STOPPED)));
            }
            maxWorkers = Math.max(maxWorkers, (int) workers.stream().filter(Worker::running).count());
            boolean allAnswered = latencies.size() == sorted.length;
            if (allAnswered && atRest()) {
                restAt = t;
                break;
            }
            if (allAnswered && t > done + 7200) {
                break;
            }
            if (t > 24 * 3600) {
                throw new IllegalStateException("simulation did not finish within a day");
            }
            t = ticks * tick; // not a running sum: no drift over hours of virtual time
        }
        for (Worker w : workers) {
            if (w.running()) {
                bill(w);
            }
        }
        double[] l = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double first = sorted.length > 0 ? sorted[0] : 0;
        return new Result(decider.name(), done, percentile(l, 0.50), percentile(l, 0.95), instanceSeconds / 60,
                maxWorkers, firstDecision, firstAdded - first, restAt - done, samples);
    }

    /** Timed transitions. */
    private void advance(Worker w) {
        if (t < w.until) {
            return;
        }
        switch (w.state) {
            case BOOTING, STARTING -> {
                w.state = State.IN_SERVICE;
                w.inServiceAt = t;
                w.idleSince = t;
                if (w.added && Double.isNaN(firstAdded)) {
                    firstAdded = t;
                }
            }
            case POOL_INIT -> {
                w.state = State.STOPPING;
                w.until = t + seconds(world.stopTime());
            }
            case DRAINING -> {
                if (w.held.isEmpty()) {
                    leave(w);
                }
            }
            case STOPPING -> {
                bill(w);
                w.state = State.STOPPED;
            }
            case TERMINATING -> {
                bill(w);
                w.state = null; // gone; removed after this pass
            }
            default -> {
            }
        }
    }

    private void take(Worker w) {
        while (w.held.size() < world.batch() && !queue.isEmpty()) {
            w.held.addLast(queue.pollFirst());
        }
        long busy = workers.stream().filter(x -> !x.held.isEmpty()).count();
        // More busy workers than cores share them: each goes as much slower (set when a batch starts).
        double slowdown = world.cores() == 0 ? 1 : Math.max(1.0, (double) busy / world.cores());
        w.busyUntil = t + seconds(world.serviceTime()) * w.held.size() * slowdown;
    }

    /** Scale-in: booting workers first, then idle ones, newest first; busy ones drain unless protected. */
    private void shrink() {
        while (workers.stream().filter(Worker::active).count() > desired) {
            Worker chosen = workers.stream().filter(Worker::active)
                    .filter(w -> !world.protectBusy() || w.held.isEmpty())
                    .max(Comparator.comparing((Worker w) -> w.state != State.IN_SERVICE)
                            .thenComparing(w -> w.held.isEmpty())
                            .thenComparingDouble(w -> w.runSince))
                    .orElse(null);
            if (chosen == null) {
                return; // every worker is busy and protected: the group waits for one to go idle
            }
            if (chosen.held.isEmpty()) {
                leave(chosen);
            } else {
                chosen.state = State.DRAINING;
            }
        }
    }

    /** Drained: into the warm pool if it has room, else terminated. */
    private void leave(Worker w) {
        w.state = pooled() < poolTarget() ? State.STOPPING : State.TERMINATING;
        w.until = t + seconds(world.stopTime());
    }

    /** In the pool, or on the way into it. */
    private long pooled() {
        return workers.stream().filter(x -> x.state == State.STOPPED || x.state == State.POOL_INIT
                || x.state == State.STOPPING).count();
    }

    /**
     * The pool's prepared capacity is the resting fleet plus the pool: while the fleet is
     * larger, its workers are the pool's (they return to it on scale-in), so a burst does not
     * launch replacements for the pool at the same time as it launches workers.
     */
    private long poolTarget() {
        return setup.warmPool() == 0 ? 0 : Math.max(0, decider.min() + setup.warmPool() - desired);
    }

    /** The pool is kept at its size once the fleet has not grown for a while. */
    private void refill() {
        if (pooled() < poolTarget() && t - lastScaleOut >= seconds(world.refillAfter())) {
            Worker w = new Worker(State.POOL_INIT, t);
            w.until = t + seconds(world.coldStart());
            workers.add(w);
        }
    }

    private void apply(CapacityDecider.Decision d, double firstArrival) {
        int active = (int) workers.stream().filter(Worker::active).count();
        if (d.desired() > desired && Double.isNaN(firstDecision) && t >= firstArrival) {
            firstDecision = t - firstArrival;
        }
        desired = d.desired();
        while (active < desired) {
            Worker stopped = workers.stream().filter(w -> w.state == State.STOPPED).findFirst().orElse(null);
            Worker w;
            if (stopped != null) {
                w = stopped;
                w.state = State.STARTING;
                w.runSince = t;
                w.until = t + seconds(world.warmStart());
            } else {
                w = new Worker(State.BOOTING, t);
                w.until = t + seconds(world.coldStart());
                workers.add(w);
            }
            w.added = true;
            w.inServiceAt = Double.NaN;
            lastScaleOut = t;
            active++;
        }
        if (d.terminateStopped()) {
            workers.removeIf(w -> w.state == State.STOPPED);
        }
    }

    /** Nothing to do, nothing on its way, the resting size, and stopped workers beyond the pool's reaped. */
    private boolean atRest() {
        return queue.isEmpty() && desired <= decider.min() && count(State.STOPPED) <= setup.warmPool()
                && workers.stream().allMatch(w -> w.held.isEmpty()
                && (w.state == State.IN_SERVICE || w.state == State.STOPPED))
                && workers.stream().filter(Worker::active).count() == desired;
    }

    private void bill(Worker w) {
        instanceSeconds += Math.max(seconds(world.minimumBilling()), t - w.runSince);
    }

    private int count(State state) {
        return (int) workers.stream().filter(w -> w.state == state).count();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** n arrivals at t = 0. */
    public static double[] burst(int n) {
        return new double[n];
    }

    /** A rate rising linearly from 0 to {@code peakPerSecond} over {@code seconds}. */
    public static double[] ramp(double peakPerSecond, double seconds) {
        List<Double> times = new ArrayList<>();
        double t = 0;
        while (t < seconds) {
            double rate = Math.max(Math.max(0.05, peakPerSecond / 40), peakPerSecond * t / seconds);
            t += 1 / rate;
            if (t < seconds) {
                times.add(t);
            }
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
