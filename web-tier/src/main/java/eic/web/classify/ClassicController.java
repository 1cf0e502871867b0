package eic.web.classify;

import eic.web.classify.ClassificationException.Kind;
import eic.common.messaging.ClassificationReply;
import eic.web.system.WebProperties;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import eic.web.system.RequestIds;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The classic contract of the workload generator: {@code POST /} with the multipart
 * field {@code myfile} (or {@code inputFile}); the answer is the label as plain text.
 */
@RestController
class ClassicController {
    private final ClassificationService service;
    private final WebProperties properties;

    ClassicController(ClassificationService service, WebProperties properties) {
        this.service = service;
        this.properties = properties;
    }

    @PostMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
    CompletableFuture<ResponseEntity<String>> classify(@RequestParam(name = "myfile", required = false) MultipartFile myfile,
                                                       @RequestParam(name = "inputFile", required = false) MultipartFile inputFile,
                                                       @RequestHeader(name = RequestIds.IDEMPOTENCY_KEY, required = false) String key,
                                                       @RequestAttribute(RequestIds.ATTRIBUTE) String requestId,
                                                       @RequestAttribute(RequestIds.ARRIVED) long arrived) {
        MultipartFile file = myfile != null ? myfile : inputFile;
        if (file == null) {
            throw new ClassificationException(Kind.MALFORMED,
                    "missing the image: send it as multipart field 'myfile' (or 'inputFile')");
        }
        ClassificationService.Submission submission;
        try {
            submission = service.submit(List.of(file), requestId, Optional.ofNullable(key),
                    ClassificationService.Answering.classic(properties), arrived).get(0);
        } catch (ClassificationService.AlreadyAccepted again) {
            return answered(again.requestId());
        }
        Timeline timeline = submission.timeline();
        return labelWhenAnswered(submission.requestId(), submission.reply()).thenApply(answer -> ResponseEntity
                .status(answer.getStatusCode()).headers(answer.getHeaders())
                .header(Timeline.HEADER, timeline.serverTiming(submission.reply().join())).body(answer.getBody()));
    }

    /**
     * A submission under an idempotency key that was accepted before (a retry of a client that
     * was cut off) or at the same moment (two clients racing under one key): the answer from
     * its record; while in work, the reply this instance waits for, when it is this instance's;
     * else 409 naming the id.
     */
    private CompletableFuture<ResponseEntity<String>> answered(String requestId) {
        Optional<ClassificationReply> record = service.record(requestId);
        if (record.isPresent()) {
            return CompletableFuture.completedFuture(label(record.get()));
        }
        return service.inWork(requestId).map(reply -> labelWhenAnswered(requestId, reply))
                .orElseThrow(() -> new ClassificationException(Kind.IN_PROGRESS, "already accepted as request "
                        + requestId + " and not finished yet; its result will be at GET " + AsyncApi.BASE + "/"
                        + requestId, requestId, 1));
    }

    private static CompletableFuture<ResponseEntity<String>> labelWhenAnswered(
            String requestId, CompletableFuture<ClassificationReply> reply) {
        return reply.handle((answer, error) -> {
            if (error != null) {
                if (ClassificationService.isTimeout(error)) {
                    throw new ClassificationException(Kind.TIMED_OUT,
                            "no answer before the deadline; request id " + requestId, requestId, 0);
                }
                throw new IllegalStateException(error);
            }
            return label(answer);
        });
    }

    /** DONE: the label. EXPIRED: retryable, nothing is wrong with the image. FAILED: the image's own fault. */
    private static ResponseEntity<String> label(ClassificationReply reply) {
        if (reply.status() == ClassificationReply.Status.EXPIRED) {
            throw new ClassificationException(Kind.TIMED_OUT, "request " + reply.requestId() + " expired before a "
                    + "worker reached it (the service was busy); nothing is wrong with the image: send it again, with "
                    + "a new Idempotency-Key if you use one", reply.requestId(), 1);
        }
        if (!reply.isDone()) {
            throw new ClassificationException(Kind.BAD_IMAGE,
                    "cannot classify " + reply.fileName() + ": " + reply.error(), reply.requestId(), 0);
        }
        // X-Request-Id is the door's (RequestIds): the id it gave is the one the reply answers.
        return ResponseEntity.ok().header("X-Model", reply.model()).contentType(MediaType.TEXT_PLAIN).body(reply.label());
    }
}
