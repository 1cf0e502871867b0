package eic.infra.scaling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The seeds' autoscaling policy on m = q - i (visible request messages minus in-service
 * workers), as data: bounds, the two alarms with their step tables, and the timing. The
 * AWS rendering (alarms and step policies) and the local fleet controller both read it.
 *
 * @param period            alarm period (CloudWatch: the metric's aggregation period)
 * @param evaluationPeriods periods looked at by the alarms
 * @param datapointsToAlarm breaching periods among them that set the alarm
 * @param warmup            a new worker counts toward capacity only after this long (ASG warm-up)
 * @param cooldown          after a scaling action, no other action for this long
 */
public record ScalingPolicy(int min, int max, StepPolicy scaleOut, StepPolicy scaleIn, Duration period,
                            int evaluationPeriods, int datapointsToAlarm, Duration warmup, Duration cooldown) {

    /**
     * The AWS stack's default instance warm-up: a worker is in service only once its model is
     * loaded (the ready hook), so one fast period is enough to keep a repeated breach from
     * buying the same capacity twice. The simulator's AWS world uses the same.
     */
    public static final Duration GROUP_INSTANCE_WARMUP = Duration.ofSeconds(10);

    /** The original tables, 1..20 workers, one-minute alarms on one datapoint. */
    public static ScalingPolicy original() {
        return original(1, 20, Duration.ofMinutes(1));
    }

    public static ScalingPolicy original(int min, int max, Duration period) {
        List<StepAdjustment> out = new ArrayList<>();
        out.add(new StepAdjustment(0.0, 2.0, 1));
        for (int k = 2; k <= 19; k++) {
            out.add(new StepAdjustment((double) k, k + 1.0, k));
        }
        out.add(new StepAdjustment(20.0, null, 20));
        List<StepAdjustment> in = new ArrayList<>();
        for (int k = 1; k <= 19; k++) {
            in.add(new StepAdjustment(-(k + 1.0), (double) -k, -k));
        }
        in.add(new StepAdjustment(null, -20.0, -20));
        return new ScalingPolicy(min, max, new StepPolicy("scale-out", true, 0, out),
                new StepPolicy("scale-in", false, -1, in), period, 1, 1, Duration.ZERO, Duration.ZERO);
    }

    public ScalingPolicy withBounds(int newMin, int newMax) {
        return new ScalingPolicy(newMin, newMax, scaleOut, scaleIn, period, evaluationPeriods, datapointsToAlarm,
                warmup, cooldown);
    }

    public ScalingPolicy withTiming(Duration newPeriod, Duration newWarmup, Duration newCooldown) {
        return new ScalingPolicy(min, max, scaleOut, scaleIn, newPeriod, evaluationPeriods, datapointsToAlarm,
                newWarmup, newCooldown);
    }

    /** The metric the alarms watch. */
    public static double metric(int visibleMessages, int inService) {
        return visibleMessages - inService;
    }

    public int clip(int desired) {
        return Math.max(min, Math.min(max, desired));
    }
}
