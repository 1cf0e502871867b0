package eic.app.worker;

import eic.app.group.GroupMember;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker process's life as one state machine. Every source of news reports an event
 * here on its own thread - SIGTERM or SIGINT ({@link #signal}), the local fleet's commands
 * and the end of its input ({@link #activate}, {@link #park}, {@link #stop}), the Auto
 * Scaling group's intent read from the instance metadata ({@link #inService},
 * {@link #leaving}), a poller's end ({@link #pollerEnded}) - and the main thread does what
 * the state asks, waiting in {@link #awaitService} and {@link #awaitEndOfService}. Nothing
 * here polls: the main thread wakes on an event, or when the idle stop or the drain bound
 * comes due.
 * <pre>
 *   STARTING --(in service, when in a group; activated, when started parked)--&gt; SERVING
 *   SERVING  --park, or idle for the idle stop--&gt; DRAINING --pollers ended--&gt; PARKED
 *   SERVING  --signal, fleet gone, group takes the instance--&gt; DRAINING --pollers ended--&gt; STOPPED
 *                                             (or, past the drain bound, released: held work comes back)
 *   PARKED   --activate--&gt; SERVING        STARTING, PARKED --stop--&gt; STOPPED
 *   a signal while nothing is held, or a second signal: the process exits at once
 * </pre>
 */
final class Lifecycle implements GroupMember.Listener {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    enum State { STARTING, PARKED, SERVING, DRAINING, STOPPED }

    /** How a period of service ended. */
    enum End {
        /** Drained, to serve again when activated. */
        PARKED,
        /** Drained (or the loops ended by themselves): the process ends. */
        STOPPED,
        /** The drain bound passed with work still held: released, it comes back after its visibility timeout. */
        RELEASED
    }

    private final Duration drainBound;
    private final IntConsumer exit;
    private State state = State.STARTING;
    /** The group wants this instance in service (always, outside a group). */
    private boolean inService;
    /** Activated by the fleet (always, unless started parked); an activate during a park's drain counts after it. */
    private boolean activated;
    private boolean stopAfterDrain;
    private long drainDeadline;
    private int signals;
    private int pollers;
    private Runnable stopReceiving = () -> { };

    /**
     * @param exit how the process ends at once (nothing held, a second signal, the drain bound
     *             passed): the command passes {@code Runtime.halt}
     */
    Lifecycle(boolean inGroup, boolean startsParked, Duration drainBound, IntConsumer exit) {
        this.inService = !inGroup;
        this.activated = !startsParked;
        this.drainBound = drainBound;
        this.exit = exit;
    }

    // Events, from any thread.

    /**
     * SIGTERM or SIGINT: serving, the worker drains within the bound; holding nothing (loading,
     * parked, waiting) it exits at once. A second signal exits now.
     */
    synchronized void signal() {
        signals++;
        boolean holding = state == State.SERVING || state == State.DRAINING;
        if (holding && signals == 1) {
            stop("asked to stop");
            return;
        }
        log.info(holding ? "asked again: exiting now" : "stopping: nothing held");
        exit.accept(0);
    }

    /** The process is to end: serving, after a drain within the bound; otherwise once the main thread sees it. */
    synchronized void stop(String why) {
        if (state == State.SERVING || (state == State.DRAINING && !stopAfterDrain)) {
            log.info("{}: no new messages; finishing held work", why);
            stopAfterDrain = true;
            drainDeadline = System.nanoTime() + drainBound.toNanos();
            drain();
        } else if (state == State.STARTING || state == State.PARKED) {
            log.info("{}: nothing held", why);
            state = State.STOPPED;
        }
        notifyAll();
    }

    /** The fleet's {@code park} (or the idle stop): a serving worker finishes what it holds and parks. */
    synchronized void park(String why) {
        if (state == State.SERVING) {
            log.info("parking ({}): no new messages; finishing held work", why);
            drain();
        }
        notifyAll();
    }

    /** The fleet's {@code activate}: a parked worker serves; one sent during a park's drain serves after it. */
    synchronized void activate() {
        if (state != State.SERVING) {
            activated = true;
        }
        notifyAll();
    }

    @Override
    public synchronized void inService() {
        inService = true;
        notifyAll();
    }

    @Override
    public void leaving(String why) {
        stop(why);
    }

    synchronized void pollerEnded() {
        pollers--;
        notifyAll();
    }

    private void drain() {
        state = State.DRAINING;
        stopReceiving.run();
    }

    // The main thread.

    /** Waits until the worker may serve (true) or is to stop (false). */
    synchronized boolean awaitService() throws InterruptedException {
        while (state != State.STOPPED && !(inService && activated)) {
            wait();
        }
        return state != State.STOPPED;
    }

    /**
     * A period of service begins with {@code pollers} loops that {@code stopReceiving} stops;
     * false when the worker was asked to stop meanwhile (the loops are then not to start).
     */
    synchronized boolean beginService(int pollers, Runnable stopReceiving) {
        if (state == State.STOPPED) {
            return false;
        }
        state = State.SERVING;
        activated = false;
        stopAfterDrain = false;
        this.pollers = pollers;
        this.stopReceiving = stopReceiving;
        return true;
    }

    /**
     * Waits for the period of service to end: the pollers ended after a drain (or by
     * themselves), or the drain bound passed. With a non-zero {@code idleStop} (the idle-stop
     * policy), a worker idle that long parks itself.
     */
    synchronized End awaitEndOfService(IdleClock idle, Duration idleStop) throws InterruptedException {
        while (pollers > 0) {
            long wait = Long.MAX_VALUE; // until an event
            if (state == State.DRAINING && stopAfterDrain) {
                wait = drainDeadline - System.nanoTime();
                if (wait <= 0) {
                    log.warn("held work did not finish within {}; its messages will be redelivered", drainBound);
                    state = State.STOPPED;
                    return End.RELEASED;
                }
            } else if (state == State.SERVING && !idleStop.isZero()) {
                wait = idleStop.minus(idle.idleFor()).toNanos();
                if (wait <= 0) {
                    park("idle for " + idleStop);
                    continue;
                }
            }
            TimeUnit.NANOSECONDS.timedWait(this, wait);
        }
        stopReceiving = () -> { };
        boolean parks = state == State.DRAINING && !stopAfterDrain;
        state = parks ? State.PARKED : State.STOPPED;
        return parks ? End.PARKED : End.STOPPED;
    }

    /** Waits until the process is to end (for a shutdown hook where signals cannot be handled). */
    synchronized void awaitStopped() throws InterruptedException {
        while (state != State.STOPPED) {
            wait();
        }
    }

    synchronized State state() {
        return state;
    }
}
