package eic.infra.fleet;

import eic.infra.process.ManagedProcess;
import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import eic.common.messaging.WorkerSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for an Auto Scaling group: keeps the desired number of worker
 * processes, replaces one that dies, and scales in without interrupting work in flight.
 *
 * Its warm pool: parked workers - JVMs that have started and loaded the model but poll
 * nothing. Scale-out activates a parked worker first (a line on its input: milliseconds,
 * not a JVM start on cores the burst needs) and launches only what the pool cannot give.
 * The pool's size follows the prepared capacity, as the AWS stack's does: {@code warmSize}
 * while the fleet is at its {@code minimum}, less while a scale-out holds its workers (so
 * a burst never starts the pool's replacements beside its workers). Scale-in parks a
 * worker again when the pool has room (it finishes what it holds, then parks), else drains
 * it (SIGTERM: it finishes what it holds, then exits); a pool short of its size is refilled
 * once the fleet has been still for {@link #REFILL_AFTER} (first filled as soon as the first
 * workers are ready). A worker that parks on its own
 * (the idle-stop policy) leaves the desired count and joins the pool; {@link #endParked}
 * is the idle-stop policy's reaper.
 */
public final class WorkerFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerFleet.class);

    public record Member(String id, long pid, boolean ready, boolean draining) {
    }

    private final WorkerLauncher launcher;
    private final Duration drainGrace;
    private final Path statusDir;
    /** How long the fleet must be still (no scale-out) before the warm pool is refilled. */
    static final Duration REFILL_AFTER = Duration.ofSeconds(10);

    private final Map<String, ManagedProcess> members = new LinkedHashMap<>();
    private final Map<String, ManagedProcess> draining = new LinkedHashMap<>();
    /** Parked, or told to park and still finishing what they held (those are also in {@link #parking}). */
    private final Map<String, ManagedProcess> parked = new LinkedHashMap<>();
    /** Told to park (or started parked) and not yet said so: their marker is expected, not news. */
    private final java.util.Set<String> parking = new java.util.HashSet<>();
    private final int minimum;
    private final int warmSize;
    /** As if long ago: the pool is first filled as soon as the fleet's first workers are ready. */
    private long lastScaleOutNanos = System.nanoTime() - REFILL_AFTER.toNanos();
    private int activations;
    private final List<Integer> drainExitCodes = new ArrayList<>();
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("fleet-reconcile"));
    private final ExecutorService drainer = Executors.newCachedThreadPool(DaemonThreads.named("fleet-drain"));
    private int desired;
    private int launched;
    private boolean closed;

    /**
     * @param statusDir where workers mark themselves busy ({@code <id>.busy}) while they hold messages
     * @param minimum   the fleet's resting size
     * @param warmSize  parked workers kept ready beside the resting fleet
     */
    public WorkerFleet(WorkerLauncher launcher, Duration drainGrace, Path statusDir, int minimum, int warmSize) {
        this.minimum = minimum;
        this.warmSize = warmSize;
        this.launcher = launcher;
        this.drainGrace = drainGrace;
        this.statusDir = statusDir;
        reconciler.scheduleWithFixedDelay(Guarded.task("fleet reconciliation", log, this::reconcile), 1, 1,
                TimeUnit.SECONDS);
    }

    public synchronized void setDesired(int count) {
        desired = count;
        reconcile();
    }

    public synchronized int desired() {
        return desired;
    }

    /** Workers that reported ready and are not draining: the i of q - i. */
    public synchronized int inService() {
        return (int) members.values().stream().filter(m -> m.isAlive() && m.isReady()).count();
    }

    /** Parked workers whose model is loaded: what a scale-out can activate at once. */
    public synchronized int warm() {
        return (int) parked.entrySet().stream().filter(e -> e.getValue().isAlive() && e.getValue().isReady()
                && !parking.contains(e.getKey())).count();
    }

    /** The idle-stop policy's reaper: the parked workers end. */
    public synchronized int endParked() {
        List<ManagedProcess> ending = new ArrayList<>(parked.values());
        parked.clear();
        ending.forEach(p -> {
            log.info("reaping parked {} (pid {})", p.name(), p.pid());
            drainer.submit(() -> p.stop(drainGrace));
        });
        return ending.size();
    }

    private synchronized void drained(String id, boolean served, int exitCode) {
        if (served) {
            drainExitCodes.add(exitCode);
        }
        log.info("{} drained and ended (exit {})", id, exitCode);
    }

    /**
     * Exit codes of the workers scale-in drained after they had been in service: 0 when each
     * finished what it held and ended on its own.
     */
    public synchronized List<Integer> drainExitCodes() {
        return List.copyOf(drainExitCodes);
    }

    /**
     * The parked workers' ids, settled or still finishing what they held (the idle-stop policy's
     * "stopped" instances); {@link #warm()} counts those of them a scale-out can activate now.
     */
    public synchronized List<String> parked() {
        return List.copyOf(parked.keySet());
    }

    /** Worker JVMs started so far, parked ones included. */
    public synchronized int launched() {
        return launched;
    }

    /** How many scale-outs were served from the warm pool. */
    public synchronized int activations() {
        return activations;
    }

    public synchronized List<Member> members() {
        List<Member> list = new ArrayList<>();
        members.forEach((id, p) -> list.add(new Member(id, p.pid(), p.isReady(), false)));
        draining.forEach((id, p) -> list.add(new Member(id, p.pid(), p.isReady(), true)));
        return list;
    }

    /** The running worker process with this id, for failure tests. */
    public synchronized ManagedProcess process(String id) {
        return members.get(id);
    }

    public synchronized void reconcile() {
        if (closed) {
            return;
        }
        members.entrySet().removeIf(e -> {
            if (!e.getValue().isAlive()) {
                log.warn("worker {} (pid {}) died; replacing it", e.getKey(), e.getValue().pid());
                return true;
            }
            return false;
        });
        draining.entrySet().removeIf(e -> !e.getValue().isAlive());
        parked.entrySet().removeIf(e -> !e.getValue().isAlive());
        parking.removeIf(id -> !parked.containsKey(id) && !members.containsKey(id));
        while (members.size() < desired) {
            if (desired > minimum) { // growth, not the first workers or a replacement
                lastScaleOutNanos = System.nanoTime();
            }
            if (activateParked()) {
                continue;
            }
            String id = "worker-" + (++launched);
            members.put(id, launch(id, false));
        }
        while (members.size() > desired) {
            String id = chooseToDrain();
            ManagedProcess process = members.remove(id);
            // (Its marker cannot come before parking holds it: the output's thread waits for this lock.)
            if (parked.size() < poolSize() && process.isReady() && process.send(WorkerSignals.PARK)) {
                parking.add(id);
                parked.put(id, process);
                log.info("warm pool: parking {} again (pid {}); it finishes what it holds first", id, process.pid());
                continue;
            }
            draining.put(id, process);
            log.info("draining {} (pid {})", id, process.pid());
            boolean served = process.isReady();
            drainer.submit(() -> {
                process.stop(drainGrace);
                drained(id, served, process.exitValue());
            });
        }
        // Only after scale-in: a worker leaving the fleet may fill the pool without a new JVM.
        if (parked.size() < poolSize() && System.nanoTime() - lastScaleOutNanos > REFILL_AFTER.toNanos()
                && members.values().stream().allMatch(ManagedProcess::isReady)) {
            String id = "worker-" + (++launched);
            parking.add(id);
            ManagedProcess process = launch(id, true);
            parked.put(id, process);
            log.info("warm pool: parking {} (pid {})", id, process.pid());
        }
    }

    /** The prepared capacity's share for the pool: {@code warmSize} at the resting size, less above it. */
    private int poolSize() {
        return warmSize == 0 ? 0 : Math.max(0, minimum + warmSize - desired);
    }

    private ManagedProcess launch(String id, boolean parkedAtStart) {
        ManagedProcess process = launcher.launch(id, parkedAtStart);
        process.onExit().thenRun(this::reconcile);
        process.onLine(line -> {
            if (line.startsWith(WorkerSignals.PARKED_MARKER)) {
                parked(id, process);
            }
        });
        return process;
    }

    /** A worker said it parked: asked to by scale-in, or on its own after idling (the idle-stop policy). */
    private synchronized void parked(String id, ManagedProcess process) {
        if (closed || !process.isAlive()) {
            return;
        }
        if (parking.remove(id)) {
            return; // expected; if it was activated again meanwhile, it took that command next and serves on
        }
        if (members.remove(id) != null) {
            desired = Math.max(0, desired - 1);
            parked.put(id, process);
            log.info("{} stopped itself after idling; the fleet is {}", id, desired);
        }
    }

    /**
     * A parked worker goes into service; false when the pool has none. Settled ones first; one
     * still loading its model, or still finishing what it held before parking, takes the command
     * after that (its commands are read in order): sooner than a JVM started now, and no third JVM
     * on the cores.
     */
    private boolean activateParked() {
        List<Map.Entry<String, ManagedProcess>> order = new ArrayList<>(parked.entrySet());
        order.sort((a, b) -> Boolean.compare(parking.contains(a.getKey()), parking.contains(b.getKey())));
        for (Map.Entry<String, ManagedProcess> e : order) {
            ManagedProcess process = e.getValue();
            if (process.isAlive() && process.send(WorkerSignals.ACTIVATE)) {
                parked.remove(e.getKey());
                members.put(e.getKey(), process);
                activations++;
                log.info("warm pool: activated {} (pid {})", e.getKey(), process.pid());
                return true;
            }
        }
        return false;
    }

    /** Not-yet-ready workers first (they hold nothing), then the newest idle one, then the newest. */
    private String chooseToDrain() {
        String newest = null;
        String newestIdle = null;
        for (Map.Entry<String, ManagedProcess> e : members.entrySet()) {
            if (!e.getValue().isReady()) {
                return e.getKey();
            }
            newest = e.getKey();
            if (!Files.exists(WorkerSignals.busyFile(statusDir, e.getKey()))) {
                newestIdle = e.getKey();
            }
        }
        return newestIdle != null ? newestIdle : newest;
    }

    @Override
    public void close() {
        List<ManagedProcess> all;
        synchronized (this) {
            closed = true;
            desired = 0;
            all = new ArrayList<>(members.values());
            all.addAll(draining.values());
            all.addAll(parked.values());
            members.clear();
            draining.clear();
            parked.clear();
        }
        reconciler.shutdownNow();
        List<Thread> stops = new ArrayList<>();
        for (ManagedProcess process : all) {
            Thread stop = new Thread(() -> process.stop(drainGrace), "stop-" + process.name());
            stop.start();
            stops.add(stop);
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drainer.shutdown();
    }
}
