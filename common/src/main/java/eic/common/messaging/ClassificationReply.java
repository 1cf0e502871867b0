package eic.common.messaging;

import java.time.Instant;
import java.util.List;

/**
 * The reply a worker sends to the request's {@code replyTo} queue, and the JSON record
 * it writes to the output bucket under {@code results/<requestId>.json}.
 *
 * @param status     {@link Status#DONE} with a label, {@link Status#FAILED} with an error that is the image's
 *                   own fault, or {@link Status#EXPIRED}: nobody waited any more when a worker reached it
 *                   (nothing is wrong with the image; a new request would be classified)
 * @param error      why it failed or expired, in words a user can read; null when done
 * @param timings    milliseconds per stage at the worker ({@link Timings})
 * @param sameAs     for a repeat of bytes already classified by this model: the request whose result
 *                   answered it (nothing was downloaded or classified again); null otherwise
 * @param deliveries the receive count of the message that produced this answer: 1 when nothing was
 *                   redelivered (a crash, a drain or an outage makes it more); 0 where no message did
 *                   (the dead-letter handler, the reconciler)
 * @param note       what a user should know of how the image was read, e.g. that the first of several
 *                   pages or frames was classified; null when there is nothing to say
 */
public record ClassificationReply(int version, String requestId, Status status, String fileName, String label,
                                  Double confidence, List<Prediction> top5, String model, String workerId,
                                  String error, Timings timings, Instant finishedAt, String sameAs, int deliveries,
                                  String note) {

    public ClassificationReply(int version, String requestId, Status status, String fileName, String label,
                               Double confidence, List<Prediction> top5, String model, String workerId, String error,
                               Timings timings, Instant finishedAt) {
        this(version, requestId, status, fileName, label, confidence, top5, model, workerId, error, timings,
                finishedAt, null, 0, null);
    }

    public enum Status { DONE, FAILED, EXPIRED }

    public record Prediction(String label, double probability) {
    }

    /**
     * The worker's stages, in milliseconds: waiting in the queue (sent to received), fetching the image,
     * decoding it, the model, and from the door's acceptance to the answer ({@code totalMs}); {@code recordMs},
     * writing the record, is known only once it is written, so it is in the reply sent after it, not in the
     * record itself.
     */
    public record Timings(long queueWaitMs, long downloadMs, long decodeMs, long inferenceMs, long totalMs,
                          long recordMs) {
        public static final Timings NONE = new Timings(0, 0, 0, 0, 0);

        public Timings(long queueWaitMs, long downloadMs, long decodeMs, long inferenceMs, long totalMs) {
            this(queueWaitMs, downloadMs, decodeMs, inferenceMs, totalMs, 0);
        }
    }

    public static ClassificationReply done(ClassificationRequest request, String label, double confidence,
                                           List<Prediction> top5, String model, String workerId, Timings timings) {
        return new ClassificationReply(Messages.VERSION, request.requestId(), Status.DONE, request.fileName(), label,
                confidence, List.copyOf(top5), model, workerId, null, timings, Instant.now());
    }

    /** {@code request} answered by the result of the same bytes, {@code first}: its own id, name and record. */
    public static ClassificationReply sameAs(ClassificationRequest request, ClassificationReply first, String workerId,
                                             Timings timings) {
        return new ClassificationReply(Messages.VERSION, request.requestId(), Status.DONE, request.fileName(),
                first.label(), first.confidence(), first.top5(), first.model(), workerId, null, timings, Instant.now(),
                first.sameAs() != null ? first.sameAs() : first.requestId(), 0, first.note());
    }

    public static ClassificationReply failed(String requestId, String fileName, String error, String model,
                                             String workerId) {
        return new ClassificationReply(Messages.VERSION, requestId, Status.FAILED, fileName, null, null, List.of(),
                model, workerId, error, Timings.NONE, Instant.now());
    }

    /** Nobody waited any more when a worker reached the request: not the image's fault. */
    public static ClassificationReply expired(String requestId, String fileName, String error, String model,
                                              String workerId) {
        return new ClassificationReply(Messages.VERSION, requestId, Status.EXPIRED, fileName, null, null, List.of(),
                model, workerId, error, Timings.NONE, Instant.now());
    }

    /** This answer as produced by the message's {@code deliveries}-th receive. */
    public ClassificationReply withDeliveries(int deliveries) {
        return new ClassificationReply(version, requestId, status, fileName, label, confidence, top5, model, workerId,
                error, timings, finishedAt, sameAs, deliveries, note);
    }

    /** This answer with {@code note} on how the image was read. */
    public ClassificationReply withNote(String note) {
        return new ClassificationReply(version, requestId, status, fileName, label, confidence, top5, model, workerId,
                error, timings, finishedAt, sameAs, deliveries, note);
    }

    /** This answer as the reply that follows its record, which took {@code ms} to write. */
    public ClassificationReply withRecordMs(long ms) {
        Timings t = timings == null ? Timings.NONE : timings;
        return new ClassificationReply(version, requestId, status, fileName, label, confidence, top5, model, workerId,
                error, new Timings(t.queueWaitMs(), t.downloadMs(), t.decodeMs(), t.inferenceMs(), t.totalMs(), ms),
                finishedAt, sameAs, deliveries, note);
    }

    public boolean isDone() {
        return status == Status.DONE;
    }
}
