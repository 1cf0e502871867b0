package eic.web.classify;

import eic.web.classify.ClassificationException.Kind;
import eic.common.messaging.ClassificationReply;
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

    ClassicController(ClassificationService service) {
        this.service = service;
    }

    @PostMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
    CompletableFuture<ResponseEntity<String>> classify(@RequestParam(name = "myfile", required = false) MultipartFile myfile,
                                                       @RequestParam(name = "inputFile", required = false) MultipartFile inputFile,
                                                       @RequestHeader(name = RequestIds.IDEMPOTENCY_KEY, required = false) String key,
                                                       @RequestAttribute(RequestIds.ATTRIBUTE) String requestId) {
        MultipartFile file = myfile != null ? myfile : inputFile;
        if (file == null) {
            throw new ClassificationException(Kind.MALFORMED,
                    "missing the image: send it as multipart field 'myfile' (or 'inputFile')");
        }
        ClassificationService.Submission submission;
        try {
            submission = service.submit(List.of(file), requestId, Optional.ofNullable(key), true).get(0);
        } catch (ClassificationService.AlreadyAccepted again) {
            return CompletableFuture.completedFuture(answered(again.requestId()));
        }
        return submission.reply().handle((reply, error) -> {
            if (error != null) {
                if (ClassificationService.isTimeout(error)) {
                    throw new ClassificationException(Kind.TIMED_OUT,
                            "no answer before the deadline; request id " + submission.requestId(),
                            submission.requestId(), 0);
                }
                throw new IllegalStateException(error);
            }
            return label(reply);
        });
    }

    /**
     * A retry under an idempotency key that was accepted before (the client was cut off):
     * the answer from its record, or 409 naming the id while it is still in work.
     */
    private ResponseEntity<String> answered(String requestId) {
        return service.record(requestId).map(ClassicController::label).orElseThrow(() -> new ClassificationException(
                Kind.IN_PROGRESS, "already accepted as request " + requestId + " and not finished yet; its result "
                + "will be at GET " + AsyncApi.BASE + "/" + requestId, requestId, 1));
    }

    private static ResponseEntity<String> label(ClassificationReply reply) {
        if (!reply.isDone()) {
            throw new ClassificationException(Kind.BAD_IMAGE,
                    "cannot classify " + reply.fileName() + ": " + reply.error(), reply.requestId(), 0);
        }
        return ResponseEntity.ok().header("X-Request-Id", reply.requestId())
                .header("X-Model", reply.model()).contentType(MediaType.TEXT_PLAIN).body(reply.label());
    }
}
