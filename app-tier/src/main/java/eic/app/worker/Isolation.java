package eic.app.worker;

import eic.common.messaging.ObjectKeys;
import eic.common.queue.QueuePoller;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Who is to blame when a worker dies. A message that comes back (a crash, a drain or an
 * outage returned it) is classified <em>alone</em>: no other loop of this JVM decodes or
 * classifies meanwhile, and a marker, {@code ops/alone/<id>/<attempt>} in the output bucket,
 * is written before and removed after. A marker left behind is an attempt that stopped the
 * worker (or failed) while this image was the only one in it: the image's own doing. An image
 * that merely shared a batch, or a worker, with one that kills leaves none, so its batch-mates'
 * crashes are never counted against it. The dead-letter handler reads the markers:
 * {@link #CONVICTING} or more fail the request with that reason; fewer send it again.
 */
public final class Isolation {
    /** Attempts alone that stopped a worker before an image is judged the cause (one may be chance). */
    public static final int CONVICTING = 2;

    private final ReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final S3Client s3;
    private final String bucket;

    public Isolation(S3Client s3, String outputBucket) {
        this.s3 = s3;
        this.bucket = outputBucket;
    }

    /** Runs work on first deliveries: batches of several loops may run side by side. */
    public <T> T together(Supplier<T> work) {
        gate.readLock().lock();
        try {
            return work.get();
        } finally {
            gate.readLock().unlock();
        }
    }

    /** Runs work with nothing else of this JVM's classifying, once the batches in hand are done. */
    public <T> T alone(Supplier<T> work) {
        gate.writeLock().lock();
        try {
            return work.get();
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** Marks an attempt alone at the message's current delivery; returns the marker's key. */
    public String begin(String requestId, Message message) {
        String attempt = message.messageId().replaceAll("[^A-Za-z0-9-]", "_") + "-" + QueuePoller.receiveCount(message);
        String key = ObjectKeys.aloneAttempts(requestId) + attempt;
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.empty());
        return key;
    }

    /** The attempt ended without stopping the worker (an outage, a reply lost): it accuses nothing. */
    public void end(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /** Attempts alone of this request that stopped a worker. */
    public int leftBehind(String requestId) {
        return markers(requestId).size();
    }

    /** The request is answered: its markers go. */
    public void clear(String requestId) {
        List<ObjectIdentifier> keys = markers(requestId).stream()
                .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
        if (!keys.isEmpty()) {
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(keys).quiet(true)));
        }
    }

    private List<S3Object> markers(String requestId) {
        // A request has a handful at most: one page.
        return s3.listObjectsV2(b -> b.bucket(bucket).prefix(ObjectKeys.aloneAttempts(requestId))).contents();
    }
}
