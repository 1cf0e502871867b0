package eic.infra.stack;

import static eic.infra.stack.WorkerStack.BACKLOG_SCALING;
import static eic.infra.stack.WorkerStack.FAST_SCALING;
import static eic.infra.stack.WorkerStack.IN_SERVICE;
import static eic.infra.stack.WorkerStack.ORIGINAL_SCALING;
import static eic.infra.stack.WorkerStack.props;

import eic.infra.scaling.FastBacklogPolicy;
import eic.infra.scaling.ScalingPolicy;
import eic.infra.scaling.StepAdjustment;
import eic.infra.scaling.StepPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the workers scale, one mode per {@code Scaling} parameter value: the step policies on
 * q - i with their metric-math alarms ({@code q-minus-i}, the default), target tracking of the
 * backlog per worker ({@code backlog}), or step scaling on the web tier's 10-second backlog
 * per worker ({@code fast-backlog}); each mode's resources exist only under its condition.
 */
record ScalingResources(ScalingPolicy policy) {
    /** The fast option's alarms, by the name after the stack's. */
    static final String FAST_SCALE_OUT = "fast-scale-out";
    static final String FAST_SCALE_IN = "fast-scale-in";

    void render(Template t) {
        t.condition("StepScaling", Map.of("Fn::Equals", List.of(Fn.ref("Scaling"), ORIGINAL_SCALING)));
        scaling(t, policy.scaleOut(), "ScaleOut");
        scaling(t, policy.scaleIn(), "ScaleIn");
        backlogScaling(t);
        fastScaling(t);
    }

    /** One step policy and the alarm on q - i that triggers it. */
    private void scaling(Template t, StepPolicy step, String logicalPrefix) {
        Map<String, Object> policyProperties = props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PolicyType", "StepScaling",
                "AdjustmentType", "ChangeInCapacity",
                "MetricAggregationType", "Average",
                "StepAdjustments", step.steps().stream().map(s -> stepAdjustment(s.relativeTo(step.threshold())))
                        .toList());
        if (!policy.warmup().isZero()) {
            policyProperties.put("EstimatedInstanceWarmup", policy.warmup().toSeconds());
        }
        t.resource(logicalPrefix + "Policy", Template.Resource.of("AWS::AutoScaling::ScalingPolicy",
                policyProperties).when("StepScaling"));
        long period = policy.period().toSeconds();
        t.resource(logicalPrefix + "Alarm", Template.Resource.of("AWS::CloudWatch::Alarm", props(
                "AlarmName", Fn.sub(alarmName(step)),
                "AlarmDescription", (step.above() ? "q - i > " : "q - i < ") + format(step.threshold())
                        + ": step scaling of the workers (" + step.name() + ")",
                "ActionsEnabled", true,
                "AlarmActions", List.of(Fn.ref(logicalPrefix + "Policy")),
                "Metrics", List.of(
                        props("Id", "q", "ReturnData", false, "MetricStat", props("Period", period, "Stat", "Maximum",
                                "Metric", props("Namespace", "AWS/SQS", "MetricName",
                                        "ApproximateNumberOfMessagesVisible", "Dimensions", List.of(props(
                                                "Name", "QueueName", "Value",
                                                Fn.getAtt("RequestQueue", "QueueName")))))),
                        props("Id", "i", "ReturnData", false, "MetricStat", props("Period", period, "Stat", "Average",
                                "Metric", props("Namespace", "AWS/AutoScaling", "MetricName", IN_SERVICE,
                                        "Dimensions", List.of(props("Name", "AutoScalingGroupName",
                                                "Value", Fn.ref("WorkerGroup")))))),
                        props("Id", "m", "Label", "q - i", "Expression", "q - i", "ReturnData", true)),
                "ComparisonOperator", step.above() ? "GreaterThanThreshold" : "LessThanThreshold",
                "Threshold", step.threshold(),
                "EvaluationPeriods", policy.evaluationPeriods(),
                "DatapointsToAlarm", policy.datapointsToAlarm(),
                // With no queue datapoint, q - i has none either: keep the last state rather than act.
                "TreatMissingData", "missing")).when("StepScaling"));
    }

    /**
     * The other option: AWS's recipe for queue workers, target tracking of the backlog per
     * worker in service - (visible + in flight) / i - at {@code BacklogPerWorker}. In flight
     * counts, so a burst being worked on does not read as surplus (q - i does), and scale-in
     * only takes workers that scale-in protection leaves it: idle ones.
     */
    private void backlogScaling(Template t) {
        long period = policy.period().toSeconds();
        t.condition("BacklogScaling", Map.of("Fn::Equals", List.of(Fn.ref("Scaling"), BACKLOG_SCALING)));
        Map<String, Object> queue = props("Name", "QueueName", "Value", Fn.getAtt("RequestQueue", "QueueName"));
        t.resource("BacklogPolicy", Template.Resource.of("AWS::AutoScaling::ScalingPolicy", props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PolicyType", "TargetTrackingScaling",
                "TargetTrackingConfiguration", props(
                        "TargetValue", Fn.ref("BacklogPerWorker"),
                        "CustomizedMetricSpecification", props("Metrics", List.of(
                                backlogTerm("v", "AWS/SQS", "ApproximateNumberOfMessagesVisible", queue, "Sum", period),
                                backlogTerm("f", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", queue, "Sum",
                                        period),
                                backlogTerm("i", "AWS/AutoScaling", IN_SERVICE, props("Name", "AutoScalingGroupName",
                                        "Value", Fn.ref("WorkerGroup")), "Average", period),
                                props("Id", "backlog", "Label", "backlog per worker", "Expression", "(v + f) / i",
                                        "ReturnData", true)))))).when("BacklogScaling"));
    }

    /**
     * The fast option: the web tier publishes the backlog per worker in service every 10 s
     * at high resolution (CloudWatch namespace {@code EIC}); an alarm with a 10 s period adds
     * workers in steps as far above {@code BacklogPerWorker} as the backlog is, so the
     * decision comes within 20 s of a burst instead of the minutes SQS's one-minute metrics
     * take. Scale-in is deliberately slow (three minutes under one message per worker) and
     * takes only idle workers (scale-in protection).
     */
    private void fastScaling(Template t) {
        t.condition("FastScaling", Map.of("Fn::Equals", List.of(Fn.ref("Scaling"), FAST_SCALING)));
        List<Map<String, Object>> out = new ArrayList<>();
        for (StepAdjustment step : FastBacklogPolicy.SCALE_OUT) {
            Map<String, Object> row = props("MetricIntervalLowerBound", step.lower(),
                    "ScalingAdjustment", step.adjustment());
            if (step.upper() != null) {
                row.put("MetricIntervalUpperBound", step.upper());
            }
            out.add(row);
        }
        int period = (int) FastBacklogPolicy.PERIOD.toSeconds();
        fastStep(t, "FastScaleOut", FAST_SCALE_OUT, out, "ChangeInCapacity", "GreaterThanThreshold",
                Fn.ref("BacklogPerWorker"), period, 1,
                "the backlog per worker is above BacklogPerWorker (10 s resolution): add workers");
        fastStep(t, "FastScaleIn", FAST_SCALE_IN, List.of(props("MetricIntervalUpperBound", 0,
                        "ScalingAdjustment", FastBacklogPolicy.SCALE_IN_PERCENT)), "PercentChangeInCapacity",
                "LessThanThreshold", FastBacklogPolicy.SCALE_IN_BELOW, period, FastBacklogPolicy.SCALE_IN_PERIODS,
                "under one message per worker for " + period * FastBacklogPolicy.SCALE_IN_PERIODS
                        + " s: half the workers go (only idle ones can: scale-in protection)");
    }

    private void fastStep(Template t, String prefix, String alarmName, List<Map<String, Object>> steps,
                          String adjustmentType, String comparison, Object threshold, int period, int periods,
                          String description) {
        Map<String, Object> policyProperties = props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PolicyType", "StepScaling",
                "AdjustmentType", adjustmentType,
                "MetricAggregationType", "Maximum",
                "StepAdjustments", steps);
        if (adjustmentType.equals("PercentChangeInCapacity")) {
            policyProperties.put("MinAdjustmentMagnitude", 1);
        }
        if (!policy.warmup().isZero()) {
            policyProperties.put("EstimatedInstanceWarmup", policy.warmup().toSeconds());
        }
        t.resource(prefix + "Policy", Template.Resource.of("AWS::AutoScaling::ScalingPolicy", policyProperties)
                .when("FastScaling"));
        t.resource(prefix + "Alarm", Template.Resource.of("AWS::CloudWatch::Alarm", props(
                "AlarmName", Fn.sub("${AWS::StackName}-" + alarmName),
                "AlarmDescription", description,
                "Namespace", DashboardBody.APP_NAMESPACE,
                "MetricName", "BacklogPerWorker",
                "Dimensions", List.of(props("Name", "QueueName", "Value", Fn.getAtt("RequestQueue", "QueueName"))),
                "Statistic", "Maximum",
                "Period", period,
                "EvaluationPeriods", periods,
                "Threshold", threshold,
                "ComparisonOperator", comparison,
                "TreatMissingData", "missing",
                "AlarmActions", List.of(Fn.ref(prefix + "Policy")))).when("FastScaling"));
    }

    private static Map<String, Object> backlogTerm(String id, String namespace, String metric,
                                                   Map<String, Object> dimension, String stat, long period) {
        return props("Id", id, "ReturnData", false, "MetricStat", props(
                "Metric", props("Namespace", namespace, "MetricName", metric, "Dimensions", List.of(dimension)),
                "Stat", stat, "Period", period));
    }

    /** Named from the stack, so the dashboard can name it without a reference to the alarm resource. */
    private static String alarmName(StepPolicy step) {
        return "${AWS::StackName}-" + step.name();
    }

    private static Map<String, Object> stepAdjustment(StepAdjustment s) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (s.lower() != null) {
            row.put("MetricIntervalLowerBound", s.lower());
        }
        if (s.upper() != null) {
            row.put("MetricIntervalUpperBound", s.upper());
        }
        row.put("ScalingAdjustment", s.adjustment());
        return row;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
