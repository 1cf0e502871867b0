package eic.app.group;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-in protection that follows the work: on as soon as the worker holds messages, off
 * once it has been idle for {@code linger} (so a steady stream of batches does not toggle it
 * on every batch). The calls run on a thread of their own, never on a work loop; only
 * the latest wish is applied, and a failed call is tried again. What the group holds is
 * taken as unknown once the worker is in service ({@link #reconcile()}): a worker that died
 * busy left its instance protected, and its successor, which holds nothing, clears it.
 */
public final class ScaleInProtection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScaleInProtection.class);
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final GroupMembership group;
    private final long lingerNanos;
    private final Thread thread;
    private boolean busy;
    private long idleSince = System.nanoTime();
    private boolean closed;
    /** What the group was last told; null: not known, so the next wish is applied whatever it is. */
    private Boolean applied = Boolean.FALSE;
    /** Counts {@link #reconcile()} calls: one during a call to the group makes its answer stale. */
    private long reconciles;

    public ScaleInProtection(GroupMembership group, Duration linger) {
        this.group = group;
        this.lingerNanos = linger.toNanos();
        this.thread = new Thread(this::run, "scale-in-protection");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The group's protection of this instance is not known (a process before this one may have
     * left it on): the current wish is applied at once - off, for a worker that holds nothing yet.
     */
    public synchronized void reconcile() {
        applied = null;
        reconciles++;
        notifyAll();
    }

    /** The worker turned busy or idle. */
    public synchronized void changed(boolean nowBusy) {
        busy = nowBusy;
        if (!nowBusy) {
            idleSince = System.nanoTime();
        }
        notifyAll();
    }

    private void run() {
        try {
            while (true) {
                boolean wanted;
                long round;
                synchronized (this) {
                    while (!closed && applied != null && busy == applied) {
                        wait();
                    }
                    // Idle but protected: wait out the linger unless work comes back first.
                    while (!closed && !busy && Boolean.TRUE.equals(applied)
                            && System.nanoTime() - idleSince < lingerNanos) {
                        wait(Math.max(1, (lingerNanos - (System.nanoTime() - idleSince)) / 1_000_000));
                    }
                    if (closed) {
                        return;
                    }
                    wanted = busy;
                    round = reconciles;
                    if (applied != null && wanted == applied) {
                        continue; // busy again within the linger: nothing to change
                    }
                }
                if (group.protect(wanted)) {
                    synchronized (this) {
                        if (round == reconciles) {
                            applied = wanted;
                        }
                    }
                } else {
                    synchronized (this) {
                        wait(RETRY.toMillis());
                    }
                }
            }
        } catch (InterruptedException e) {
            log.debug("scale-in protection stops");
        }
    }

    /** Stops following; the protection stays as it is (a draining worker is terminating anyway). */
    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
