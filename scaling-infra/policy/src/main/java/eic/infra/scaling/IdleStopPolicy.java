package eic.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The idle-stop policy, the second original design: it polls the queue itself (no alarm,
 * no metric lag) and wants one worker per {@code messagesPerWorker} visible messages.
 * Stopped workers are started again before new ones are launched (the fleet does that for
 * any rise of the desired count); at most {@code cap} workers exist, counting new, running
 * and stopped ones; workers stop themselves after {@code idleStop} without work (so this
 * controller never lowers the desired count: the fleet does, as each worker stops); and
 * a reaper terminates the stopped ones every {@code reapEvery}.
 */
public final class IdleStopPolicy implements CapacityDecider {
    /** The seed's values: one worker per message, 19 instances beside the web tier, 5 min idle, reaped every 3 min. */
    public static final int SEED_CAP = 19;
    public static final Duration SEED_IDLE_STOP = Duration.ofMinutes(5);
    public static final Duration SEED_REAP_EVERY = Duration.ofMinutes(3);

    private final int cap;
    private final int messagesPerWorker;
    private final Duration idleStop;
    private final Duration reapEvery;
    private Instant nextReap;

    public IdleStopPolicy(int cap, int messagesPerWorker, Duration idleStop, Duration reapEvery) {
        if (cap < 1 || messagesPerWorker < 1) {
            throw new IllegalArgumentException("cap and messages per worker must be at least 1");
        }
        this.cap = cap;
        this.messagesPerWorker = messagesPerWorker;
        this.idleStop = idleStop;
        this.reapEvery = reapEvery;
    }

    /** With the original design's settings. */
    public static IdleStopPolicy seed() {
        return new IdleStopPolicy(SEED_CAP, 1, SEED_IDLE_STOP, SEED_REAP_EVERY);
    }

    @Override
    public Decision decide(Instant now, Observation o) {
        boolean reap = false;
        if (nextReap == null) {
            nextReap = now.plus(reapEvery);
        } else if (!now.isBefore(nextReap)) {
            reap = true;
            nextReap = now.plus(reapEvery);
        }
        int wanted = Math.min(cap, (o.visible() + messagesPerWorker - 1) / messagesPerWorker);
        // Starting a stopped worker keeps the count; a new one adds to it: never more than the cap in all.
        int stopped = o.stopped();
        int room = Math.max(0, cap - o.desired() - stopped) + stopped;
        int target = Math.max(o.desired(), Math.min(wanted, o.desired() + room));
        StringBuilder action = new StringBuilder();
        int starts = Math.min(target - o.desired(), stopped);
        if (target > o.desired()) {
            action.append("start ").append(starts).append(" stopped, launch ").append(target - o.desired() - starts)
                    .append(" -> ").append(target);
        }
        reap = reap && stopped > starts;
        if (reap) {
            action.append(action.isEmpty() ? "" : "; ").append("reap ").append(stopped - starts).append(" stopped");
        }
        return new Decision(target, action.isEmpty() ? "none" : action.toString(), reap);
    }

    @Override
    public Optional<Duration> workerIdleStop() {
        return Optional.of(idleStop);
    }

    @Override
    public int min() {
        return 0;
    }

    @Override
    public String name() {
        return "idle stop: workers idle for " + human(idleStop) + " stop themselves, stopped ones start first, "
                + "reaped every " + human(reapEvery);
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
