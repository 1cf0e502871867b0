package eic.infra.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eic.common.aws.StackNames;
import eic.common.messaging.Messages;
import java.util.List;

/**
 * Least-privilege policies: each tier gets these buckets and queues with the actions its
 * code calls, PutMetricData in the EIC namespace, and nothing else.
 */
final class IamDocuments {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private IamDocuments() {
    }

    static String assumeByEc2() {
        ObjectNode doc = document();
        ((ArrayNode) doc.get("Statement")).addObject().put("Effect", "Allow")
                .put("Action", "sts:AssumeRole").putObject("Principal").put("Service", "ec2.amazonaws.com");
        return Messages.toJson(doc);
    }

    static String worker(DeploySpec spec) {
        StackNames n = spec.names();
        ObjectNode doc = document();
        ArrayNode statements = (ArrayNode) doc.get("Statement");
        // ListBucket makes a missing key 404 (NoSuchKey) instead of 403, which the worker relies on.
        allow(statements, "Buckets", List.of("s3:ListBucket"), bucket(n.inputBucket()), bucket(n.outputBucket()));
        allow(statements, "ReadImages", List.of("s3:GetObject"), objects(n.inputBucket()));
        allow(statements, "WriteResults", List.of("s3:GetObject", "s3:PutObject"), objects(n.outputBucket()));
        allow(statements, "TakeRequests", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"),
                spec.queueArn(n.requestQueue()), spec.queueArn(n.deadLetterQueue()));
        allow(statements, "Reply", List.of("sqs:SendMessage"), spec.queueArn(n.replyQueuePrefix() + "*"));
        metrics(statements);
        return Messages.toJson(doc);
    }

    static String web(DeploySpec spec) {
        StackNames n = spec.names();
        ObjectNode doc = document();
        ArrayNode statements = (ArrayNode) doc.get("Statement");
        allow(statements, "Buckets", List.of("s3:ListBucket"), bucket(n.inputBucket()), bucket(n.outputBucket()));
        allow(statements, "StoreImages", List.of("s3:PutObject"), objects(n.inputBucket()));
        allow(statements, "ReadResults", List.of("s3:GetObject"), objects(n.outputBucket()));
        allow(statements, "SendRequests", List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"),
                spec.queueArn(n.requestQueue()));
        allow(statements, "OwnReplyQueue", List.of("sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueUrl",
                        "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SetQueueAttributes"),
                spec.queueArn(n.replyQueuePrefix() + "*"));
        metrics(statements);
        return Messages.toJson(doc);
    }

    private static void metrics(ArrayNode statements) {
        ObjectNode statement = allow(statements, "Metrics", List.of("cloudwatch:PutMetricData"), "*");
        statement.putObject("Condition").putObject("StringEquals")
                .put("cloudwatch:namespace", DashboardBody.APP_NAMESPACE);
    }

    private static ObjectNode document() {
        ObjectNode doc = JSON.objectNode().put("Version", "2012-10-17");
        doc.putArray("Statement");
        return doc;
    }

    private static ObjectNode allow(ArrayNode statements, String sid, List<String> actions, String... resources) {
        ObjectNode statement = statements.addObject().put("Sid", sid).put("Effect", "Allow");
        ArrayNode a = statement.putArray("Action");
        actions.forEach(a::add);
        ArrayNode r = statement.putArray("Resource");
        for (String resource : resources) {
            r.add(resource);
        }
        return statement;
    }

    private static String bucket(String name) {
        return "arn:aws:s3:::" + name;
    }

    private static String objects(String name) {
        return "arn:aws:s3:::" + name + "/*";
    }
}
