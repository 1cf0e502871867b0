package eic.common.messaging;

import java.time.Instant;
import java.util.List;

/**
 * The reply a worker sends to the request's {@code replyTo} queue, and the JSON record
 * it writes to the output bucket under {@code results/<requestId>.json}.
 *
 * @param status     {@link Status#DONE} with a label, or {@link Status#FAILED} with an error
 * @param error      why it failed, in words a user can read; null when done
 * @param timings    milliseconds per stage: queueWait, download, decode, inference, total
 * @param sameAs     for a repeat of bytes already classified by this model: the request whose result
 *                   answered it (nothing was downloaded or classified again); null otherwise
 */
public record ClassificationReply(int version, String requestId, Status status, String fileName, String label,
                                  Double confidence, List<Prediction> top5, String model, String workerId,
                                  String error, Timings timings, Instant finishedAt, String sameAs) {

    public ClassificationReply(int version, String requestId, Status status, String fileName, String label,
                               Double confidence, List<Prediction> top5, String model, String workerId, String error,
                               Timings timings, Instant finishedAt) {
        this(version, requestId, status, fileName, label, confidence, top5, model, workerId, error, timings,
                finishedAt, null);
    }

    public enum Status { DONE, FAILED }

    public record Prediction(String label, double probability) {
    }

    public record Timings(long queueWaitMs, long downloadMs, long decodeMs, long inferenceMs, long totalMs) {
        public static final Timings NONE = new Timings(0, 0, 0, 0, 0);
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
                first.sameAs() != null ? first.sameAs() : first.requestId());
    }

    public static ClassificationReply failed(String requestId, String fileName, String error, String model,
                                             String workerId) {
        return new ClassificationReply(Messages.VERSION, requestId, Status.FAILED, fileName, null, null, List.of(),
                model, workerId, error, Timings.NONE, Instant.now());
    }

    public boolean isDone() {
        return status == Status.DONE;
    }
}
