package eic.infra.fleet;

import eic.infra.process.ManagedProcess;
import eic.common.concurrent.DaemonThreads;
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
 * processes, replaces one that dies, and scales in by draining (SIGTERM: the worker
 * finishes what it holds, then exits), never by killing work in flight.
 *
 * Its warm pool: {@code warmSize} parked workers - JVMs that have started and loaded the
 * model but poll nothing. Scale-out activates a parked worker first (a line on its input:
 * milliseconds, not a JVM start on cores the burst needs) and launches only what the pool
 * cannot give; the pool is refilled once the fleet has been still for {@link #REFILL_AFTER}.
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
    private final Map<String, ManagedProcess> parked = new LinkedHashMap<>();
    private final int warmSize;
    private long lastScaleOutNanos = System.nanoTime();
    private int activations;
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("fleet-reconcile"));
    private final ExecutorService drainer = Executors.newCachedThreadPool(DaemonThreads.named("fleet-drain"));
    private int desired;
    private int launched;
    private boolean closed;

    /** @param statusDir where workers mark themselves busy ({@code <id>.busy}) while they hold messages */
    public WorkerFleet(WorkerLauncher launcher, Duration drainGrace, Path statusDir) {
        this(launcher, drainGrace, statusDir, 0);
    }

    /** @param warmSize parked workers kept ready beside the desired ones */
    public WorkerFleet(WorkerLauncher launcher, Duration drainGrace, Path statusDir, int warmSize) {
        this.warmSize = warmSize;
        this.launcher = launcher;
        this.drainGrace = drainGrace;
        this.statusDir = statusDir;
        reconciler.scheduleWithFixedDelay(this::reconcile, 1, 1, TimeUnit.SECONDS);
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
        return (int) parked.values().stream().filter(p -> p.isAlive() && p.isReady()).count();
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
        while (members.size() < desired) {
            lastScaleOutNanos = System.nanoTime();
            if (activateParked()) {
                continue;
            }
            String id = "worker-" + (++launched);
            ManagedProcess process = launcher.launch(id);
            process.onExit().thenRun(this::reconcile);
            members.put(id, process);
        }
        if (parked.size() < warmSize && System.nanoTime() - lastScaleOutNanos > REFILL_AFTER.toNanos()
                && members.values().stream().allMatch(ManagedProcess::isReady)) {
            String id = "worker-" + (++launched);
            ManagedProcess process = launcher.launch(id, true);
            process.onExit().thenRun(this::reconcile);
            parked.put(id, process);
            log.info("warm pool: parking {} (pid {})", id, process.pid());
        }
        while (members.size() > desired) {
            String id = chooseToDrain();
            ManagedProcess process = members.remove(id);
            draining.put(id, process);
            log.info("draining {} (pid {})", id, process.pid());
            drainer.submit(() -> process.stop(drainGrace));
        }
    }

    /** A parked worker whose model is loaded goes into service; false when the pool has none ready. */
    private boolean activateParked() {
        for (Map.Entry<String, ManagedProcess> e : parked.entrySet()) {
            ManagedProcess process = e.getValue();
            if (process.isAlive() && process.isReady() && process.send(WorkerSignals.ACTIVATE)) {
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
