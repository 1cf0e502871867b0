package eic.web.classify;

import eic.common.messaging.ClassificationReply;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Where one request's time went, as the standard {@code Server-Timing} header of its answer
 * (browsers' developer tools and the load client read it). The door's stages are measured here:
 * {@code intake} from the request's arrival to its image checked (the multipart body read, the
 * header sniffed, the digest), {@code store} the upload, {@code enqueue} the request's message.
 * The worker's come with its reply: {@code queue} (sent to received), {@code fetch},
 * {@code decode}, {@code model}, {@code record}. {@code delivery} is the rest between the worker's
 * answer and its arrival here: the reply's send, its queue and this tier's receive.
 * {@code total} is arrival to answer.
 *
 * @param arrivedNanos when the request arrived ({@link System#nanoTime()})
 */
public record Timeline(long arrivedNanos, double intakeMs, double storeMs, double enqueueMs) {
    public static final String HEADER = "Server-Timing";

    /** The header's value for {@code reply}, received now. */
    public String serverTiming(ClassificationReply reply) {
        StringBuilder header = new StringBuilder();
        stage(header, "intake", intakeMs);
        stage(header, "store", storeMs);
        stage(header, "enqueue", enqueueMs);
        ClassificationReply.Timings worker = reply.timings();
        if (worker != null && reply.finishedAt() != null && reply.isDone()) {
            stage(header, "queue", worker.queueWaitMs());
            stage(header, "fetch", worker.downloadMs());
            stage(header, "decode", worker.decodeMs());
            stage(header, "model", worker.inferenceMs());
            stage(header, "record", worker.recordMs());
            long sinceAnswer = Duration.between(reply.finishedAt(), Instant.now()).toMillis();
            stage(header, "delivery", Math.max(0, sinceAnswer - worker.recordMs()));
        }
        stage(header, "total", (System.nanoTime() - arrivedNanos) / 1e6);
        return header.toString();
    }

    private static void stage(StringBuilder header, String name, double ms) {
        if (!header.isEmpty()) {
            header.append(", ");
        }
        header.append(name).append(";dur=").append(String.format(Locale.ROOT, "%.1f", ms));
    }
}
