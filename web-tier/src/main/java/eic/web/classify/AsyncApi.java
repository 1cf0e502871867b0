package eic.web.classify;

import eic.common.aws.StackNames;
import eic.common.messaging.ObjectKeys;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.Messages;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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

    AsyncApi(ClassificationService service, S3Client s3, StackNames names) {
        this.service = service;
        this.s3 = s3;
        this.names = names;
    }

    @PostMapping(path = BASE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> submit(@RequestParam(name = "file", required = false) List<MultipartFile> files) {
        if (files == null || files.isEmpty()) {
            throw new ClassificationException(HttpStatus.BAD_REQUEST,
                    "missing the images: send them as multipart field 'file' (repeat it for several)");
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (MultipartFile file : files) {
            ClassificationService.Submission s = service.submit(file.getOriginalFilename(), ClassicController.bytes(file),
                    false);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", s.requestId());
            item.put("fileName", s.fileName());
            item.put("status", "pending");
            item.put("location", BASE + "/" + s.requestId());
            items.add(item);
        }
        var response = ResponseEntity.status(HttpStatus.ACCEPTED);
        if (items.size() == 1) {
            response.location(URI.create((String) items.get(0).get("location")));
        }
        return response.body(Map.of("items", items));
    }

    @GetMapping(path = BASE + "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> status(@PathVariable String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ClassificationException(HttpStatus.BAD_REQUEST, "not a classification id: " + id);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        try {
            String json = s3.getObjectAsBytes(b -> b.bucket(names.outputBucket()).key(ObjectKeys.record(id)))
                    .asUtf8String();
            ClassificationReply reply = Messages.parseReply(json);
            body.put("status", reply.isDone() ? "done" : "failed");
            body.put("fileName", reply.fileName());
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
            return ResponseEntity.ok(body);
        } catch (NoSuchKeyException e) {
            boolean accepted = !s3.listObjectsV2(b -> b.bucket(names.inputBucket())
                    .prefix(ClassificationService.uploadPrefix(id)).maxKeys(1)).contents().isEmpty();
            if (!accepted) {
                throw new ClassificationException(HttpStatus.NOT_FOUND, "no classification with id " + id);
            }
            body.put("status", "pending");
            return ResponseEntity.ok(body);
        }
    }
}
