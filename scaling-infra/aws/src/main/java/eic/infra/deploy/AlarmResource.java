package eic.infra.deploy;

import eic.infra.scaling.StepPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;

/** A metric-math alarm on q - i that triggers one step-scaling policy. */
final class AlarmResource implements Resource {
    private final DeploySpec spec;
    private final CloudWatchClient cloudWatch;
    private final StepPolicy step;
    private final ScalingPolicyResource policy;

    AlarmResource(DeploySpec spec, CloudWatchClient cloudWatch, StepPolicy step, ScalingPolicyResource policy) {
        this.spec = spec;
        this.cloudWatch = cloudWatch;
        this.step = step;
        this.policy = policy;
    }

    @Override
    public String describe() {
        return "alarm " + ScalingRendering.alarmName(spec, step) + " (" + ScalingRendering.EXPRESSION
                + (step.above() ? " > " : " < ") + ScalingRendering.format(step.threshold()) + ")";
    }

    @Override
    public Change plan() {
        Optional<MetricAlarm> alarm = find();
        if (alarm.isEmpty()) {
            return Change.create(spec.policy().datapointsToAlarm() + " of " + spec.policy().evaluationPeriods()
                    + " periods of " + spec.policy().period().toSeconds() + " s");
        }
        PutMetricAlarmRequest wanted = ScalingRendering.alarm(spec, step, policy.arn().orElse(null));
        MetricAlarm actual = alarm.get();
        List<String> differences = new ArrayList<>();
        Change.compare(differences, "threshold", actual.threshold(), wanted.threshold());
        Change.compare(differences, "comparison", actual.comparisonOperator(), wanted.comparisonOperator());
        Change.compare(differences, "evaluation periods", actual.evaluationPeriods(), wanted.evaluationPeriods());
        Change.compare(differences, "datapoints to alarm", actual.datapointsToAlarm(), wanted.datapointsToAlarm());
        Change.compare(differences, "actions", actual.alarmActions(), wanted.alarmActions());
        Change.compare(differences, "metrics", summary(actual.metrics()), summary(wanted.metrics()));
        return Change.of(differences);
    }

    @Override
    public void apply(Change change) {
        String arn = policy.arn().orElseThrow(() -> new IllegalStateException(
                "policy of " + describe() + " does not exist; deploy creates it first"));
        cloudWatch.putMetricAlarm(ScalingRendering.alarm(spec, step, arn));
    }

    @Override
    public String destroy() {
        Optional<MetricAlarm> alarm = find();
        alarm.ifPresent(a -> cloudWatch.deleteAlarms(b -> b.alarmNames(a.alarmName())));
        return alarm.isPresent() ? describe() : null;
    }

    @Override
    public String status() {
        return describe() + ": " + find().map(a -> a.stateValueAsString()).orElse("absent");
    }

    Optional<String> arn() {
        return find().map(MetricAlarm::alarmArn);
    }

    private Optional<MetricAlarm> find() {
        return cloudWatch.describeAlarms(b -> b.alarmNames(ScalingRendering.alarmName(spec, step))).metricAlarms()
                .stream().findFirst();
    }

    private static List<String> summary(List<MetricDataQuery> queries) {
        return queries.stream().map(q -> q.id() + "=" + (q.expression() != null ? q.expression()
                : q.metricStat().metric().namespace() + "/" + q.metricStat().metric().metricName() + "/"
                + q.metricStat().stat() + "/" + q.metricStat().period())).toList();
    }
}
