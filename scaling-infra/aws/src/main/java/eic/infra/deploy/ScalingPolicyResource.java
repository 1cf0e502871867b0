package eic.infra.deploy;

import eic.infra.scaling.StepPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.autoscaling.model.StepAdjustment;

/** One step-scaling policy of the workers' group, rendered from the shared policy object. */
final class ScalingPolicyResource implements Resource {
    private final DeploySpec spec;
    private final AutoScalingClient autoScaling;
    private final StepPolicy step;

    ScalingPolicyResource(DeploySpec spec, AutoScalingClient autoScaling, StepPolicy step) {
        this.spec = spec;
        this.autoScaling = autoScaling;
        this.step = step;
    }

    @Override
    public String describe() {
        return "step scaling policy " + ScalingRendering.policyName(spec, step) + " (" + step.steps().size()
                + " steps)";
    }

    @Override
    public Change plan() {
        Optional<ScalingPolicy> policy = find();
        if (policy.isEmpty()) {
            return Change.create("on " + spec.workerAsg());
        }
        List<String> differences = new ArrayList<>();
        if (!steps(policy.get().stepAdjustments()).equals(steps(ScalingRendering.stepAdjustments(step)))) {
            differences.add("step adjustments differ");
        }
        return Change.of(differences);
    }

    @Override
    public void apply(Change change) {
        autoScaling.putScalingPolicy(ScalingRendering.policy(spec, step));
    }

    @Override
    public String destroy() {
        Optional<ScalingPolicy> policy = find();
        policy.ifPresent(p -> autoScaling.deletePolicy(b -> b.autoScalingGroupName(spec.workerAsg())
                .policyName(p.policyName())));
        return policy.isPresent() ? describe() : null;
    }

    @Override
    public String status() {
        return describe() + ": " + (find().isPresent() ? "present" : "absent");
    }

    /** The policy's ARN, which its alarm triggers. */
    Optional<String> arn() {
        return find().map(ScalingPolicy::policyARN);
    }

    private Optional<ScalingPolicy> find() {
        return autoScaling.describePolicies(b -> b.autoScalingGroupName(spec.workerAsg())
                .policyNames(ScalingRendering.policyName(spec, step))).scalingPolicies().stream().findFirst();
    }

    /** Comparable rows; AWS may hand back the same steps in another order. */
    private static List<String> steps(List<StepAdjustment> adjustments) {
        return adjustments.stream().map(a -> a.metricIntervalLowerBound() + ".." + a.metricIntervalUpperBound() + ":"
                + a.scalingAdjustment()).sorted().toList();
    }
}
