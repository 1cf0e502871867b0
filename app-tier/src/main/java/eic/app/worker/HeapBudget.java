package eic.app.worker;

import eic.app.classifier.Preprocessing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's heap need, derived from the door's limits rather than hoped: each image of a
 * batch holds its upload (at most the door's upload limit) and its decode (at most what the
 * network keeps of an image at the pixel limit, {@link Preprocessing#maxDecodedPixels}, as the
 * reader's image and its RGB copy) and its input tensor; a quarter of the heap is kept for
 * everything else (the model's Java side, the SDK, buffers). A worker whose largest batch
 * would not fit lowers its batch, and one that cannot hold a single image refuses to start.
 *
 * @param heapBytes     the JVM's maximum heap
 * @param perImageBytes what one image of a batch can take at the door's limits
 */
public record HeapBudget(long heapBytes, long perImageBytes) {
    private static final Logger log = LoggerFactory.getLogger(HeapBudget.class);
    /** What the batch may use of the heap; the rest is for everything else. */
    static final double BATCH_SHARE = 0.75;

    public static HeapBudget of(long heapBytes, long maxUploadBytes, long maxPixels, Preprocessing preprocessing) {
        long decoded = Math.min(maxPixels, preprocessing.maxDecodedPixels()) * Integer.BYTES * 2;
        long tensor = (long) 3 * preprocessing.size() * preprocessing.size() * Float.BYTES;
        return new HeapBudget(heapBytes, maxUploadBytes + decoded + tensor);
    }

    /** The largest batch, up to {@code wanted}, that fits; 0 when not even one image does. */
    public int largestBatch(int wanted) {
        long fits = (long) (heapBytes * BATCH_SHARE) / perImageBytes;
        return (int) Math.min(wanted, fits);
    }

    /**
     * {@code settings} with a batch this heap holds: as configured, or lowered (said in the
     * log); a heap that cannot hold one image per loop is refused with what to change.
     */
    public WorkerSettings fit(WorkerSettings settings) {
        int perLoop = largestBatch(settings.maxMessages() * settings.loops()) / settings.loops();
        if (perLoop < 1) {
            throw new IllegalStateException("this worker's heap cannot hold one image per loop at the door's limits ("
                    + describe(settings.loops()) + "): raise EIC_WORKER_HEAP (-Xmx), or lower EIC_MAX_UPLOAD_SIZE or "
                    + "EIC_MAX_PIXELS");
        }
        if (perLoop < settings.maxMessages()) {
            log.warn("batches lowered from {} to {} messages: {}", settings.maxMessages(), perLoop,
                    describe(perLoop * settings.loops()));
            return settings.withMaxMessages(perLoop);
        }
        return settings;
    }

    /** In words, for the log line or the refusal. */
    public String describe(int batch) {
        return String.format("%d image(s) of up to %.1f MB each (the door's upload and pixel limits) in %.0f MB of a "
                + "%d MB heap", batch, perImageBytes / 1e6, heapBytes * BATCH_SHARE / 1e6, heapBytes / (1 << 20));
    }
}
