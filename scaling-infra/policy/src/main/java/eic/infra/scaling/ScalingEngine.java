package eic.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Evaluates the alarms as CloudWatch does (one datapoint per period, M of N breaching)
 * and applies the step adjustments as an Auto Scaling group does (from the current
 * desired capacity, clipped to the bounds, no action inside the cooldown). Pure logic
 * on the times it is given, so tests and the simulator drive it on a virtual clock.
 */
public final class ScalingEngine {

    /** What one evaluation decided. */
    public record Decision(Instant time, double metric, String alarm, int adjustment, int fromDesired, int toDesired) {
        public boolean changed() {
            return toDesired != fromDesired;
        }

        public String action() {
            if (alarm == null) {
                return "none";
            }
            return changed() ? alarm + " " + (adjustment > 0 ? "+" : "") + adjustment + " -> " + toDesired
                    : alarm + " (at bound or cooldown)";
        }
    }

    private final ScalingPolicy policy;
    private final Deque<Double> datapoints = new ArrayDeque<>();
    private Instant lastAction = Instant.MIN;

    public ScalingEngine(ScalingPolicy policy) {
        this.policy = policy;
    }

    public ScalingPolicy policy() {
        return policy;
    }

    /** One period's datapoint: visible messages q and in-service workers i, with the group's desired count. */
    public Decision evaluate(Instant now, int visible, int inService, int desired) {
        return evaluate(now, ScalingPolicy.metric(visible, inService), desired, 0);
    }

    /**
     * One period's datapoint of the metric. With a warm-up (as a group's default instance
     * warm-up makes it on AWS) the {@code warming} instances are capacity already on its way:
     * a scale-out adds only what the step asks beyond them, so a breach that repeats while
     * they boot adds nothing twice; and no scale-in happens while any instance warms up.
     */
    public Decision evaluate(Instant now, double metric, int desired, int warming) {
        datapoints.addLast(metric);
        while (datapoints.size() > policy.evaluationPeriods()) {
            datapoints.removeFirst();
        }
        StepPolicy alarm = inAlarm(policy.scaleOut()) ? policy.scaleOut()
                : inAlarm(policy.scaleIn()) ? policy.scaleIn() : null;
        if (alarm == null) {
            return new Decision(now, metric, null, 0, desired, desired);
        }
        int adjustment = alarm.adjustment(metric);
        boolean coolingDown = Duration.between(lastAction, now).compareTo(policy.cooldown()) < 0
                && !lastAction.equals(Instant.MIN);
        int target;
        if (coolingDown) {
            target = desired;
        } else if (policy.warmup().isZero()) {
            target = policy.clip(desired + adjustment);
        } else if (adjustment > 0) {
            target = Math.max(desired, policy.clip(desired - warming + adjustment));
        } else {
            target = warming > 0 ? desired : policy.clip(desired + adjustment);
        }
        if (target != desired) {
            lastAction = now;
        }
        return new Decision(now, metric, alarm.name(), adjustment, desired, target);
    }

    private boolean inAlarm(StepPolicy alarm) {
        if (datapoints.size() < policy.datapointsToAlarm()) {
            return false;
        }
        long breaching = datapoints.stream().filter(alarm::breaches).count();
        return breaching >= policy.datapointsToAlarm();
    }
}
