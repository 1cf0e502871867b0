package eic.app.worker;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Drains the dead-letter queue: a request that failed every delivery still ends with an
 * explicit error (a FAILED record and reply), so no client waits forever.
 */
public final class DeadLetterHandler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    private final SqsClient sqs;
    private final ResultStore results;
    private final String deadLetterQueueUrl;
    private final String workerId;
    private final String model;
    private volatile boolean running = true;

    public DeadLetterHandler(SqsClient sqs, ResultStore results, String deadLetterQueueUrl, String workerId,
                             String model) {
        this.sqs = sqs;
        this.results = results;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.workerId = workerId;
        this.model = model;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        Worker.Backoff backoff = new Worker.Backoff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30));
        while (running) {
            try {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(deadLetterQueueUrl).maxNumberOfMessages(10)
                        .waitTimeSeconds(5).messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                        .messages();
                messages.forEach(this::handle);
                backoff.reset();
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!(e instanceof SdkException)) {
                    throw e;
                }
                log.warn("dead-letter queue call failed: {}", e.getMessage());
                backoff.pauseQuietly();
            }
        }
    }

    void handle(Message message) {
        try {
            ClassificationRequest request = Messages.parseRequest(message.body());
            ClassificationReply reply = results.find(request.requestId()).orElseGet(() -> {
                ClassificationReply failed = ClassificationReply.failed(request.requestId(), request.fileName(),
                        "the request could not be processed after repeated attempts", model, workerId);
                results.save(failed);
                return failed;
            });
            Worker.Replies.send(sqs, request.replyTo(), reply);
            log.warn("request {} reached the dead-letter queue; answered {}", request.requestId(), reply.status());
        } catch (Messages.MalformedMessageException e) {
            log.error("dropping an unreadable dead letter: {}", e.getMessage());
        }
        sqs.deleteMessage(b -> b.queueUrl(deadLetterQueueUrl).receiptHandle(message.receiptHandle()));
    }
}
