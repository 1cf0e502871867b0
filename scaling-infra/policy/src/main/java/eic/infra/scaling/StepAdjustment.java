package eic.infra.scaling;

/**
 * One row of a step-scaling table: when the metric is in [lower, upper) (above the
 * threshold) or (lower, upper] (below it), change capacity by {@code adjustment}.
 * A null bound is open (minus or plus infinity). Bounds are absolute metric values.
 */
public record StepAdjustment(Double lower, Double upper, int adjustment) {

    /** The same row with bounds relative to {@code threshold}, as AWS step policies take them. */
    public StepAdjustment relativeTo(double threshold) {
        return new StepAdjustment(lower == null ? null : lower - threshold, upper == null ? null : upper - threshold,
                adjustment);
    }

    boolean contains(double metric, boolean aboveThreshold) {
        boolean lowerOk = lower == null || (aboveThreshold ? metric >= lower : metric > lower);
        boolean upperOk = upper == null || (aboveThreshold ? metric < upper : metric <= upper);
        return lowerOk && upperOk;
    }
}
