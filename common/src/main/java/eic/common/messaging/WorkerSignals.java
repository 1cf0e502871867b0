package eic.common.messaging;

import java.nio.file.Path;

/**
 * How a worker process and the local fleet that starts it talk: the worker prints a line on
 * its output once it can take work and each time it parks, and keeps a marker file while it
 * holds messages; the fleet writes commands to its input.
 */
public final class WorkerSignals {
    /** Printed once the worker can take work; the fleet counts it in service from then on. */
    public static final String READY_MARKER = "EIC-WORKER-READY";
    /** Printed each time the worker has parked: model loaded, nothing held, polling nothing. */
    public static final String PARKED_MARKER = "EIC-WORKER-PARKED";
    /** The line the local fleet writes to a parked worker's standard input to put it in service. */
    public static final String ACTIVATE = "activate";
    /** The line that parks a serving worker: it stops receiving, finishes what it holds, then parks. */
    public static final String PARK = "park";

    private WorkerSignals() {
    }

    /** Present while the worker holds messages, so scale-in can prefer an idle worker. */
    public static Path busyFile(Path statusDir, String workerId) {
        return statusDir.resolve(workerId + ".busy");
    }
}
