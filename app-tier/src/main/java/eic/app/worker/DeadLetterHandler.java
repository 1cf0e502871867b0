package eic.app.worker;

import eic.common.messaging.ResultStore;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.LogSafe;
import eic.common.messaging.Messages;
import eic.common.messaging.RequestContract;
import eic.common.queue.MessageHandler;
import eic.common.queue.QueuePoller;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Judges the dead-letter queue. A valid request gets there after its receives ran out without
 * an answer; whether that is the image's fault is what {@link Isolation} recorded: an image
 * that stopped a worker {@link Isolation#CONVICTING} times while it was classified alone ends
 * with an explicit FAILED that says so. Any other - caught up in its batch-mates' crashes,
 * in workers killed from outside, in outages - is sent to the request queue again: delayed,
 * never failed (until its deadline, when it is answered EXPIRED as any request is). One that
 * was answered meanwhile is replied to from its record (the first record stands). A message
 * that breaks the contract - a forgery, or garbage - is never answered and touches nothing:
 * it is parked in the queue for an operator (the queue's depth alarms) until its retention ends.
 */
public final class DeadLetterHandler implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);
    private static final Duration REPLY_PATIENCE = Duration.ofMinutes(1);
    /** A request sent again waits this long first: whatever stopped its workers may still be at it. */
    static final Duration SEND_AGAIN_DELAY = Duration.ofSeconds(10);

    private final SqsClient sqs;
    private final String requestQueue;
    private final ResultStore results;
    private final Uploads uploads;
    private final Replies replies;
    private final Isolation isolation;
    private final RequestContract contract;
    private final String workerId;
    private final String model;
    private final Clock clock;

    public DeadLetterHandler(SqsClient sqs, String requestQueue, ResultStore results, Uploads uploads,
                             Replies replies, Isolation isolation, RequestContract contract, String workerId,
                             String model, Clock clock) {
        this.sqs = sqs;
        this.requestQueue = requestQueue;
        this.isolation = isolation;
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
        String id = request.requestId();
        try {
            Optional<ClassificationReply> answered = results.find(id);
            if (answered.isPresent()) {
                return answer(message, request, answered.get());
            }
            int stopped = isolation.leftBehind(id);
            if (stopped >= Isolation.CONVICTING) {
                return answer(message, request, ClassificationReply.failed(id, request.fileName(), "the image could "
                        + "not be classified: it stopped the worker each of the " + stopped + " times it was "
                        + "classified alone", model, workerId));
            }
            if (request.deadline().isBefore(clock.instant())) {
                return answer(message, request, ClassificationReply.expired(id, request.fileName(), "expired: it "
                        + "was not answered before its deadline " + request.deadline() + " (its workers were stopped "
                        + "or the stores unavailable); nothing is wrong with the image, send it again", model,
                        workerId));
            }
            String sentAgain = Integer.toString(QueuePoller.sentAgain(message) + 1);
            sqs.sendMessage(b -> b.queueUrl(requestQueue).messageBody(message.body())
                    .delaySeconds((int) SEND_AGAIN_DELAY.toSeconds())
                    .messageAttributes(Map.of(QueuePoller.SENT_AGAIN, MessageAttributeValue.builder()
                            .dataType("Number").stringValue(sentAgain).build())));
            log.warn("request {} ran out of receives without failing alone ({} attempt(s) alone stopped a worker): "
                    + "sent to the request queue again", id, stopped);
            return Outcome.delete(message);
        } catch (SdkException e) {
            return Outcome.retry(message, "could not judge the dead letter: " + e.getMessage());
        }
    }

    /** Records the answer (or finds the one that stands), replies with it, tidies the request's traces. */
    private Outcome answer(Message message, ClassificationRequest request, ClassificationReply answer) {
        ClassificationReply standing = results.saveFirst(answer);
        replies.send(request.replyTo(), standing, clock.instant().plus(REPLY_PATIENCE));
        uploads.forgetAnswered(List.of(request.key()));
        isolation.clear(request.requestId());
        log.warn("request {} reached the dead-letter queue; answered {}", request.requestId(), standing.status());
        return Outcome.delete(message);
    }

    private static Outcome park(Message message, String reason) {
        log.warn("dead letter {} breaks the contract ({}); kept for an operator, never answered",
                LogSafe.text(message.messageId()), reason);
        return Outcome.park(message, reason);
    }
}
