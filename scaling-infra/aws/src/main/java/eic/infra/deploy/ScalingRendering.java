package eic.infra.deploy;

import eic.infra.scaling.ScalingPolicy;
import eic.infra.scaling.StepPolicy;
import java.util.List;
import software.amazon.awssdk.services.autoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.autoscaling.model.StepAdjustment;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * The scaling policy as AWS resources: each {@link StepPolicy} becomes a step-scaling
 * policy on the workers' group and a CloudWatch metric-math alarm on q - i that triggers it.
 * Pure functions of the policy and the spec, so the tests read exactly what is sent.
 */
final class ScalingRendering {
    /** The alarms' metric: visible request messages minus in-service workers. */
    static final String EXPRESSION = "q - i";

    private ScalingRendering() {
    }

    static String policyName(DeploySpec spec, StepPolicy step) {
        return spec.name(step.name());
    }

    static String alarmName(DeploySpec spec, StepPolicy step) {
        return spec.name(step.name());
    }

    static PutScalingPolicyRequest policy(DeploySpec spec, StepPolicy step) {
        ScalingPolicy policy = spec.policy();
        var builder = PutScalingPolicyRequest.builder()
                .autoScalingGroupName(spec.workerAsg())
                .policyName(policyName(spec, step))
                .policyType("StepScaling")
                .adjustmentType("ChangeInCapacity")
                .metricAggregationType("Average")
                .stepAdjustments(stepAdjustments(step));
        if (!policy.warmup().isZero()) {
            builder.estimatedInstanceWarmup((int) policy.warmup().toSeconds());
        }
        return builder.build();
    }

    /** AWS step bounds are relative to the alarm threshold; ours are absolute metric values. */
    static List<StepAdjustment> stepAdjustments(StepPolicy step) {
        return step.steps().stream().map(s -> s.relativeTo(step.threshold())).map(s -> StepAdjustment.builder()
                .metricIntervalLowerBound(s.lower()).metricIntervalUpperBound(s.upper())
                .scalingAdjustment(s.adjustment()).build()).toList();
    }

    static PutMetricAlarmRequest alarm(DeploySpec spec, StepPolicy step, String policyArn) {
        ScalingPolicy policy = spec.policy();
        int period = (int) policy.period().toSeconds();
        return PutMetricAlarmRequest.builder()
                .alarmName(alarmName(spec, step))
                .alarmDescription((step.above() ? "q - i > " : "q - i < ") + format(step.threshold())
                        + ": step scaling of " + spec.workerAsg() + " (" + step.name() + ")")
                .actionsEnabled(true)
                .alarmActions(policyArn)
                .metrics(metrics(spec, period))
                .comparisonOperator(step.above() ? ComparisonOperator.GREATER_THAN_THRESHOLD
                        : ComparisonOperator.LESS_THAN_THRESHOLD)
                .threshold(step.threshold())
                .evaluationPeriods(policy.evaluationPeriods())
                .datapointsToAlarm(policy.datapointsToAlarm())
                // With no queue datapoint, q - i has none either: keep the last state rather than act.
                .treatMissingData("missing")
                .tags(Tag.builder().key(DeploySpec.STACK_TAG).value(spec.prefix()).build())
                .build();
    }

    /** q = visible request messages (SQS), i = in-service workers (the group's metrics), m = q - i. */
    static List<MetricDataQuery> metrics(DeploySpec spec, int period) {
        return List.of(
                MetricDataQuery.builder().id("q").returnData(false).metricStat(ms -> ms.period(period).stat("Maximum")
                        .metric(m -> m.namespace("AWS/SQS").metricName("ApproximateNumberOfMessagesVisible")
                                .dimensions(Dimension.builder().name("QueueName").value(spec.names().requestQueue())
                                        .build()))).build(),
                MetricDataQuery.builder().id("i").returnData(false).metricStat(ms -> ms.period(period).stat("Average")
                        .metric(m -> m.namespace("AWS/AutoScaling").metricName("GroupInServiceInstances")
                                .dimensions(Dimension.builder().name("AutoScalingGroupName").value(spec.workerAsg())
                                        .build()))).build(),
                MetricDataQuery.builder().id("m").label("q - i").expression(EXPRESSION).returnData(true).build());
    }

    static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
