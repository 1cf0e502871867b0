package eic.web.classify;

import eic.common.aws.StackNames;
import eic.common.config.Env;
import eic.common.images.FileNames;
import eic.common.images.ImageFormat;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.web.system.WebProperties;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The asynchronous JSON API: submit one or many images and get their ids at once (202),
 * then ask for each one's status. The output bucket is the record, so any web-tier
 * instance answers, also after a restart.
 */
@RestController
class AsyncApi {
    static final String BASE = "/api/v1/classifications";

    private final ClassificationService service;
    private final S3Client s3;
    private final StackNames names;
    private final WebProperties properties;
    private final UploadMemory uploadMemory;

    AsyncApi(ClassificationService service, S3Client s3, StackNames names, WebProperties properties,
             UploadMemory uploadMemory) {
        this.service = service;
        this.uploadMemory = uploadMemory;
        this.s3 = s3;
        this.names = names;
        this.properties = properties;
    }

    /**
     * Accepts one or many images (field {@code file}, repeated). Answers 202 with their ids
     * at once, or, with {@code wait} (e.g. {@code 10s}, at most the request timeout), 200
     * with the results when all are ready within it, else 202 with what is known by then.
     */
    @PostMapping(path = BASE, produces = MediaType.APPLICATION_JSON_VALUE)
    CompletableFuture<ResponseEntity<Map<String, Object>>> submit(
            @RequestParam(name = "file", required = false) List<MultipartFile> files,
            @RequestParam(name = "wait", required = false) String wait,
            @RequestHeader(name = RequestIds.IDEMPOTENCY_KEY, required = false) String key,
            @RequestAttribute(RequestIds.ATTRIBUTE) String requestId) {
        if (files == null || files.isEmpty()) {
            throw new ClassificationException(HttpStatus.BAD_REQUEST,
                    "missing the images: send them as multipart field 'file' (repeat it for several)");
        }
        if (key != null && files.size() > 1) {
            throw new ClassificationException(HttpStatus.BAD_REQUEST,
                    "an Idempotency-Key names one request: send one image with it");
        }
        Duration bound = waitBound(wait);
        List<String> ids = new ArrayList<>();
        try (var held = uploadMemory.reserve(files.stream().mapToLong(MultipartFile::getSize).sum())) {
            // The first image is the HTTP request's own id (in every log line); the others get their own.
            ids.add(service.requestId(requestId, Optional.ofNullable(key)));
            while (ids.size() < files.size()) {
                ids.add(UUID.randomUUID().toString());
            }
            return accept(ids, files, bound);
        } catch (ClassificationService.AlreadyAccepted again) {
            // A retry of a submission that was accepted: what is known of it, not a second request.
            Map<String, Object> known = status(again.requestId()).getBody();
            boolean finished = known != null && !"pending".equals(known.get("status"));
            return CompletableFuture.completedFuture(ResponseEntity.status(finished ? HttpStatus.OK : HttpStatus.ACCEPTED)
                    .location(URI.create(BASE + "/" + again.requestId())).body(Map.of("items", List.of(known))));
        }
    }

    private CompletableFuture<ResponseEntity<Map<String, Object>>> accept(List<String> ids, List<MultipartFile> files,
                                                                           Duration bound) {
        boolean waiting = !bound.isZero();
        // All or nothing: every image is checked before any is stored, so a refusal loses no accepted image.
        List<byte[]> contents = new ArrayList<>();
        List<ImageFormat> formats = new ArrayList<>();
        for (MultipartFile file : files) {
            byte[] bytes = ClassicController.bytes(file);
            try {
                formats.add(service.check(bytes));
            } catch (ClassificationException e) {
                if (files.size() == 1) {
                    throw e;
                }
                throw new ClassificationException(e.status(), FileNames.safe(file.getOriginalFilename()) + ": "
                        + e.getMessage() + "; no image was accepted");
            }
            contents.add(bytes);
        }
        service.checkCapacity(waiting ? files.size() : 0, files.size());
        List<CompletableFuture<Map<String, Object>>> items = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            var s = service.accept(ids.get(i), files.get(i).getOriginalFilename(), contents.get(i), formats.get(i),
                    waiting);
            Map<String, Object> pending = item(s.requestId(), s.fileName(), "pending");
            items.add(!waiting ? CompletableFuture.completedFuture(pending) : s.reply()
                    .thenApply(AsyncApi::describe)
                    .exceptionally(error -> pending)
                    .completeOnTimeout(pending, bound.toMillis(), TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<Map<String, Object>> answered = items.stream().map(CompletableFuture::join).toList();
            boolean allFinished = answered.stream().noneMatch(i -> "pending".equals(i.get("status")));
            var response = ResponseEntity.status(allFinished ? HttpStatus.OK : HttpStatus.ACCEPTED);
            if (answered.size() == 1) {
                response.location(URI.create((String) answered.get(0).get("location")));
            }
            return response.body(Map.of("items", answered));
        });
    }

    @GetMapping(path = BASE + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> status(@PathVariable String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ClassificationException(HttpStatus.BAD_REQUEST, "not a classification id: " + id);
        }
        try {
            String json = s3.getObjectAsBytes(b -> b.bucket(names.outputBucket()).key(ObjectKeys.record(id)))
                    .asUtf8String();
            return ResponseEntity.ok(describe(Messages.parseReply(json)));
        } catch (NoSuchKeyException e) {
            boolean accepted = !s3.listObjectsV2(b -> b.bucket(names.inputBucket())
                    .prefix(ObjectKeys.uploadPrefix(id)).maxKeys(1)).contents().isEmpty();
            if (!accepted) {
                throw new ClassificationException(HttpStatus.NOT_FOUND, "no classification with id " + id);
            }
            return ResponseEntity.ok(item(id, null, "pending"));
        }
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
            throw new ClassificationException(HttpStatus.BAD_REQUEST,
                    "wait must be a duration such as 500ms, 10s or PT10S, not '" + wait + "'");
        }
        if (bound.isNegative() || bound.compareTo(properties.requestTimeout()) > 0) {
            throw new ClassificationException(HttpStatus.BAD_REQUEST, "wait must be between 0s and "
                    + properties.requestTimeout().toSeconds() + "s (the request timeout)");
        }
        return bound;
    }

    private static Map<String, Object> item(String id, String fileName, String status) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", id);
        if (fileName != null) {
            item.put("fileName", fileName);
        }
        item.put("status", status);
        item.put("location", BASE + "/" + id);
        return item;
    }

    /** A finished request as the API shows it: done with its label, or failed with the reason. */
    static Map<String, Object> describe(ClassificationReply reply) {
        Map<String, Object> body = item(reply.requestId(), reply.fileName(), reply.isDone() ? "done" : "failed");
        if (reply.isDone()) {
            body.put("label", reply.label());
            body.put("confidence", reply.confidence());
            body.put("top5", reply.top5());
            body.put("timings", reply.timings());
        } else {
            body.put("reason", reply.error());
        }
        body.put("model", reply.model());
        body.put("finishedAt", reply.finishedAt());
        return body;
    }
}
