package eic.common.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends messages the way callers expect - {@link #send} returns once its message is in the
 * queue, or throws - but sends the ones that arrive together as one {@code SendMessageBatch}
 * (up to ten): the first caller for a queue sends what is waiting, those that arrive
 * meanwhile go in its next batch. A lone message goes at once, alone, so nothing waits for
 * company: under load the calls per message fall towards a tenth, idle the latency is that
 * of one send. An entry the batch refuses is sent again on its own, so its caller sees that
 * message's own fault. No caller waits unbounded: whatever the leader meets fails the batch
 * in hand (never strands it), and a caller whose message is not sent within {@code bound}
 * gets a {@link SdkClientException} (an outage, as a failed send would be).
 */
public final class BatchingSender {
    /** SQS takes at most ten entries per batch. */
    static final int MAX_BATCH = 10;
    /** And at most 256 KiB in all; keep clear of it. */
    static final int MAX_BATCH_BYTES = 200 * 1024;
    /** The longest a caller waits for its message by default. */
    public static final Duration DEFAULT_BOUND = Duration.ofMinutes(2);

    private final SqsClient sqs;
    private final Duration bound;
    private final Map<String, ArrayDeque<Pending>> waiting = new HashMap<>();

    private record Pending(String body, CompletableFuture<Void> sent) {
    }

    /**
     * Callers wait at most {@link #DEFAULT_BOUND}: beyond a client's call timeout (35 s by default)
     * for the batch ahead and its own.
     */
    public BatchingSender(SqsClient sqs) {
        this(sqs, DEFAULT_BOUND);
    }

    /** @param bound the longest a caller waits for its message to be sent, its own send and those ahead of it */
    public BatchingSender(SqsClient sqs, Duration bound) {
        this.sqs = sqs;
        this.bound = bound;
    }

    /** Puts {@code body} on the queue at {@code queueUrl}; the SDK's exception if it could not. */
    public void send(String queueUrl, String body) {
        Pending mine = new Pending(body, new CompletableFuture<>());
        boolean leader;
        synchronized (this) {
            ArrayDeque<Pending> queue = waiting.get(queueUrl);
            leader = queue == null;
            if (leader) {
                queue = new ArrayDeque<>();
                waiting.put(queueUrl, queue);
            }
            queue.add(mine);
        }
        if (leader) {
            drain(queueUrl);
        }
        try {
            mine.sent().get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw SdkClientException.create("the message was not sent within " + bound, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted while sending", e);
        }
    }

    /** The leader sends batches until nothing waits for this queue; then the next caller leads. */
    private void drain(String queueUrl) {
        while (true) {
            List<Pending> batch = new ArrayList<>(MAX_BATCH);
            synchronized (this) {
                ArrayDeque<Pending> queue = waiting.get(queueUrl);
                int bytes = 0;
                while (!queue.isEmpty() && batch.size() < MAX_BATCH
                        && (batch.isEmpty() || bytes + queue.peek().body().length() <= MAX_BATCH_BYTES)) {
                    Pending next = queue.poll();
                    bytes += next.body().length();
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    waiting.remove(queueUrl);
                    return;
                }
            }
            try {
                sendBatch(queueUrl, batch);
            } catch (RuntimeException | Error e) { // never leave a caller waiting on a batch that was not sent
                batch.forEach(p -> p.sent().completeExceptionally(e));
                if (e instanceof Error error) {
                    abandon(queueUrl, error);
                    throw error;
                }
            }
        }
    }

    /** The leader dies: whoever waits behind it is told, and the next caller leads anew. */
    private synchronized void abandon(String queueUrl, Throwable cause) {
        ArrayDeque<Pending> queue = waiting.remove(queueUrl);
        if (queue != null) {
            queue.forEach(p -> p.sent().completeExceptionally(cause));
        }
    }

    private void sendBatch(String queueUrl, List<Pending> batch) {
        if (batch.size() == 1) {
            sendAlone(queueUrl, batch.get(0));
            return;
        }
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(batch.get(i).body())
                    .build());
        }
        SendMessageBatchResponse response;
        try {
            response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        } catch (RuntimeException e) {
            batch.forEach(p -> p.sent().completeExceptionally(e));
            return;
        }
        response.successful().forEach(ok -> batch.get(Integer.parseInt(ok.id())).sent().complete(null));
        for (BatchResultErrorEntry failed : response.failed()) {
            sendAlone(queueUrl, batch.get(Integer.parseInt(failed.id())));
        }
    }

    private void sendAlone(String queueUrl, Pending pending) {
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(pending.body()));
            pending.sent().complete(null);
        } catch (RuntimeException e) {
            pending.sent().completeExceptionally(e);
        }
    }
}
