package eic.infra.stack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eic.common.messaging.Messages;
import eic.infra.scaling.ScalingPolicy;
import java.util.List;

/**
 * The CloudWatch dashboard: queue depth and in flight, workers, q - i with the alarm
 * thresholds, the alarms' states, request rate, latency p50/p95 and errors. Request
 * latency and outcomes are the {@code EIC} namespace metrics the web tier publishes.
 * The names may be {@code Fn::Sub} placeholders ({@code ${AWS::StackName}-requests}).
 */
final class DashboardBody {
    static final String APP_NAMESPACE = "EIC";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** What the dashboard shows, by name. */
    record Names(String requestQueue, String deadLetterQueue, String workerGroup, String region,
                 List<String> alarmArns) {
    }

    private DashboardBody() {
    }

    static String render(Names names, ScalingPolicy policy) {
        String queue = names.requestQueue();
        String dlq = names.deadLetterQueue();
        String asg = names.workerGroup();
        List<String> alarmArns = names.alarmArns();
        int period = (int) policy.period().toSeconds();
        ArrayNode widgets = JSON.arrayNode();
        widgets.add(metricWidget(names, 0, 0, "Request queue", "Maximum", period,
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue, "queued (q)", null),
                metric("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", queue, "in flight", null),
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq, "dead letters", null)));
        widgets.add(metricWidget(names, 12, 0, "Workers", "Average", period,
                metric("AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", asg, "in service (i)", null),
                metric("AWS/AutoScaling", "GroupDesiredCapacity", "AutoScalingGroupName", asg, "desired", null)));
        ObjectNode backlog = metricWidget(names, 0, 6, "q - i (the scaling alarms' metric)", "Maximum", period,
                expression("q - i", "q - i", "m"),
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue, null, "q"),
                metric("AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", asg, null, "i"));
        ArrayNode thresholds = ((ObjectNode) backlog.get("properties")).putObject("annotations").putArray("horizontal");
        thresholds.addObject().put("label", "scale out above").put("value", policy.scaleOut().threshold());
        thresholds.addObject().put("label", "scale in below").put("value", policy.scaleIn().threshold());
        widgets.add(backlog);
        ObjectNode alarms = widgets.addObject().put("type", "alarm").put("x", 12).put("y", 6).put("width", 12)
                .put("height", 6);
        ArrayNode arns = alarms.putObject("properties").put("title", "Scaling alarms").putArray("alarms");
        alarmArns.forEach(arns::add);
        widgets.add(metricWidget(names, 0, 12, "Requests per minute", "Sum", 60,
                metric("AWS/SQS", "NumberOfMessagesSent", "QueueName", queue, "accepted", null),
                metric("AWS/SQS", "NumberOfMessagesDeleted", "QueueName", queue, "answered", null)));
        widgets.add(metricWidget(names, 12, 12, "Request latency (ms)", null, 60,
                stat(metric(APP_NAMESPACE, "RequestLatency", null, null, "p50", null), "p50"),
                stat(metric(APP_NAMESPACE, "RequestLatency", null, null, "p95", null), "p95")));
        widgets.add(metricWidget(names, 0, 18, "Errors per minute", "Sum", 60,
                metric(APP_NAMESPACE, "Requests", "Outcome", "failed", "failed", null),
                metric(APP_NAMESPACE, "Requests", "Outcome", "timeout", "timed out", null),
                metric(APP_NAMESPACE, "Requests", "Outcome", "error", "server errors", null),
                metric("AWS/SQS", "NumberOfMessagesSent", "QueueName", dlq, "to dead letters", null)));
        ObjectNode body = JSON.objectNode();
        body.set("widgets", widgets);
        return Messages.toJson(body);
    }

    private static ObjectNode metricWidget(Names names, int x, int y, String title, String stat, int period,
                                           ArrayNode... metrics) {
        ObjectNode widget = JSON.objectNode().put("type", "metric").put("x", x).put("y", y).put("width", 12)
                .put("height", 6);
        ObjectNode properties = widget.putObject("properties").put("title", title).put("region", names.region())
                .put("view", "timeSeries").put("period", period);
        if (stat != null) {
            properties.put("stat", stat);
        }
        ArrayNode list = properties.putArray("metrics");
        for (ArrayNode metric : metrics) {
            list.add(metric);
        }
        return widget;
    }

    private static ArrayNode metric(String namespace, String name, String dimension, String value, String label,
                                    String id) {
        ArrayNode metric = JSON.arrayNode().add(namespace).add(name);
        if (dimension != null) {
            metric.add(dimension).add(value);
        }
        ObjectNode options = metric.addObject();
        if (label != null) {
            options.put("label", label);
        }
        if (id != null) {
            options.put("id", id).put("visible", false);
        }
        return metric;
    }

    private static ArrayNode stat(ArrayNode metric, String stat) {
        ((ObjectNode) metric.get(metric.size() - 1)).put("stat", stat);
        return metric;
    }

    private static ArrayNode expression(String expression, String label, String id) {
        return JSON.arrayNode().add(JSON.objectNode().put("expression", expression).put("label", label).put("id", id));
    }
}
