package eic.app.worker;

import java.io.IOException;
import eic.common.messaging.WorkerSignals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the local fleet controller whether this worker holds messages, by the presence
 * of {@code <statusDir>/<workerId>.busy}, so scale-in can pick an idle worker. Without a
 * status directory (on EC2) it does nothing.
 */
public final class BusyMarker {
    private static final Logger log = LoggerFactory.getLogger(BusyMarker.class);

    private final Optional<Path> file;
    private final AtomicInteger busyLoops = new AtomicInteger();

    public BusyMarker(Optional<Path> statusDir, String workerId) {
        this.file = statusDir.map(dir -> WorkerSignals.busyFile(dir, workerId));
    }

    public static BusyMarker none() {
        return new BusyMarker(Optional.empty(), "none");
    }

    public void busy() {
        if (busyLoops.getAndIncrement() == 0) {
            file.ifPresent(f -> write(f, true));
        }
    }

    public void idle() {
        if (busyLoops.decrementAndGet() == 0) {
            file.ifPresent(f -> write(f, false));
        }
    }

    private static void write(Path file, boolean busy) {
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
    }
}
