package eic.web.classify;

import eic.common.aws.AwsClients;
import eic.common.aws.StackNames;
import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.Messages;
import eic.common.queue.MessageHandler;
import eic.common.queue.PollerSettings;
import eic.common.queue.QueuePoller;
import eic.web.system.WebProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * This instance's reply queue: created at start (and again whenever it is found gone), long
 * polled by the project's one {@link QueuePoller}, each reply handed to the request waiting
 * for it, deleted at stop. Several web-tier instances each get their own; each stamps its
 * queue as alive and sweeps those of instances that went without deleting theirs
 * ({@link ReplyQueueSweeper}). As a health
 * indicator in the readiness group it says DOWN while the queue cannot be read, so a load
 * balancer sends classic requests elsewhere.
 */
@Component("replies")
public class ReplyListener implements SmartLifecycle, HealthIndicator {
    private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);
    private static final PollerSettings POLLING = new PollerSettings(10, Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(5));

    /** How often this instance stamps its queue and sweeps those of instances that are gone. */
    private static final Duration BEAT = Duration.ofMinutes(5);
    private static final Duration STALE_AFTER = Duration.ofMinutes(30);

    private final SqsClient sqs;
    private final AwsClients aws;
    private final PendingReplies pending;
    private final String queueName;
    private final ReplyQueueSweeper sweeper;
    private volatile QueuePoller poller;
    private ScheduledExecutorService sweeping;

    public ReplyListener(SqsClient sqs, AwsClients aws, PendingReplies pending, StackNames names,
                         WebProperties properties) {
        this.sqs = sqs;
        this.aws = aws;
        this.pending = pending;
        String id = properties.instanceId().isBlank() ? UUID.randomUUID().toString().substring(0, 12)
                : properties.instanceId();
        this.queueName = names.replyQueuePrefix() + id;
        this.sweeper = new ReplyQueueSweeper(sqs, names.replyQueuePrefix(), STALE_AFTER, Clock.systemUTC());
    }

    /** Where workers send this instance's replies. */
    public String queueUrl() {
        QueuePoller current = poller;
        String url = current == null ? null : current.queueUrl();
        return url != null ? url : createQueue();
    }

    @Override
    public synchronized void start() {
        String url = createQueue();
        poller = new QueuePoller("reply-listener", sqs, aws.newPollingSqsClient(), this::createQueue, Optional.empty(),
                POLLING, this::deliver, Clock.systemUTC());
        Thread thread = new Thread(poller, "reply-listener");
        thread.setDaemon(true);
        thread.start();
        sweeping = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("reply-queue-sweeper"));
        sweeping.scheduleWithFixedDelay(Guarded.task("reply-queue sweep", log, this::sweep), 0, BEAT.toMillis(), TimeUnit.MILLISECONDS);
        log.info("listening for replies on {}", url);
    }

    private void sweep() {
        try {
            sweeper.sweep(queueUrl());
        } catch (SdkException e) {
            log.warn("could not stamp or sweep the reply queues: {}", e.getMessage());
        }
    }

    /** Creates the queue, or finds it when it exists: the same call either way. */
    private String createQueue() {
        return sqs.createQueue(b -> b.queueName(queueName).attributes(Map.of(
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "3600"))).queueUrl();
    }

    private List<MessageHandler.Outcome> deliver(List<software.amazon.awssdk.services.sqs.model.Message> messages) {
        return messages.stream().map(message -> {
            try {
                ClassificationReply reply = Messages.parseReply(message.body());
                if (!pending.complete(reply)) {
                    log.debug("no one waits for reply {} (late or duplicate)", reply.requestId());
                }
            } catch (Messages.MalformedMessageException e) {
                log.warn("dropping an unreadable reply: {}", e.getMessage());
            }
            return MessageHandler.Outcome.delete(message);
        }).toList();
    }

    @Override
    public Health health() {
        QueuePoller current = poller;
        return current != null && current.healthy() ? Health.up().build()
                : Health.down().withDetail("replyQueue", queueName + " cannot be read").build();
    }

    @Override
    public synchronized void stop() {
        QueuePoller current = poller;
        if (current == null) {
            return;
        }
        current.stop();
        sweeping.shutdownNow();
        try {
            current.awaitStopped(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            String url = current.queueUrl();
            if (url != null) {
                sqs.deleteQueue(b -> b.queueUrl(url));
            }
        } catch (SdkException e) {
            log.warn("could not delete reply queue {}: {}", queueName, e.getMessage());
        }
        poller = null;
    }

    @Override
    public boolean isRunning() {
        return poller != null;
    }

    /** Starts before and stops after the web server, so replies still arrive while requests drain. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
