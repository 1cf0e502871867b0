package eic.web.classify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import eic.common.messaging.ClassificationReply;
import java.time.Instant;
import java.util.List;

/**
 * One request as the JSON API shows it: pending; done with its label, confidence, top 5,
 * timings and, where a user should know how the image was read, a note (the first of several
 * pages was classified); or failed or expired with the reason. Absent fields are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassificationView(String id, String fileName, String status, String location, String label,
                                 Double confidence, List<ClassificationReply.Prediction> top5,
                                 ClassificationReply.Timings timings, String reason, String model,
                                 Instant finishedAt, String note) {
    public static final String PENDING = "pending";

    /** What the API's responses hold: one item per image. */
    public record Items(List<ClassificationView> items) {
    }

    static ClassificationView pending(String id, String fileName) {
        return new ClassificationView(id, fileName, PENDING, location(id), null, null, null, null, null, null, null,
                null);
    }

    /**
     * A finished request: done with its label; failed with the reason (the image's own fault); or
     * expired with the reason (nobody waited any more; nothing is wrong with the image).
     */
    static ClassificationView of(ClassificationReply reply) {
        String id = reply.requestId();
        if (reply.isDone()) {
            return new ClassificationView(id, reply.fileName(), "done", location(id), reply.label(), reply.confidence(),
                    reply.top5(), reply.timings(), null, reply.model(), reply.finishedAt(), reply.note());
        }
        String status = reply.status() == ClassificationReply.Status.EXPIRED ? "expired" : "failed";
        return new ClassificationView(id, reply.fileName(), status, location(id), null, null, null, null,
                reply.error(), reply.model(), reply.finishedAt(), null);
    }

    @JsonIgnore
    public boolean isPending() {
        return PENDING.equals(status);
    }

    private static String location(String id) {
        return AsyncApi.BASE + "/" + id;
    }
}
