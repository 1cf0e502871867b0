package eic.common.queue;

import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What a {@link QueuePoller} calls with each receive's messages. It answers what became of
 * each one; the poller acknowledges (deletes) only what the handler finished. Throwing
 * fails nothing: every message of the call is released for a later, isolated retry.
 */
@FunctionalInterface
public interface MessageHandler {
    List<Outcome> handle(List<Message> messages);

    /** What the poller does with a message once the handler is through with it. */
    enum Disposition {
        /** Finished (answered, or answered before): delete it. */
        DELETE,
        /** Not finished for a passing reason: release it with back-off; the receive count grows. */
        RETRY,
        /** Breaks the contract: move it to the dead-letter queue at once, touching nothing else. */
        DEAD_LETTER,
        /** Cannot be handled and must not be lost: hide it for hours, for an operator to look at. */
        PARK
    }

    /** @param reason why, for the log and the dead-letter queue; null for DELETE */
    record Outcome(Message message, Disposition disposition, String reason) {
        public static Outcome delete(Message message) {
            return new Outcome(message, Disposition.DELETE, null);
        }

        public static Outcome retry(Message message, String reason) {
            return new Outcome(message, Disposition.RETRY, reason);
        }

        public static Outcome deadLetter(Message message, String reason) {
            return new Outcome(message, Disposition.DEAD_LETTER, reason);
        }

        public static Outcome park(Message message, String reason) {
            return new Outcome(message, Disposition.PARK, reason);
        }
    }
}
