package eic.web.classify;

import eic.web.classify.ClassificationException.Kind;
import eic.common.config.Env;
import eic.common.messaging.RequestContract;
import eic.web.system.WebProperties;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import eic.web.system.RequestIds;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The asynchronous JSON API: submit one or many images and get their ids at once (202),
 * then ask for each one's status. The output bucket is the record, so any web-tier
 * instance answers, also after a restart.
 */
@RestController
class AsyncApi {
    static final String BASE = "/api/v1/classifications";

    private final ClassificationService service;
    private final WebProperties properties;

    AsyncApi(ClassificationService service, WebProperties properties) {
        this.service = service;
        this.properties = properties;
    }

    /**
     * Accepts one or many images (field {@code file}, repeated). Answers 202 with their ids
     * at once, or, with {@code wait} (e.g. {@code 10s}, at most the request timeout), 200
     * with the results when all are ready within it, else 202 with what is known by then.
     * Either way the requests keep the async deadline: the wait bounds only this response.
     */
    @PostMapping(path = BASE, produces = MediaType.APPLICATION_JSON_VALUE)
    CompletableFuture<ResponseEntity<ClassificationView.Items>> submit(
            @RequestParam(name = "file", required = false) List<MultipartFile> files,
            @RequestParam(name = "wait", required = false) String wait,
            @RequestHeader(name = RequestIds.IDEMPOTENCY_KEY, required = false) String key,
            @RequestAttribute(RequestIds.ATTRIBUTE) String requestId,
            @RequestAttribute(RequestIds.ARRIVED) long arrived) {
        if (files == null || files.isEmpty()) {
            throw new ClassificationException(Kind.MALFORMED,
                    "missing the images: send them as multipart field 'file' (repeat it for several)");
        }
        Duration bound = waitBound(wait);
        boolean waiting = !bound.isZero();
        List<ClassificationService.Submission> submissions;
        try {
            submissions = service.submit(files, requestId, Optional.ofNullable(key),
                    ClassificationService.Answering.async(properties, bound), arrived);
        } catch (ClassificationService.AlreadyAccepted again) {
            // A retry of a submission that was accepted: what is known of it, not a second request.
            ClassificationView known = status(again.requestId()).getBody();
            boolean finished = known != null && !known.isPending();
            return CompletableFuture.completedFuture(ResponseEntity.status(finished ? HttpStatus.OK : HttpStatus.ACCEPTED)
                    .location(URI.create(BASE + "/" + again.requestId()))
                    .body(new ClassificationView.Items(List.of(known))));
        }
        List<CompletableFuture<ClassificationView>> items = new ArrayList<>();
        for (var s : submissions) {
            ClassificationView pending = ClassificationView.pending(s.requestId(), s.fileName());
            items.add(!waiting ? CompletableFuture.completedFuture(pending) : s.reply()
                    .thenApply(ClassificationView::of)
                    .exceptionally(error -> pending)
                    .completeOnTimeout(pending, bound.toMillis(), TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<ClassificationView> answered = items.stream().map(CompletableFuture::join).toList();
            boolean allFinished = answered.stream().noneMatch(ClassificationView::isPending);
            var response = ResponseEntity.status(allFinished ? HttpStatus.OK : HttpStatus.ACCEPTED);
            if (answered.size() == 1) {
                response.location(URI.create(answered.get(0).location()));
                ClassificationService.Submission only = submissions.get(0);
                if (allFinished && only.reply().isDone() && !only.reply().isCompletedExceptionally()) {
                    response.header(Timeline.HEADER, only.timeline().serverTiming(only.reply().join()));
                }
            }
            return response.body(new ClassificationView.Items(answered));
        });
    }

    @GetMapping(path = BASE + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ClassificationView> status(@PathVariable String id) {
        if (!RequestContract.isRequestId(id)) {
            throw new ClassificationException(Kind.MALFORMED, "not a classification id: " + id);
        }
        var record = service.record(id);
        if (record.isPresent()) {
            return ResponseEntity.ok(ClassificationView.of(record.get()));
        }
        if (!service.isAccepted(id)) {
            throw new ClassificationException(Kind.NOT_FOUND, "no classification with id " + id);
        }
        return ResponseEntity.ok(ClassificationView.pending(id, null));
    }

    /** The {@code wait} parameter: absent means do not wait; too long or unreadable is the client's error. */
    private Duration waitBound(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Duration bound;
        try {
            bound = Env.parseDuration(wait);
        } catch (RuntimeException e) {
            throw new ClassificationException(Kind.MALFORMED,
                    "wait must be a duration such as 500ms, 10s or PT10S, not '" + wait + "'");
        }
        if (bound.isNegative() || bound.compareTo(properties.requestTimeout()) > 0) {
            throw new ClassificationException(Kind.MALFORMED, "wait must be between 0s and "
                    + properties.requestTimeout().toSeconds() + "s (the request timeout)");
        }
        return bound;
    }
}
