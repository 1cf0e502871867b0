package eic.infra.scaling;

import java.time.Duration;
import java.time.Instant;

/**
 * A better policy than the original: size the fleet to the whole backlog, in flight
 * included, measured in seconds of work. The workers in service work through
 * {@code inService x bootTime} of it before a new worker could help; only what is left
 * after that calls for more workers, enough to finish it within {@code drainTarget}.
 * While there is work it never scales in; once the backlog is empty it waits
 * {@code quietPeriods} periods, then returns to the minimum.
 * Arrivals are estimated each period from the growth of the backlog plus what the busy
 * workers completed, and {@code rate x serviceTime} workers are kept for them on top.
 * The original shrinks the fleet under a burst being worked on (received messages leave
 * q, so q - i turns negative) and buys 20 instances for work that 4 finish as soon.
 */
public final class BacklogPolicy implements CapacityDecider {
    private final int min;
    private final int max;
    private final double serviceSeconds;
    private final double bootSeconds;
    private final double drainTargetSeconds;
    private final int messagesPerWorker;
    private final int quietPeriods;
    private int quietSeen;
    private int lastBacklog = -1;
    private Instant lastTime;

    public BacklogPolicy(int min, int max, Duration serviceTimePerImage, Duration bootTime, Duration drainTarget,
                         int messagesPerWorker, int quietPeriods) {
        this.min = min;
        this.max = max;
        this.serviceSeconds = serviceTimePerImage.toMillis() / 1000.0;
        this.bootSeconds = bootTime.toMillis() / 1000.0;
        this.drainTargetSeconds = drainTarget.toMillis() / 1000.0;
        this.messagesPerWorker = messagesPerWorker;
        this.quietPeriods = quietPeriods;
    }

    @Override
    public Decision decide(Instant now, Observation o) {
        int inFlight = o.inFlight();
        int inService = o.inService();
        int desired = o.desired();
        int backlog = o.visible() + inFlight;
        int holding = (int) Math.ceil((double) inFlight / messagesPerWorker);
        double rate = arrivalRate(now, backlog, Math.min(inService, holding));
        int target;
        if (backlog == 0) {
            quietSeen++;
            target = quietSeen >= quietPeriods ? min : desired;
        } else {
            quietSeen = 0;
            int steady = (int) Math.ceil(rate * serviceSeconds);
            double remaining = backlog * serviceSeconds - Math.max(0, inService - steady) * bootSeconds;
            int forBacklog = remaining <= 0 ? 0 : (int) Math.ceil(remaining / drainTargetSeconds);
            // While there is work, never scale in: a drained worker costs a JVM start if it is needed again.
            target = Math.max(desired, Math.max(min, Math.min(max, Math.max(steady + forBacklog, holding))));
        }
        String action = target == desired ? "none" : (target > desired ? "out -> " : "in -> ") + target;
        return new Decision(target, action);
    }

    /** Messages per second arriving: backlog growth plus the busy workers' completions. */
    private double arrivalRate(Instant now, int backlog, int busyWorkers) {
        double rate = 0;
        if (lastTime != null && now.isAfter(lastTime)) {
            double seconds = java.time.Duration.between(lastTime, now).toMillis() / 1000.0;
            rate = Math.max(0, (backlog - lastBacklog) / seconds + busyWorkers / serviceSeconds);
        }
        lastTime = now;
        lastBacklog = backlog;
        return rate;
    }

    @Override
    public int min() {
        return min;
    }

    @Override
    public String name() {
        return "backlog per worker (in flight included, boot-time horizon)";
    }
}
