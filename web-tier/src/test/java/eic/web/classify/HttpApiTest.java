package eic.web.classify;

import static org.assertj.core.api.Assertions.assertThat;
import eic.common.aws.QueueDepth;
import eic.common.messaging.ObjectKeys;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.common.messaging.ModelAnnouncement;
import eic.common.images.TestImages;
import eic.common.shapes.ShapeImages;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The web tier through real HTTP against real ElasticMQ and S3Proxy (no worker runs): every
 * bad input gets a clear error (one plain line on POST /, problem JSON under /api) and
 * nothing is stored or enqueued for it; the async API's lifecycle from accepted to done.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"eic.instance-id=web-test",
        "spring.servlet.multipart.max-file-size=64KB", "eic.request-timeout=2s", "eic.max-pixels=1000000"})
class HttpApiTest extends LocalStorage {
    @org.springframework.beans.factory.annotation.Autowired
    ReplyListener replies;
    @org.springframework.beans.factory.annotation.Autowired
    PendingReplies pending;
    @org.springframework.beans.factory.annotation.Autowired
    eic.web.system.WebProperties properties;

    @Test
    void aReplyQueueThatVanishesIsCreatedAgain() {
        String url = replies.queueUrl();
        String name = url.substring(url.lastIndexOf('/') + 1);
        storage.aws().sqs().deleteQueue(b -> b.queueUrl(url));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .ignoreException(software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException.class)
                .until(() -> storage.aws().sqs().getQueueUrl(b -> b.queueName(name)).queueUrl() != null);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                http.getForEntity("/actuator/health/readiness", String.class).getStatusCode() == HttpStatus.OK);
        assertThat(http.getForObject("/actuator/health", String.class)).contains("\"replies\":{\"status\":\"UP\"");
    }

    @Test
    void aMissingFieldIs400() {
        assertRejected(() -> post("other", "a.png", ShapeImages.png(image())), HttpStatus.BAD_REQUEST, "'myfile'");
    }

    @Test
    void anEmptyFileOrOneThatIsNoImageIs415() {
        assertRejected(() -> post("myfile", "a.png", new byte[0]), HttpStatus.UNSUPPORTED_MEDIA_TYPE, "empty");
        assertRejected(() -> post("myfile", "a.png", "hello".getBytes()), HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "not a JPEG, PNG, GIF, BMP, WebP or TIFF");
    }

    @Test
    void aPixelBombIs422FromItsHeaderAndACorruptHeaderToo() {
        assertRejected(() -> post("myfile", "bomb.png", ShapeImages.pixelBombPng(100_000, 100_000)), HttpStatus.UNPROCESSABLE_ENTITY,
                "too many pixels");
        byte[] garbled = new byte[64];
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, 0, garbled, 0, 8);
        assertRejected(() -> post("myfile", "x.png", garbled), HttpStatus.UNPROCESSABLE_ENTITY, "corrupt image");
    }

    @Test
    void webpAndTiffAreAcceptedTheirBombHeadersRefusedAndHeicIsToldHowToConvert() throws Exception {
        java.awt.image.BufferedImage picture = image();
        for (var upload : List.of(new Upload("p.tiff", TestImages.tiff(picture)),
                new Upload("p.webp", TestImages.webp(false, picture)))) {
            ResponseEntity<String> accepted = post("/api/v1/classifications", Map.of("file", List.of(upload)));
            assertThat(accepted.getStatusCode()).as(upload.fileName()).isEqualTo(HttpStatus.ACCEPTED);
        }
        assertRejected(() -> post("myfile", "bomb.tiff", TestImages.tiffBomb(100_000, 100_000)),
                HttpStatus.UNPROCESSABLE_ENTITY, "too many pixels");
        assertRejected(() -> post("myfile", "bomb.webp", TestImages.webpBomb(16_000, 16_000)),
                HttpStatus.UNPROCESSABLE_ENTITY, "too many pixels");
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 1, 2, 3, 4};
        assertRejected(() -> post("myfile", "photo.heic", heic), HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "HEIC/HEIF photo, which this service cannot read: send it as JPEG, PNG, GIF, BMP, WebP or TIFF");
        purgeRequests();
    }

    @Test
    void anImageOverTheSizeLimitIs413() {
        byte[] big = new byte[200 * 1024];
        new Random(1).nextBytes(big);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, 0, big, 0, 4);
        assertRejected(() -> post("inputFile", "big.png", big), HttpStatus.PAYLOAD_TOO_LARGE, "larger than the limit");
    }

    @Test
    void anAcceptedImageIsStoredUnderASafeKeyAndTimesOutWith504AndItsIdWhenNoWorkerAnswers() {
        ResponseEntity<String> response = post("myfile", "../../etc/pass\u0001wd .png", ShapeImages.png(image()));
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        String id = response.getHeaders().getFirst("X-Request-Id");
        assertThat(response.getHeaders().get("X-Request-Id")).as("once").containsExactly(id);
        assertThat(response.getBody()).contains(id).doesNotContain("Exception");
        var keys = storage.aws().s3().listObjectsV2(b -> b.bucket(names().inputBucket()).prefix("uploads/")).contents()
                .stream().map(o -> o.key()).filter(k -> k.contains(id)).toList();
        assertThat(keys).containsExactly("uploads/" + id);
        assertThat(storage.aws().s3().headObject(b -> b.bucket(names().inputBucket()).key(keys.get(0))).metadata())
                .containsEntry(ObjectKeys.FILE_NAME, "passwd_.png");
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
    }

    @Test
    void asyncSubmissionsAre202WithIdsPendingUntilTheirRecordExistsThenDone() throws Exception {
        ResponseEntity<String> response = post("/api/v1/classifications", Map.of("file", List.of(
                new Upload("one.png", ShapeImages.png(image())), new Upload("two.png", ShapeImages.png(image())))));
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        JsonNode items = Messages.json().readTree(response.getBody()).path("items");
        assertThat(items).hasSize(2);
        String id = items.get(0).path("id").asText();
        assertThat(items.get(0).path("status").asText()).isEqualTo("pending");
        assertThat(items.get(0).path("location").asText()).isEqualTo("/api/v1/classifications/" + id);
        assertThat(items.get(0).fieldNames()).toIterable().as("a pending item says no more")
                .containsExactly("id", "fileName", "status", "location");

        JsonNode pending = Messages.json().readTree(http.getForObject("/api/v1/classifications/" + id, String.class));
        assertThat(pending.path("status").asText()).isEqualTo("pending");

        // what a worker writes when it is done: the record in the output bucket
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, id, names().inputBucket(), "k",
                "one.png", null, Instant.now(), Instant.now());
        storage.aws().s3().putObject(b -> b.bucket(names().outputBucket()).key(ObjectKeys.record(id)),
                RequestBody.fromString(Messages.toJson(ClassificationReply.done(request, "red circle", 0.97,
                        List.of(new ClassificationReply.Prediction("red circle", 0.97)), "shapes", "w",
                        ClassificationReply.Timings.NONE))));
        JsonNode done = Messages.json().readTree(http.getForObject("/api/v1/classifications/" + id, String.class));
        assertThat(done.path("status").asText()).isEqualTo("done");
        assertThat(done.path("label").asText()).isEqualTo("red circle");
        assertThat(done.path("model").asText()).isEqualTo("shapes");
        assertThat(done.path("top5")).hasSize(1);
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
        storage.aws().s3().listObjectsV2(b -> b.bucket(names().inputBucket()).prefix("uploads/")).contents()
                .forEach(o -> storage.aws().s3().deleteObject(b -> b.bucket(names().inputBucket()).key(o.key())));
    }

    @Test
    void apiErrorsAreProblemDetails() throws Exception {
        ResponseEntity<String> unknown = http.getForEntity("/api/v1/classifications/" + UUID.randomUUID(), String.class);
        assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(unknown.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        ResponseEntity<String> malformed = http.getForEntity("/api/v1/classifications/../../x", String.class);
        assertThat(malformed.getStatusCode().is4xxClientError()).isTrue();
        long storedBefore = storedUploads();
        ResponseEntity<String> empty = post("/api/v1/classifications", Map.of("file", List.of(new Upload("e.png",
                new byte[0]))));
        assertThat(empty.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(storedUploads()).isEqualTo(storedBefore);
        JsonNode problem = Messages.json().readTree(empty.getBody());
        assertThat(problem.path("status").asInt()).isEqualTo(415);
        assertThat(problem.path("detail").asText()).contains("empty");
    }

    @Test
    void oneBadImageAmongManyRefusesThemAllNamingItAndStoresNothing() throws Exception {
        long storedBefore = storedUploads();
        int queuedBefore = queued();
        ResponseEntity<String> response = post("/api/v1/classifications", Map.of("file", List.of(
                new Upload("good.png", ShapeImages.png(image())), new Upload("../bad\u0007.png", new byte[0]))));
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(Messages.json().readTree(response.getBody()).path("detail").asText())
                .isEqualTo("bad.png: the file is empty; no image was accepted");
        assertThat(storedUploads()).as("the good image was not stored either").isEqualTo(storedBefore);
        assertThat(queued()).isEqualTo(queuedBefore);
    }

    @Test
    void aFailedRecordIsReportedWithItsReason() throws Exception {
        String id = UUID.randomUUID().toString();
        putRecord(ClassificationReply.failed(id, "odd.png", "corrupt image: truncated PNG data", "shapes", "w"));
        JsonNode failed = Messages.json().readTree(http.getForObject("/api/v1/classifications/" + id, String.class));
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("reason").asText()).isEqualTo("corrupt image: truncated PNG data");
        assertThat(failed.has("label")).isFalse();
    }

    @Test
    void aBoundedWaitBoundsOnlyTheResponseTheRequestKeepsTheAsyncDeadline() throws Exception {
        purgeRequests();
        ResponseEntity<String> response = post("/api/v1/classifications?wait=300ms", Map.of("file",
                List.of(new Upload("w.png", ShapeImages.png(image())))));
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        JsonNode item = Messages.json().readTree(response.getBody()).path("items").get(0);
        assertThat(item.path("status").asText()).isEqualTo("pending");
        assertThat(response.getHeaders().getLocation()).hasToString(item.path("location").asText());
        ClassificationRequest sent = Messages.parseRequest(storage.aws().sqs().receiveMessage(b -> b
                .queueUrl(storage.requestQueueUrl()).waitTimeSeconds(5)).messages().get(0).body());
        assertThat(sent.requestId()).isEqualTo(item.path("id").asText());
        assertThat(java.time.Duration.between(sent.submittedAt(), sent.deadline())).as("the async deadline, not the "
                + "classic 2 s").isEqualTo(properties.asyncDeadline());
        assertThat(pending.find(sent.requestId())).as("no waiting place kept after the response").isEmpty();
        purgeRequests();
    }

    @Test
    void twoClientsRacingUnderOneKeyAreOneRequestAndBothGetItsAnswer() throws Exception {
        purgeRequests();
        String key = UUID.randomUUID().toString();
        HttpHeaders headers = new HttpHeaders();
        headers.set("Idempotency-Key", key);
        byte[] red = ShapeImages.png(ShapeImages.random(new Random(21), 64, 128).image());
        byte[] blue = ShapeImages.png(ShapeImages.random(new Random(22), 64, 128).image());
        var both = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = both.submit(() -> postWith("/", "myfile", red, headers));
            var second = both.submit(() -> postWith("/", "myfile", blue, headers));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> queued() >= 1);
            byte[] stored = storage.aws().s3().getObjectAsBytes(b -> b.bucket(names().inputBucket())
                    .key(ObjectKeys.upload(key))).asByteArray();
            assertThat(List.of(red, blue)).as("the upload is one client's bytes, whole").anySatisfy(
                    bytes -> assertThat(stored).isEqualTo(bytes));
            // What a worker does: record and reply, once, for the one request.
            ClassificationReply answer = ClassificationReply.done(new ClassificationRequest(Messages.VERSION, key,
                    names().inputBucket(), ObjectKeys.upload(key), "p.png", replies.queueUrl(), Instant.now(),
                    Instant.now()), "blue square", 0.9, List.of(), "shapes", "w", ClassificationReply.Timings.NONE);
            putRecord(answer);
            storage.aws().sqs().sendMessage(b -> b.queueUrl(replies.queueUrl()).messageBody(Messages.toJson(answer)));
            for (var response : List.of(first.get(), second.get())) {
                assertThat(response.getStatusCode()).as("neither waits out its deadline").isEqualTo(HttpStatus.OK);
                assertThat(response.getBody()).isEqualTo("blue square");
                assertThat(response.getHeaders().getFirst("X-Request-Id")).isEqualTo(key);
            }
        } finally {
            both.shutdownNow();
        }
        assertThat(queued()).as("one request").isEqualTo(1);
        purgeRequests();
    }

    @Test
    void aRetryAfterExpiredIsRetryableWithTheRequestIdNeverTheImagesFault() throws Exception {
        String key = UUID.randomUUID().toString();
        putRecord(ClassificationReply.expired(key, "late.png", "expired: no worker reached it before its deadline",
                "shapes", "w"));
        HttpHeaders headers = new HttpHeaders();
        headers.set("Idempotency-Key", key);
        ResponseEntity<String> retry = postWith("/", "myfile", ShapeImages.png(image()), headers);
        assertThat(retry.getStatusCode()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
        assertThat(retry.getHeaders().getFirst("X-Request-Id")).isEqualTo(key);
        assertThat(retry.getBody()).contains(key).contains("nothing is wrong with the image");
        JsonNode status = readTree(http.getForObject("/api/v1/classifications/" + key, String.class));
        assertThat(status.path("status").asText()).isEqualTo("expired");
    }

    @Test
    void anUnreadableOrTooLongWaitIsAProblemAndNothingIsStored() throws Exception {
        long storedBefore = storedUploads();
        for (String wait : List.of("soon", "10m", "-5s")) {
            ResponseEntity<String> response = post("/api/v1/classifications?wait=" + wait, Map.of("file",
                    List.of(new Upload("w.png", ShapeImages.png(image())))));
            assertThat(response.getStatusCode()).as("wait=%s", wait).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(Messages.json().readTree(response.getBody()).path("detail").asText()).contains("wait must be");
        }
        assertThat(storedUploads()).isEqualTo(storedBefore);
    }

    @Test
    void thePagesAreServed() {
        ResponseEntity<String> form = http.getForEntity("/", String.class);
        assertThat(form.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(form.getBody()).contains("Drop images here").contains("/upload.js");
        ResponseEntity<String> ops = http.getForEntity("/ops", String.class);
        assertThat(ops.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(ops.getBody()).contains("Queue and fleet").contains("/ops.js");
    }

    @Test
    void infoNamesTheModelTheWorkersAnnounced() throws Exception {
        storage.aws().s3().putObject(b -> b.bucket(names().outputBucket()).key(ObjectKeys.SERVING_MODEL),
                RequestBody.fromString(Messages.toJson(new ModelAnnouncement("shapes", "self-trained demo CNN",
                        "worker-7", Instant.now()))));
        JsonNode info = Messages.json().readTree(http.getForObject("/api/v1/info", String.class));
        assertThat(info.path("model").path("name").asText()).isEqualTo("shapes");
        assertThat(info.path("model").path("workerId").asText()).isEqualTo("worker-7");
        assertThat(info.path("apiKeyRequired").asBoolean()).isFalse();
        assertThat(info.path("maxUploadBytes").asLong()).isEqualTo(64 * 1024);
        assertThat(info.path("maxPixels").asLong()).isEqualTo(1_000_000);
    }

    @Test
    void actuatorReportsProbesAndPrometheusMetricsByOutcome() {
        post("myfile", "a.txt", "hello".getBytes());
        assertThat(http.getForEntity("/actuator/health/readiness", String.class).getBody()).contains("\"UP\"");
        assertThat(http.getForEntity("/actuator/health/liveness", String.class).getBody()).contains("\"UP\"");
        String metrics = http.getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).containsPattern("eic_requests_total\\{[^}]*outcome=\"rejected\"[^}]*\\} [1-9]")
                .contains("eic_request_latency_seconds_bucket").contains("eic_queue_wait_seconds_bucket")
                .contains("eic_requests_waiting");
        JsonNode stats = readTree(http.getForObject("/api/v1/stats", String.class));
        assertThat(stats.path("recent").path("series").size()).isEqualTo(30);
    }

    @Test
    void aRetryUnderTheSameIdempotencyKeyIsNeverASecondRequest() {
        purgeRequests();
        byte[] png = ShapeImages.png(image());
        String key = UUID.randomUUID().toString();
        HttpHeaders headers = new HttpHeaders();
        headers.set("Idempotency-Key", key);
        ResponseEntity<String> first = postWith("/api/v1/classifications", "file", png, headers);
        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(readTree(first.getBody()).path("items").path(0).path("id").asText()).isEqualTo(key);
        long stored = storedUploads();
        ResponseEntity<String> again = postWith("/api/v1/classifications", "file", png, headers);
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(readTree(again.getBody()).path("items").path(0).path("status").asText()).isEqualTo("pending");
        ResponseEntity<String> classic = postWith("/", "myfile", png, headers);
        assertThat(classic.getStatusCode()).as("classic retry while in work").isEqualTo(HttpStatus.CONFLICT);
        assertThat(classic.getHeaders().get("X-Request-Id")).as("once").containsExactly(key);
        assertThat(classic.getBody()).contains("/api/v1/classifications/" + key);
        assertThat(storedUploads()).as("no second upload").isEqualTo(stored);
        assertThat(queued()).as("one request queued").isEqualTo(1);

        putRecord(ClassificationReply.done(new ClassificationRequest(Messages.VERSION, key, names().inputBucket(),
                ObjectKeys.upload(key), "p.png", null, Instant.now(), Instant.now()), "red circle", 0.9,
                List.of(), "shapes", "w", ClassificationReply.Timings.NONE));
        ResponseEntity<String> answered = postWith("/", "myfile", png, headers);
        assertThat(answered.getStatusCode()).as("a cut-off classic client gets its label").isEqualTo(HttpStatus.OK);
        assertThat(answered.getBody()).isEqualTo("red circle");
        assertThat(postWith("/api/v1/classifications", "file", png, headers).getStatusCode()).isEqualTo(HttpStatus.OK);

        headers.set("Idempotency-Key", "not-a-uuid");
        assertThat(postWith("/", "myfile", png, headers).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(queued()).isEqualTo(1);
        purgeRequests();
    }

    @Test
    void everyLineLoggedWhileServingARequestCarriesThatRequestsId() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger framework = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "org.springframework.web");
        ch.qos.logback.classic.Logger security = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "org.springframework.security");
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        root.addAppender(appender);
        // The framework's own lines too, from the security chain to the async dispatch that writes the answer.
        framework.setLevel(ch.qos.logback.classic.Level.DEBUG);
        security.setLevel(ch.qos.logback.classic.Level.DEBUG);
        List<String> ids = new java.util.ArrayList<>();
        try {
            ResponseEntity<String> accepted = post("/api/v1/classifications",
                    Map.of("file", List.of(new Upload("logged.png", ShapeImages.png(image())))));
            assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
            ids.add(accepted.getHeaders().getFirst("X-Request-Id"));
            assertThat(readTree(accepted.getBody()).path("items").path(0).path("id").asText()).isEqualTo(ids.get(0));
            ResponseEntity<String> refused = post("myfile", "notes.txt", "hello".getBytes());
            assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
            ids.add(refused.getHeaders().getFirst("X-Request-Id"));
        } finally {
            root.detachAppender(appender);
            framework.setLevel(null);
            security.setLevel(null);
        }
        List<ch.qos.logback.classic.spi.ILoggingEvent> serving = appender.list.stream()
                .filter(e -> e.getThreadName().startsWith("http-nio")).toList();
        assertThat(serving).as("lines were written while serving").hasSizeGreaterThan(4);
        assertThat(serving).allSatisfy(e -> assertThat(e.getMDCPropertyMap().get("requestId"))
                .as("request id of: %s", e.getFormattedMessage()).isIn(ids));
        assertThat(serving).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("accepted logged.png as request " + ids.get(0)));
        assertThat(serving.stream().map(e -> e.getMDCPropertyMap().get("requestId")).distinct())
                .as("both requests logged").hasSize(2);
        purgeRequests();
    }

    private ResponseEntity<String> postWith(String path, String field, byte[] content, HttpHeaders headers) {
        MultiValueMap<String, Object> body = new LinkedMultiValueMap<>();
        body.add(field, new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return "p.png";
            }
        });
        HttpHeaders all = new HttpHeaders();
        all.addAll(headers);
        all.setContentType(MediaType.MULTIPART_FORM_DATA);
        return http.postForEntity(path, new HttpEntity<>(body, all), String.class);
    }

    private static JsonNode readTree(String json) {
        try {
            return Messages.json().readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void putRecord(ClassificationReply reply) {
        storage.aws().s3().putObject(b -> b.bucket(names().outputBucket()).key(ObjectKeys.record(reply.requestId())),
                RequestBody.fromString(Messages.toJson(reply)));
    }

    private static void purgeRequests() {
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
    }

    private record Upload(String fileName, byte[] content) {
    }

    private ResponseEntity<String> post(String path, Map<String, List<Upload>> fields) {
        MultiValueMap<String, Object> body = new LinkedMultiValueMap<>();
        fields.forEach((field, uploads) -> uploads.forEach(u -> body.add(field, new ByteArrayResource(u.content()) {
            @Override
            public String getFilename() {
                return u.fileName();
            }
        })));
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.MULTIPART_FORM_DATA);
        return http.postForEntity(path, new HttpEntity<>(body, headers), String.class);
    }

    private void assertRejected(java.util.function.Supplier<ResponseEntity<String>> call, HttpStatus status,
                                String message) {
        long storedBefore = storedUploads();
        int queuedBefore = queued();
        ResponseEntity<String> response = call.get();
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType().toString()).startsWith("text/plain");
        assertThat(response.getBody()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(storedUploads()).as("nothing stored for a rejected image").isEqualTo(storedBefore);
        assertThat(queued()).as("nothing enqueued for a rejected image").isEqualTo(queuedBefore);
    }

    private ResponseEntity<String> post(String field, String fileName, byte[] content) {
        return post("/", Map.of(field, List.of(new Upload(fileName, content))));
    }


    private int queued() {
        return QueueDepth.read(storage.aws().sqs(), storage.requestQueueUrl()).visible();
    }

    private static java.awt.image.BufferedImage image() {
        return ShapeImages.random(new Random(3), 64, 128).image();
    }
}
