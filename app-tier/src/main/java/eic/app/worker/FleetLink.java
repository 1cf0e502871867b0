package eic.app.worker;

import eic.common.messaging.WorkerSignals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local fleet's line to a worker it started: commands arrive on the worker's standard
 * input ({@link WorkerSignals#ACTIVATE}, {@link WorkerSignals#PARK}), read by one daemon
 * thread and taken in order; the input's end means the fleet is gone.
 */
final class FleetLink {
    private static final Logger log = LoggerFactory.getLogger(FleetLink.class);
    /** Taken when the input ended: the fleet closed it, or died. */
    static final String GONE = "";

    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();

    private FleetLink() {
    }

    static FleetLink reading(InputStream in, String workerId) {
        FleetLink link = new FleetLink();
        Thread reader = new Thread(() -> link.read(in), "fleet-link-" + workerId);
        reader.setDaemon(true);
        reader.start();
        return link;
    }

    private void read(InputStream in) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    commands.add(line.trim());
                }
            }
        } catch (IOException e) {
            log.warn("the fleet's input failed: {}", e.getMessage());
        }
        commands.add(GONE);
    }

    /** The next command within {@code timeout}; {@link #GONE} once the fleet is gone. */
    Optional<String> next(Duration timeout) throws InterruptedException {
        String command = commands.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (GONE.equals(command)) {
            commands.add(GONE); // stays gone for every later call
        }
        return Optional.ofNullable(command);
    }

    /** Waits for {@code activate}: true, or false once the fleet is gone. Other commands mean nothing here. */
    boolean awaitActivation() throws InterruptedException {
        while (true) {
            String command = commands.take();
            if (command.equals(WorkerSignals.ACTIVATE)) {
                return true;
            }
            if (command.equals(GONE)) {
                commands.add(GONE);
                return false;
            }
        }
    }
}
