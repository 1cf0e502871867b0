package eic.app.worker;

import eic.common.messaging.WorkerSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this worker holds messages, told to whoever decides scale-in: the local fleet
 * controller by the presence of {@code <statusDir>/<workerId>.busy} ({@link #statusFile}),
 * an Auto Scaling group by scale-in protection. Listeners hear each change from idle to
 * busy and back, in order, with the state as it is when they are told.
 */
public final class BusyMarker {
    private static final Logger log = LoggerFactory.getLogger(BusyMarker.class);

    /** Told when the worker turns busy or idle. */
    public interface Listener {
        void changed(boolean busy);
    }

    private final List<Listener> listeners;
    private final AtomicInteger busyLoops = new AtomicInteger();
    private boolean told;

    public BusyMarker(List<Listener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    public static BusyMarker none() {
        return new BusyMarker(List.of());
    }

    public void busy() {
        if (busyLoops.getAndIncrement() == 0) {
            tell();
        }
    }

    public void idle() {
        if (busyLoops.decrementAndGet() == 0) {
            tell();
        }
    }

    /** Read under the lock, so that the last change told is the state that holds. */
    private synchronized void tell() {
        boolean now = busyLoops.get() > 0;
        if (now != told) {
            told = now;
            listeners.forEach(l -> l.changed(now));
        }
    }

    /** The local fleet's signal: a file present while busy. */
    public static Listener statusFile(Path statusDir, String workerId) {
        Path file = WorkerSignals.busyFile(statusDir, workerId);
        return busy -> {
            try {
                if (busy) {
                    Files.createDirectories(file.getParent());
                    Files.write(file, new byte[0]);
                } else {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                log.debug("cannot update {}: {}", file, e.getMessage());
            }
        };
    }
}
