package eic.app.worker;

import java.time.Duration;

/** How long the worker has held nothing: with the idle-stop policy, workers park themselves after a while idle. */
final class IdleClock implements BusyMarker.Listener {
    private volatile boolean busy;
    private volatile long idleSince = System.nanoTime();

    @Override
    public void changed(boolean nowBusy) {
        busy = nowBusy;
        if (!nowBusy) {
            idleSince = System.nanoTime();
        }
    }

    /** From now on, as if the last work ended now (a worker just put in service). */
    void restart() {
        idleSince = System.nanoTime();
    }

    Duration idleFor() {
        return busy ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - idleSince);
    }
}
