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
 */
public record ClassificationReply(int version, String requestId, Status status, String fileName, String label,
                                  Double confidence, List<Prediction> top5, String model, String workerId,
                                  String error, Timings timings, Instant finishedAt) {

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

    public static ClassificationReply failed(String requestId, String fileName, String error, String model,
                                             String workerId) {
        return new ClassificationReply(Messages.VERSION, requestId, Status.FAILED, fileName, null, null, List.of(),
                model, workerId, error, Timings.NONE, Instant.now());
    }

    public boolean isDone() {
        return status == Status.DONE;
    }
}
