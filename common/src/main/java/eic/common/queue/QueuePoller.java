package eic.common.queue;

import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import eic.common.messaging.LogSafe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The one SQS consumer loop of the project (worker, dead-letter handler, reply listener):
 * long poll, renew the visibility of what it holds (up to a maximum hold), hand each receive
 * to a {@link MessageHandler}, then settle every message as the handler said — delete only
 * what it finished. It never dies: any error is logged, backed off and resumed; a handler
 * that throws costs its messages one receive, never a result. A queue that vanishes is
 * looked up again (the reply listener's resolver recreates it). {@link #stop} stops
 * receiving, cuts an idle long poll, and lets the batch in hand finish; {@link #finish}
 * lets the long poll end first.
 */
public final class QueuePoller implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(QueuePoller.class);
    /** SQS's longest visibility timeout: a parked message stays hidden this long. */
    private static final int PARK_SECONDS = 12 * 3600;
    public static final String DEAD_LETTER_REASON = "eic-dead-letter-reason";
    /**
     * A message attribute: how often a dead-letter handler sent this message back to its queue
     * (its receive count starts again there, but it has come back all the same).
     */
    public static final String SENT_AGAIN = "eic-sent-again";

    private final String name;
    private final SqsClient sqs;
    private final SqsClient pollingSqs;
    private final Supplier<String> resolveQueue;
    private final Optional<Supplier<String>> deadLetterQueue;
    private final PollerSettings settings;
    private final MessageHandler handler;
    private final Clock clock;
    private final ScheduledExecutorService heartbeat;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String queueUrl;
    private volatile boolean running = true;
    private volatile boolean healthy;
    private boolean inReceive;

    private record Held(Message message, Instant receivedAt) {
    }

    /**
     * @param pollingSqs      a client only for the long poll, owned (and closed) by this poller, so that
     *                        {@link #stop} can cut a poll short; every other call uses {@code sqs}
     * @param resolveQueue    the queue's URL, called at start and again after the queue was found missing
     * @param deadLetterQueue where {@link MessageHandler.Disposition#DEAD_LETTER} messages go
     */
    public QueuePoller(String name, SqsClient sqs, SqsClient pollingSqs, Supplier<String> resolveQueue,
                       Optional<Supplier<String>> deadLetterQueue, PollerSettings settings, MessageHandler handler,
                       Clock clock) {
        this.name = name;
        this.sqs = sqs;
        this.pollingSqs = pollingSqs;
        this.resolveQueue = resolveQueue;
        this.deadLetterQueue = deadLetterQueue;
        this.settings = settings;
        this.handler = handler;
        this.clock = clock;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name + "-visibility"));
    }

    /** True once the queue was found or a receive succeeded, until a call fails: the queue is there and answers. */
    public boolean healthy() {
        return healthy;
    }

    /** The queue's URL once resolved, else null. */
    public String queueUrl() {
        return queueUrl;
    }

    @Override
    public void run() {
        long beat = Math.max(100, settings.heartbeat().toMillis());
        heartbeat.scheduleWithFixedDelay(Guarded.task(name + ": visibility renewal", log, this::renewVisibility), beat,
                beat, TimeUnit.MILLISECONDS);
        Duration pause = Duration.ZERO;
        try {
            while (running) {
                try {
                    String url = url();
                    List<Message> messages = receive(url);
                    healthy = true;
                    pause = Duration.ZERO;
                    if (!messages.isEmpty()) {
                        settle(url, handle(messages));
                    }
                } catch (RuntimeException e) {
                    if (!running) {
                        break; // stop() closed the polling client under the long poll
                    }
                    healthy = false;
                    if (e instanceof QueueDoesNotExistException) {
                        queueUrl = null;
                    }
                    pause = Transient.nextPause(pause);
                    log.warn("{}: {}; resuming in {} ms", name, LogSafe.text(String.valueOf(e.getMessage())),
                            pause.toMillis());
                    sleep(pause);
                }
            }
        } finally {
            heartbeat.shutdownNow();
            releaseHeld();
            pollingSqs.close();
            stopped.countDown();
            log.info("{} stopped", name);
        }
    }

    /**
     * Stop receiving once the receive in progress returns (within the wait time); what it
     * brings is handled, then the loop ends. A long poll that is cut short may still take
     * messages at the queue's end for a client that is gone, and those come back only after
     * their visibility timeout: a worker that lives on (parked) or drains a group's instance
     * ends this way.
     */
    public void finish() {
        running = false;
    }

    /**
     * Stop receiving at once: an idle long poll is cut short (see {@link #finish} for what
     * that can cost), a batch in hand is finished.
     */
    public void stop() {
        synchronized (this) {
            running = false;
            if (!inReceive) {
                return;
            }
        }
        pollingSqs.close();
    }

    /** Waits for the loop to end; false if it did not within {@code timeout}. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private String url() {
        String url = queueUrl;
        if (url == null) {
            url = resolveQueue.get();
            queueUrl = url;
            healthy = true; // the queue is there; a failing receive says otherwise
        }
        return url;
    }

    private List<Message> receive(String url) {
        synchronized (this) {
            if (!running) {
                return List.of();
            }
            inReceive = true;
        }
        try {
            List<Message> messages = pollingSqs.receiveMessage(b -> b.queueUrl(url)
                    .maxNumberOfMessages(settings.maxMessages())
                    .waitTimeSeconds((int) settings.waitTime().toSeconds())
                    .visibilityTimeout((int) settings.visibilityTimeout().toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENT_TIMESTAMP)
                    .messageAttributeNames(DEAD_LETTER_REASON, SENT_AGAIN)).messages();
            Instant now = clock.instant();
            messages.forEach(m -> held.put(m.messageId(), new Held(m, now)));
            return messages;
        } finally {
            synchronized (this) {
                inReceive = false;
            }
        }
    }

    /** The handler's outcomes, one per message; whatever it throws or leaves out is retried. */
    private List<MessageHandler.Outcome> handle(List<Message> messages) {
        List<MessageHandler.Outcome> outcomes;
        try {
            outcomes = new ArrayList<>(handler.handle(messages));
        } catch (Throwable e) {
            log.error("{}: handling {} message(s) failed; each is retried: {}", name, messages.size(), e.toString(), e);
            outcomes = new ArrayList<>();
        }
        Set<String> settled = new HashSet<>();
        outcomes.forEach(o -> settled.add(o.message().messageId()));
        for (Message m : messages) {
            if (!settled.contains(m.messageId())) {
                outcomes.add(MessageHandler.Outcome.retry(m, "the handler did not finish it"));
            }
        }
        return outcomes;
    }

    private void settle(String url, List<MessageHandler.Outcome> outcomes) {
        List<Message> delete = new ArrayList<>();
        for (MessageHandler.Outcome o : outcomes) {
            try {
                switch (o.disposition()) {
                    case DELETE -> delete.add(o.message());
                    case RETRY -> changeVisibility(url, o.message(),
                            (int) settings.retryDelay(receiveCount(o.message())).toSeconds());
                    case PARK -> changeVisibility(url, o.message(), PARK_SECONDS);
                    case DEAD_LETTER -> {
                        String dlq = deadLetterQueue.orElseThrow(() -> new IllegalStateException(
                                name + " has no dead-letter queue")).get();
                        sqs.sendMessage(b -> b.queueUrl(dlq).messageBody(o.message().body())
                                .messageAttributes(Map.of(DEAD_LETTER_REASON, MessageAttributeValue.builder()
                                        .dataType("String").stringValue(o.reason()).build())));
                        delete.add(o.message());
                    }
                }
            } catch (RuntimeException e) {
                log.warn("{}: could not settle message {} ({}): {}; it returns after its visibility timeout", name,
                        o.message().messageId(), o.disposition(), e.getMessage());
            } finally {
                if (o.disposition() != MessageHandler.Disposition.DELETE) {
                    held.remove(o.message().messageId());
                }
            }
        }
        deleteAll(url, delete);
    }

    /** Deletes in batches of ten; a transient failure is retried while the messages may still be held. */
    private void deleteAll(String url, List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            List<Message> chunk = messages.subList(from, Math.min(messages.size(), from + 10));
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id("m" + i)
                        .receiptHandle(chunk.get(i).receiptHandle()).build());
            }
            try {
                var response = Transient.retry(() -> sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries)),
                        holdDeadline(chunk.get(0)), clock);
                response.failed().forEach(f -> log.warn("{}: delete failed ({}); the message returns and is answered "
                        + "from its record", name, LogSafe.text(f.message())));
            } catch (SdkException e) {
                log.warn("{}: could not delete {} finished message(s): {}; they return and are answered from their "
                        + "records", name, chunk.size(), e.getMessage());
            } finally {
                chunk.forEach(m -> held.remove(m.messageId()));
            }
        }
    }

    private void changeVisibility(String url, Message message, int seconds) {
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(message.receiptHandle())
                .visibilityTimeout(seconds));
    }

    /** Renews what is held, except what was held past the maximum: that returns to the queue. */
    private void renewVisibility() {
        String url = queueUrl;
        if (url == null || held.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (Held h : held.values()) {
            if (h.receivedAt().plus(settings.maxHold()).isAfter(now)) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + entries.size())
                        .receiptHandle(h.message().receiptHandle())
                        .visibilityTimeout((int) settings.visibilityTimeout().toSeconds()).build());
            }
        }
        try {
            for (int from = 0; from < entries.size(); from += 10) {
                List<ChangeMessageVisibilityBatchRequestEntry> chunk = entries.subList(from,
                        Math.min(entries.size(), from + 10));
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(chunk));
            }
        } catch (RuntimeException e) {
            log.warn("{}: could not renew the visibility of {} held message(s): {}", name, entries.size(),
                    e.getMessage());
        }
    }

    /** On the way out: whatever is still held goes back to the queue at once for another consumer. */
    private void releaseHeld() {
        String url = queueUrl;
        if (url == null) {
            return;
        }
        for (Held h : held.values()) {
            try {
                changeVisibility(url, h.message(), 0);
            } catch (RuntimeException e) {
                log.debug("{}: could not release {}: {}", name, h.message().messageId(), e.getMessage());
            }
        }
        held.clear();
    }

    /** When this message stops being renewed; transient retries on its behalf end there. */
    private Instant holdDeadline(Message message) {
        Held h = held.get(message.messageId());
        return (h == null ? clock.instant() : h.receivedAt()).plus(settings.maxHold());
    }

    @Override
    public String toString() {
        return name;
    }

    public static int receiveCount(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 1 : Integer.parseInt(count);
    }

    /** How often a dead-letter handler sent this message back ({@link #SENT_AGAIN}); 0 for most. */
    public static int sentAgain(Message message) {
        MessageAttributeValue value = message.messageAttributes().get(SENT_AGAIN);
        try {
            return value == null || value.stringValue() == null ? 0 : Integer.parseInt(value.stringValue());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the message was here before: received and not deleted, or sent back from the dead letters. */
    public static boolean cameBack(Message message) {
        return receiveCount(message) > 1 || sentAgain(message) > 0;
    }

    private void sleep(Duration pause) {
        try {
            TimeUnit.MILLISECONDS.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false; // an interrupt means stop, never a loop that no longer pauses
        }
    }
}
