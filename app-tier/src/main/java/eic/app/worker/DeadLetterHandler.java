package eic.app.worker;

import eic.common.messaging.ResultStore;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.LogSafe;
import eic.common.messaging.Messages;
import eic.common.messaging.RequestContract;
import eic.common.queue.MessageHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Answers the dead-letter queue: a valid request that failed or stopped a worker on every
 * delivery (each one alone after the first) ends with an explicit FAILED, unless it was
 * answered meanwhile (the first record stands). A message that breaks the contract — a
 * forgery, or garbage — is never answered and touches nothing: it is parked in the queue
 * for an operator (the queue's depth alarms) until its retention ends.
 */
public final class DeadLetterHandler implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);
    private static final Duration REPLY_PATIENCE = Duration.ofMinutes(1);

    private final ResultStore results;
    private final Uploads uploads;
    private final Replies replies;
    private final RequestContract contract;
    private final String workerId;
    private final String model;
    private final Clock clock;

    public DeadLetterHandler(ResultStore results, Uploads uploads, Replies replies, RequestContract contract,
                             String workerId, String model, Clock clock) {
        this.results = results;
        this.uploads = uploads;
        this.replies = replies;
        this.contract = contract;
        this.workerId = workerId;
        this.model = model;
        this.clock = clock;
    }

    @Override
    public List<Outcome> handle(List<Message> messages) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Message message : messages) {
            outcomes.add(handle(message));
        }
        return outcomes;
    }

    private Outcome handle(Message message) {
        ClassificationRequest request;
        try {
            request = Messages.parseRequest(message.body());
        } catch (Messages.MalformedMessageException e) {
            return park(message, "not a classification request");
        }
        Optional<String> violation = contract.violation(request);
        if (violation.isPresent()) {
            return park(message, violation.get());
        }
        try {
            ClassificationReply standing = results.saveFirst(ClassificationReply.failed(request.requestId(),
                    request.fileName(), "the image could not be classified: it failed or stopped the worker on each "
                            + "of its deliveries, the last ones alone", model, workerId));
            replies.send(request.replyTo(), standing, clock.instant().plus(REPLY_PATIENCE));
            uploads.forgetAnswered(List.of(request.key()));
            log.warn("request {} reached the dead-letter queue; answered {}", request.requestId(), standing.status());
            return Outcome.delete(message);
        } catch (SdkException e) {
            return Outcome.retry(message, "could not record the failure: " + e.getMessage());
        }
    }

    private static Outcome park(Message message, String reason) {
        log.warn("dead letter {} breaks the contract ({}); kept for an operator, never answered",
                LogSafe.text(message.messageId()), reason);
        return Outcome.park(message, reason);
    }
}
