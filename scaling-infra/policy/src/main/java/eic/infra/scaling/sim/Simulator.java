package eic.infra.scaling.sim;

import eic.infra.scaling.CapacityDecider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Replays arrival times against a {@link CapacityDecider} on a virtual clock, with a model
 * of the workers: a launched worker boots for {@code bootTime}, then long-polls, receives
 * up to {@code batch} visible messages at once and works through them at
 * {@code serviceTime} each; a worker chosen for scale-in finishes what it holds first.
 */
public final class Simulator {

    public record Model(Duration bootTime, Duration serviceTime, int batch, Duration period, Duration tick,
                        int initialWorkers) {
    }

    public record Sample(double t, int visible, int inFlight, int inService, int running, int desired) {
    }

    public record Result(String policy, double completionSeconds, double p50, double p95, double instanceMinutes,
                         int maxWorkers, List<Sample> samples) {
    }

    private static final class Worker {
        double readyAt;
        double busyUntil;
        final Deque<Double> held = new ArrayDeque<>(); // arrival times of the held messages
        boolean draining;
    }

    private Simulator() {
    }

    public static Result run(double[] arrivals, CapacityDecider decider, Model model) {
        double[] sorted = arrivals.clone();
        Arrays.sort(sorted);
        double tick = model.tick().toMillis() / 1000.0;
        double period = model.period().toMillis() / 1000.0;
        double boot = model.bootTime().toMillis() / 1000.0;
        double service = model.serviceTime().toMillis() / 1000.0;
        Instant epoch = Instant.parse("2026-01-01T00:00:00Z");

        Deque<Double> queue = new ArrayDeque<>();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < model.initialWorkers(); i++) {
            Worker w = new Worker();
            w.readyAt = 0;
            workers.add(w);
        }
        int desired = model.initialWorkers();
        int next = 0;
        List<Double> latencies = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        double instanceSeconds = 0;
        int maxWorkers = workers.size();
        double nextDecision = 0;
        double t = 0;
        double done = 0;
        while (latencies.size() < sorted.length) {
            while (next < sorted.length && sorted[next] <= t) {
                queue.addLast(sorted[next++]);
            }
            for (Worker w : workers) {
                if (!w.held.isEmpty() && t >= w.busyUntil) {
                    w.held.forEach(arrival -> latencies.add(w.busyUntil - arrival));
                    done = Math.max(done, w.busyUntil);
                    w.held.clear();
                }
                if (w.held.isEmpty() && !w.draining && t >= w.readyAt && !queue.isEmpty()) {
                    while (w.held.size() < model.batch() && !queue.isEmpty()) {
                        w.held.addLast(queue.pollFirst());
                    }
                    w.busyUntil = t + service * w.held.size();
                }
            }
            workers.removeIf(w -> w.draining && w.held.isEmpty());
            int inFlight = workers.stream().mapToInt(w -> w.held.size()).sum();
            double now = t;
            int inService = (int) workers.stream().filter(w -> !w.draining && now >= w.readyAt).count();
            if (t >= nextDecision) {
                desired = decider.decide(epoch.plusMillis((long) (t * 1000)), queue.size(), inFlight, inService,
                        desired).desired();
                List<Worker> active = workers.stream().filter(w -> !w.draining).toList();
                for (int i = active.size(); i < desired; i++) {
                    Worker w = new Worker();
                    w.readyAt = t + boot;
                    workers.add(w);
                }
                int excess = active.size() - desired;
                // drain idle (or still booting) workers first, then busy ones, newest first
                List<Worker> order = new ArrayList<>(active);
                java.util.Collections.reverse(order);
                order.sort((a, b) -> Boolean.compare(!a.held.isEmpty(), !b.held.isEmpty()));
                for (int i = 0; i < excess; i++) {
                    order.get(i).draining = true;
                }
                workers.removeIf(w -> w.draining && w.held.isEmpty());
                samples.add(new Sample(t, queue.size(), inFlight, inService, workers.size(), desired));
                nextDecision += period;
            }
            maxWorkers = Math.max(maxWorkers, workers.size());
            instanceSeconds += workers.size() * tick;
            t += tick;
            if (t > 24 * 3600) {
                throw new IllegalStateException("simulation did not finish within a day");
            }
        }
        double[] l = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(decider.name(), done, percentile(l, 0.50), percentile(l, 0.95), instanceSeconds / 60,
                maxWorkers, samples);
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
            double rate = Math.max(0.05, peakPerSecond * t / seconds);
            t += 1 / rate;
            if (t < seconds) {
                times.add(t);
            }
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
