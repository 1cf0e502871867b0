package eic.infra.stack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eic.common.messaging.Messages;
import eic.infra.scaling.ScalingPolicy;
import java.util.List;

/**
 * The CloudWatch dashboard of one scaling mode: queue depth and in flight, workers, the
 * mode's scaling metric (q - i with the step thresholds, or the backlog per worker with its
 * target), the states of the paging alarms and of the mode's scaling alarms, the load
 * balancer's requests, latency and 5xx, request rate, latency p50/p95 and errors. Request
 * latency and outcomes are the {@code EIC} namespace metrics the web tier publishes.
 * The names may be {@code Fn::Sub} placeholders ({@code ${AWS::StackName}-requests}).
 */
final class DashboardBody {
    static final String APP_NAMESPACE = "EIC";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Where a number goes that is a template parameter, not a literal: {@code ${BacklogPerWorker}}. */
    private static final String BACKLOG_TARGET = "@BacklogPerWorker@";

    /**
     * What the dashboard shows, by name.
     *
     * @param loadBalancer  the load balancer's full name (its metrics' dimension)
     * @param targetGroup   the web target group's full name
     * @param pagingAlarms  the ARNs of the alarms that page someone
     * @param scalingAlarms the ARNs of the mode's scaling alarms (none that can be named under target tracking)
     */
    record Names(String requestQueue, String deadLetterQueue, String workerGroup, String region, String loadBalancer,
                 String targetGroup, List<String> pagingAlarms, List<String> scalingAlarms) {
    }

    private DashboardBody() {
    }

    /** @param backlog whether the workers scale on the backlog per worker (else on q - i, by steps) */
    static String render(Names names, ScalingPolicy policy, boolean backlog) {
        String queue = names.requestQueue();
        String dlq = names.deadLetterQueue();
        String asg = names.workerGroup();
        String lb = names.loadBalancer();
        int period = (int) policy.period().toSeconds();
        ArrayNode widgets = JSON.arrayNode();
        widgets.add(metricWidget(names, 0, 0, "Request queue", "Maximum", period,
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "queued (q)", null, "QueueName", queue),
                metric("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "in flight", null, "QueueName", queue),
                metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", "dead letters", null, "QueueName", dlq)));
        widgets.add(metricWidget(names, 12, 0, "Workers", "Average", period,
                metric("AWS/AutoScaling", "GroupInServiceInstances", "in service (i)", null,
                        "AutoScalingGroupName", asg),
                metric("AWS/AutoScaling", "GroupDesiredCapacity", "desired", null, "AutoScalingGroupName", asg)));
        ObjectNode scaling;
        ArrayNode annotations;
        if (backlog) {
            scaling = metricWidget(names, 0, 6, "Backlog per worker (the scaling metric)", "Maximum", period,
                    expression("(v + f) / i", "(visible + in flight) / in service", "b"),
                    metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", null, "v", "QueueName", queue),
                    metric("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", null, "f", "QueueName", queue),
                    metric("AWS/AutoScaling", "GroupInServiceInstances", null, "i", "AutoScalingGroupName", asg));
            annotations = ((ObjectNode) scaling.get("properties")).putObject("annotations").putArray("horizontal");
            annotations.addObject().put("label", "target").put("value", BACKLOG_TARGET);
        } else {
            scaling = metricWidget(names, 0, 6, "q - i (the scaling alarms' metric)", "Maximum", period,
                    expression("q - i", "q - i", "m"),
                    metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", null, "q", "QueueName", queue),
                    metric("AWS/AutoScaling", "GroupInServiceInstances", null, "i", "AutoScalingGroupName", asg));
            annotations = ((ObjectNode) scaling.get("properties")).putObject("annotations").putArray("horizontal");
            annotations.addObject().put("label", "scale out above").put("value", policy.scaleOut().threshold());
            annotations.addObject().put("label", "scale in below").put("value", policy.scaleIn().threshold());
        }
        widgets.add(scaling);
        ObjectNode alarms = widgets.addObject().put("type", "alarm").put("x", 12).put("y", 6).put("width", 12)
                .put("height", 6);
        ArrayNode arns = alarms.putObject("properties").put("title", names.scalingAlarms().isEmpty()
                ? "Alarms (target tracking's own are on the Auto Scaling group)" : "Alarms, paging and scaling")
                .putArray("alarms");
        names.pagingAlarms().forEach(arns::add);
        names.scalingAlarms().forEach(arns::add);
        widgets.add(metricWidget(names, 0, 12, "Load balancer: requests and 5xx per minute", "Sum", 60,
                metric("AWS/ApplicationELB", "RequestCount", "requests", null, "LoadBalancer", lb),
                metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "5xx by the load balancer", null,
                        "LoadBalancer", lb),
                metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "5xx by the web tier", null,
                        "LoadBalancer", lb)));
        widgets.add(metricWidget(names, 12, 12, "Load balancer: response time (s) and unhealthy web instances", null,
                60,
                stat(metric("AWS/ApplicationELB", "TargetResponseTime", "p50", null, "LoadBalancer", lb), "p50"),
                stat(metric("AWS/ApplicationELB", "TargetResponseTime", "p95", null, "LoadBalancer", lb), "p95"),
                stat(metric("AWS/ApplicationELB", "UnHealthyHostCount", "unhealthy web instances", null,
                        "TargetGroup", names.targetGroup(), "LoadBalancer", lb), "Maximum")));
        widgets.add(metricWidget(names, 0, 18, "Requests per minute", "Sum", 60,
                metric("AWS/SQS", "NumberOfMessagesSent", "accepted", null, "QueueName", queue),
                metric("AWS/SQS", "NumberOfMessagesDeleted", "answered", null, "QueueName", queue)));
        widgets.add(metricWidget(names, 12, 18, "Request latency (ms)", null, 60,
                stat(metric(APP_NAMESPACE, "RequestLatency", "p50", null), "p50"),
                stat(metric(APP_NAMESPACE, "RequestLatency", "p95", null), "p95")));
        widgets.add(metricWidget(names, 0, 24, "Errors per minute", "Sum", 60,
                metric(APP_NAMESPACE, "Requests", "failed", null, "Outcome", "failed"),
                metric(APP_NAMESPACE, "Requests", "timed out", null, "Outcome", "timeout"),
                metric(APP_NAMESPACE, "Requests", "server errors", null, "Outcome", "error"),
                metric("AWS/SQS", "NumberOfMessagesSent", "to dead letters", null, "QueueName", dlq)));
        ObjectNode body = JSON.objectNode();
        body.set("widgets", widgets);
        // The target is the stack's parameter: a number in the JSON that Fn::Sub fills in.
        return Messages.toJson(body).replace("\"" + BACKLOG_TARGET + "\"", "${BacklogPerWorker}");
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

    /** One metric line: its dimensions as name, value pairs; a label, and an id (which hides it) when not null. */
    private static ArrayNode metric(String namespace, String name, String label, String id, String... dimensions) {
        ArrayNode metric = JSON.arrayNode().add(namespace).add(name);
        for (String part : dimensions) {
            metric.add(part);
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
