package eic.infra.scaling;

import java.util.List;

/**
 * A CloudWatch alarm on the metric and the step table its step-scaling policy applies.
 *
 * @param name           e.g. {@code scale-out}
 * @param above          true: alarm when metric > threshold; false: when metric < threshold
 * @param threshold      the alarm threshold
 * @param steps          disjoint rows covering the alarm's whole range
 */
public record StepPolicy(String name, boolean above, double threshold, List<StepAdjustment> steps) {

    public StepPolicy {
        steps = List.copyOf(steps);
    }

    public boolean breaches(double metric) {
        return above ? metric > threshold : metric < threshold;
    }

    /** The adjustment for this metric value, or 0 when no row holds it. */
    public int adjustment(double metric) {
        for (StepAdjustment step : steps) {
            if (step.contains(metric, above)) {
                return step.adjustment();
            }
        }
        return 0;
    }
}
