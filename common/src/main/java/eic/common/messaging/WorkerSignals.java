package eic.common.messaging;

import java.nio.file.Path;

/**
 * How a worker process tells the local fleet that starts it what state it is in: a line on
 * its output once it can take work, and a marker file while it holds messages.
 */
public final class WorkerSignals {
    /** Printed once the worker can take work; the fleet counts it in service from then on. */
    public static final String READY_MARKER = "EIC-WORKER-READY";
    /** The line the local fleet writes to a parked worker's standard input to put it in service. */
    public static final String ACTIVATE = "activate";

    private WorkerSignals() {
    }

    /** Present while the worker holds messages, so scale-in can prefer an idle worker. */
    public static Path busyFile(Path statusDir, String workerId) {
        return statusDir.resolve(workerId + ".busy");
    }
}
