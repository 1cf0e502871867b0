package eic.common.aws;

import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What a queue holds, in one GetQueueAttributes call: messages waiting (visible), messages
 * received by a consumer and not yet deleted (in flight), and messages sent with a delay that
 * has not yet run out (delayed: a request the dead-letter handler sent again).
 */
public record QueueDepth(int visible, int inFlight, int delayed) {

    public QueueDepth(int visible, int inFlight) {
        this(visible, inFlight, 0);
    }

    public static QueueDepth read(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return new QueueDepth(count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static int count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String value = attributes.get(name);
        return value == null ? 0 : Integer.parseInt(value);
    }

    /** Everything the queue holds, whether or not it can be received now. */
    public int total() {
        return visible + inFlight + delayed;
    }
}
