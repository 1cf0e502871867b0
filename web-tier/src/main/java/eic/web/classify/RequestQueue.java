package eic.web.classify;

import eic.common.aws.QueueDepth;
import eic.common.aws.StackNames;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.common.queue.BatchingSender;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The request queue as this web JVM sees it, its one reader: where accepted requests are sent,
 * its depth (read at most once a second, for the intake's bound, the health probe and the
 * backlog publisher alike), and how much work is outstanding (queued or in a worker's hands):
 * the last reading plus the sends since, so a flood cannot outrun the bound between two reads;
 * when the queue cannot be read the last known depth stands for the intake. Requests accepted
 * together go as one batch ({@link BatchingSender}); each caller still returns only once its
 * own request is in the queue.
 */
@Component
public class RequestQueue {
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SqsClient sqs;
    private final BatchingSender sender;
    private final StackNames names;
    private final AtomicInteger sentSinceRead = new AtomicInteger();
    private volatile String url;
    private volatile QueueDepth lastDepth = new QueueDepth(0, 0);
    /** Why the last read failed, while it is the latest one. */
    private volatile SdkException lastFailure;
    private volatile long readAtNanos = System.nanoTime() - 2 * REFRESH_NANOS;

    public RequestQueue(SqsClient sqs, StackNames names) {
        this.sqs = sqs;
        this.sender = new BatchingSender(sqs);
        this.names = names;
    }

    /** Sends a request that {@link #admit} let in; if the send fails, its place is given back. */
    public void send(ClassificationRequest request) {
        try {
            sender.send(url(), Messages.toJson(request));
        } catch (RuntimeException e) {
            giveBack(1);
            throw e;
        }
    }

    /**
     * Takes {@code count} places if the outstanding work stays within {@code bound}; the check
     * and the taking are one step, so concurrent submissions cannot overshoot together.
     *
     * @return the outstanding count that refused them, or -1 when they were admitted
     */
    public synchronized int admit(int count, int bound) {
        int outstanding = outstanding();
        if (outstanding + count > bound) {
            return outstanding;
        }
        sentSinceRead.addAndGet(count);
        return -1;
    }

    /** Gives back places that {@link #admit} took for requests that were not sent after all. */
    public void giveBack(int count) {
        sentSinceRead.addAndGet(-count);
    }

    /** Requests queued or in work (or admitted and being sent), give or take what finished in the last second. */
    public int outstanding() {
        readIfStale(); // a failed read keeps the last known depth: the send that follows says whether the queue is there
        return lastDepth.total() + sentSinceRead.get();
    }

    /** The queue's depth, read within the last second; a queue that cannot be read throws. */
    public QueueDepth depth() {
        readIfStale();
        SdkException failed = lastFailure;
        if (failed != null) {
            throw failed;
        }
        return lastDepth;
    }

    private void readIfStale() {
        if (System.nanoTime() - readAtNanos > REFRESH_NANOS) {
            read();
        }
    }

    /** One reader at a time; the others take what it read. A failure is kept for {@link #depth} until a read succeeds. */
    private synchronized void read() {
        if (System.nanoTime() - readAtNanos <= REFRESH_NANOS) {
            return;
        }
        try {
            int sentBefore = sentSinceRead.get();
            lastDepth = QueueDepth.read(sqs, url());
            sentSinceRead.addAndGet(-sentBefore);
            lastFailure = null;
        } catch (SdkException e) {
            lastFailure = e;
        } finally {
            readAtNanos = System.nanoTime();
        }
    }

    private String url() {
        String known = url;
        if (known == null) {
            known = sqs.getQueueUrl(b -> b.queueName(names.requestQueue())).queueUrl();
            url = known;
        }
        return known;
    }
}
