package eic.common.concurrent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A periodic task that survives whatever it throws. A {@code ScheduledExecutorService}
 * cancels a task for good at its first exception, silently; wrapped here, the failure is
 * logged and the next tick runs. Logging is rate-limited: the first failure at once, then at
 * most one line per {@link #LOG_EVERY_NANOS}, saying how many were not logged, so a task
 * that fails every second does not flood the log. Only the JVM's own failures
 * ({@link VirtualMachineError}: out of memory, internal errors) go through.
 */
public final class Guarded implements Runnable {
    static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String name;
    private final Logger log;
    private final Runnable task;
    private final AtomicLong lastLogged = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();
    private volatile boolean everLogged;

    private Guarded(String name, Logger log, Runnable task) {
        this.name = name;
        this.log = log;
        this.task = task;
    }

    /** {@code task}, guarded: what it throws is logged under {@code name} and the next run goes ahead. */
    public static Runnable task(String name, Logger log, Runnable task) {
        return new Guarded(name, log, task);
    }

    @Override
    public void run() {
        try {
            task.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // the next tick must run, whatever this one met
            failed(e);
        }
    }

    private void failed(Throwable e) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (everLogged && now - last < LOG_EVERY_NANOS || !lastLogged.compareAndSet(last, now)) {
            unlogged.incrementAndGet();
            return;
        }
        everLogged = true;
        long skipped = unlogged.getAndSet(0);
        String more = skipped == 0 ? "" : " (" + skipped + " more failure(s) since the last line)";
        if (e instanceof SdkException) { // an outage of a service: its message says it all
            log.warn("{} failed; it runs again at its next tick{}: {}", name, more, e.getMessage());
        } else {
            log.warn("{} failed; it runs again at its next tick{}", name, more, e);
        }
    }
}
