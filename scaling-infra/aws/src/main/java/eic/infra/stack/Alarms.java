package eic.infra.stack;

import static eic.infra.stack.WorkerStack.props;

import java.util.List;
import java.util.Map;

/**
 * What pages someone, through one topic ({@code AlertTopic}, with an optional email
 * subscription), and the log group both tiers write to. Each alarm is named from the stack
 * ({@code <stack>-<name>}), so the dashboard and {@code aws status} can list them; what each
 * means and what to do is in docs/deploy-aws.md.
 *
 * @param maxWorkers the worker group's maximum, which the at-maximum alarm watches
 */
record Alarms(int maxWorkers) {
    /** The paging alarms, by the name after the stack's, in the order the dashboard lists them. */
    static final List<String> NAMES = List.of("dead-letters", "oldest-request", "load-balancer-5xx", "web-5xx",
            "unhealthy-web", "workers-at-maximum");

    /** The log group's name, from the stack's. */
    static final String LOG_GROUP = "/eic/${AWS::StackName}";

    /** The {@code Fn::Sub} ARN of an alarm named {@code ${AWS::StackName}-<name>}. */
    static String arn(String name) {
        return "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-" + name;
    }

    void render(Template t) {
        // Both tiers' logs, one stream per instance and tier, kept a month - and kept when the stack goes, as the
        // data is, under a name that `destroy --delete-data` finds again.
        t.resource("LogGroup", Template.Resource.of("AWS::Logs::LogGroup", props(
                "LogGroupName", Fn.sub(LOG_GROUP), "RetentionInDays", 30)).retained());
        t.condition("HasAlertEmail", Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Fn.ref("AlertEmail"),
                "")))));
        t.resource("AlertTopic", Template.Resource.of("AWS::SNS::Topic", props(
                "DisplayName", Fn.sub("${AWS::StackName} alarms"))));
        t.resource("AlertEmailSubscription", Template.Resource.of("AWS::SNS::Subscription", props(
                "TopicArn", Fn.ref("AlertTopic"), "Protocol", "email", "Endpoint", Fn.ref("AlertEmail")))
                .when("HasAlertEmail"));
        Map<String, Object> dlq = dimension("QueueName", Fn.getAtt("DeadLetterQueue", "QueueName"));
        Map<String, Object> queue = dimension("QueueName", Fn.getAtt("RequestQueue", "QueueName"));
        Map<String, Object> loadBalancer = dimension("LoadBalancer", Fn.getAtt("LoadBalancer", "LoadBalancerFullName"));
        t.resource("DeadLettersAlarm", alarm("dead-letters", "requests reached the dead-letter queue: poison "
                        + "images, or forged messages parked there", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
                List.of(dlq), "Maximum", 0, 1, "GreaterThanThreshold"));
        t.resource("OldestRequestAlarm", alarm("oldest-request", "a request has waited more than ten minutes in the "
                + "queue", "AWS/SQS", "ApproximateAgeOfOldestMessage", List.of(queue), "Maximum", 600, 5,
                "GreaterThanThreshold"));
        t.resource("LoadBalancerErrorsAlarm", alarm("load-balancer-5xx", "the load balancer itself answered 5xx to "
                        + "more than 5 requests a minute for 2 minutes: no healthy web instance (502, 503) or one "
                        + "too slow (504) - what clients see", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count",
                List.of(loadBalancer), "Sum", 5, 2, "GreaterThanThreshold"));
        t.resource("WebErrorsAlarm", alarm("web-5xx", "the web tier answered 5xx to more than 10 requests a minute "
                        + "for 3 minutes", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", List.of(loadBalancer),
                "Sum", 10, 3, "GreaterThanThreshold"));
        t.resource("UnhealthyWebAlarm", alarm("unhealthy-web", "a web instance has failed the load balancer's "
                        + "readiness check for 3 minutes (the group replaces it; more than one at once is an outage "
                        + "of the door)", "AWS/ApplicationELB", "UnHealthyHostCount",
                List.of(dimension("TargetGroup", Fn.targetGroupFullName("WebTargetGroup")), loadBalancer),
                "Maximum", 1, 3, "GreaterThanOrEqualToThreshold"));
        t.resource("WorkersAtMaximumAlarm", alarm("workers-at-maximum", "the workers have been at their maximum ("
                        + maxWorkers + ") for 10 minutes: the backlog grows faster than the fleet can serve it",
                "AWS/AutoScaling", "GroupInServiceInstances", List.of(dimension("AutoScalingGroupName",
                        Fn.ref("WorkerGroup"))), "Minimum", maxWorkers, 10, "GreaterThanOrEqualToThreshold"));
    }

    private static Template.Resource alarm(String name, String description, String namespace, String metric,
                                           List<Map<String, Object>> dimensions, String statistic, double threshold,
                                           int minutes, String comparison) {
        return Template.Resource.of("AWS::CloudWatch::Alarm", props(
                "AlarmName", Fn.sub("${AWS::StackName}-" + name),
                "AlarmDescription", description,
                "Namespace", namespace,
                "MetricName", metric,
                "Dimensions", dimensions,
                "Statistic", statistic,
                "Period", 60,
                "EvaluationPeriods", minutes,
                "Threshold", threshold,
                "ComparisonOperator", comparison,
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(Fn.ref("AlertTopic")),
                "OKActions", List.of(Fn.ref("AlertTopic"))));
    }

    private static Map<String, Object> dimension(String name, Object value) {
        return props("Name", name, "Value", value);
    }
}
