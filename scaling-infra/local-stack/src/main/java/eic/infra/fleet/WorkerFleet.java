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
 */
public final class WorkerFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerFleet.class);

    public record Member(String id, long pid, boolean ready, boolean draining) {
    }

    private final WorkerLauncher launcher;
    private final Duration drainGrace;
    private final Path statusDir;
    private final Map<String, ManagedProcess> members = new LinkedHashMap<>();
    private final Map<String, ManagedProcess> draining = new LinkedHashMap<>();
    private final ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("fleet-reconcile"));
    private final ExecutorService drainer = Executors.newCachedThreadPool(DaemonThreads.named("fleet-drain"));
    private int desired;
    private int launched;
    private boolean closed;

    /** @param statusDir where workers mark themselves busy ({@code <id>.busy}) while they hold messages */
    public WorkerFleet(WorkerLauncher launcher, Duration drainGrace, Path statusDir) {
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
        while (members.size() < desired) {
            String id = "worker-" + (++launched);
            ManagedProcess process = launcher.launch(id);
            process.onExit().thenRun(this::reconcile);
            members.put(id, process);
        }
        while (members.size() > desired) {
            String id = chooseToDrain();
            ManagedProcess process = members.remove(id);
            draining.put(id, process);
            log.info("draining {} (pid {})", id, process.pid());
            drainer.submit(() -> process.stop(drainGrace));
        }
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
            members.clear();
            draining.clear();
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
