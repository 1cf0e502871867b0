package eic.web.classify;

import eic.common.aws.StackNames;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.Messages;
import eic.web.system.WebProperties;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * This instance's reply queue: created at start, long-polled by one thread that hands
 * each reply to the request waiting for it, deleted at stop. Several web-tier instances
 * behind a load balancer each get their own.
 */
@Component
public class ReplyListener implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);

    private final SqsClient sqs;
    private final PendingReplies pending;
    private final String queueName;
    private volatile String queueUrl;
    private volatile boolean running;
    private Thread thread;

    public ReplyListener(SqsClient sqs, PendingReplies pending, StackNames names, WebProperties properties) {
        this.sqs = sqs;
        this.pending = pending;
        String id = properties.instanceId().isBlank() ? UUID.randomUUID().toString().substring(0, 12)
                : properties.instanceId();
        this.queueName = names.replyQueuePrefix() + id;
    }

    public String queueUrl() {
        return queueUrl;
    }

    @Override
    public synchronized void start() {
        queueUrl = sqs.createQueue(b -> b.queueName(queueName).attributes(java.util.Map.of(
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "3600"))).queueUrl();
        running = true;
        thread = new Thread(this::poll, "reply-listener");
        thread.setDaemon(true);
        thread.start();
        log.info("listening for replies on {}", queueUrl);
    }

    private void poll() {
        while (running) {
            try {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                        .waitTimeSeconds(20)).messages();
                for (Message message : messages) {
                    try {
                        ClassificationReply reply = Messages.parseReply(message.body());
                        if (!pending.complete(reply)) {
                            log.debug("no one waits for reply {} (late or duplicate)", reply.requestId());
                        }
                    } catch (Messages.MalformedMessageException e) {
                        log.warn("ignoring an unreadable reply: {}", e.getMessage());
                    }
                }
                if (!messages.isEmpty()) {
                    sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(messages.stream()
                            .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                                    .receiptHandle(m.receiptHandle()).build()).toList()));
                }
            } catch (SdkException e) {
                if (!running) {
                    return;
                }
                log.warn("reply queue call failed: {}", e.getMessage());
                try {
                    Thread.sleep(1000); // back off before the next long poll
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        try {
            sqs.deleteQueue(b -> b.queueUrl(queueUrl));
        } catch (SdkException e) {
            log.warn("could not delete reply queue {}: {}", queueUrl, e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before and stops after the web server, so replies still arrive while requests drain. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
