package eic.app.worker;

import eic.common.messaging.WorkerSignals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local fleet's line to a worker it started: commands arrive on the worker's standard
 * input ({@link WorkerSignals#ACTIVATE}, {@link WorkerSignals#PARK}), read by one daemon
 * thread and told to the lifecycle in order. The input ends when the fleet closes it or its
 * process dies, even by SIGKILL: that is how a worker learns that its parent is gone.
 */
final class FleetLink {
    private static final Logger log = LoggerFactory.getLogger(FleetLink.class);

    private FleetLink() {
    }

    static void listen(InputStream in, String workerId, Lifecycle lifecycle) {
        Thread reader = new Thread(() -> read(in, lifecycle), "fleet-link-" + workerId);
        reader.setDaemon(true);
        reader.start();
    }

    private static void read(InputStream in, Lifecycle lifecycle) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                switch (line.trim()) {
                    case WorkerSignals.ACTIVATE -> lifecycle.activate();
                    case WorkerSignals.PARK -> lifecycle.park("asked by the fleet");
                    default -> { } // blank, or a command this worker does not know
                }
            }
        } catch (IOException e) {
            log.warn("the fleet's input failed: {}", e.getMessage());
        }
        lifecycle.stop("the fleet that started this worker is gone");
    }
}
