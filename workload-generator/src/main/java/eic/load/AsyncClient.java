package eic.load;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.messaging.Messages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Speaks the async API: {@code POST /api/v1/classifications} (field {@code file}) answers 202
 * with an id, then {@code GET /api/v1/classifications/{id}} is polled until done or failed.
 * The latency is from the submission to the first poll that sees the result.
 */
public final class AsyncClient implements ImageClient {
    private static final long FIRST_POLL_MS = 10;
    private static final long MAX_POLL_MS = 200;

    private final HttpClient http;
    private final URI base;
    private final Duration timeout;

    public AsyncClient(URI url, Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.base = url.resolve("/api/v1/classifications");
        this.timeout = timeout;
    }

    @Override
    public ClassicClient.Answer classify(String fileName, byte[] image) throws IOException, InterruptedException {
        String boundary = "eic-" + UUID.randomUUID();
        long start = System.nanoTime();
        HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(base).timeout(timeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(ClassicClient.multipart(boundary, "file", fileName, image)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (submitted.statusCode() != 202) {
            return new ClassicClient.Answer(submitted.statusCode(), detail(submitted.body()), null, null,
                    System.nanoTime() - start);
        }
        String id = Messages.json().readTree(submitted.body()).path("items").path(0).path("id").asText();
        URI status = URI.create(base + "/" + id);
        long deadline = start + timeout.toNanos();
        long pause = FIRST_POLL_MS;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> polled = http.send(HttpRequest.newBuilder(status).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Messages.json().readTree(polled.body());
            String state = body.path("status").asText();
            if (polled.statusCode() != 200 || !state.equals("pending")) {
                long latency = System.nanoTime() - start;
                if (state.equals("done")) {
                    return new ClassicClient.Answer(200, body.path("label").asText(), id, body.path("model").asText(),
                            latency);
                }
                return new ClassicClient.Answer(polled.statusCode() == 200 ? 422 : polled.statusCode(),
                        body.path("reason").asText(detail(polled.body())), id, body.path("model").asText(null), latency);
            }
            TimeUnit.MILLISECONDS.sleep(pause); // the API is polled; back off up to 200 ms between polls
            pause = Math.min(MAX_POLL_MS, pause * 2);
        }
        return new ClassicClient.Answer(504, "no result within " + timeout, id, null, System.nanoTime() - start);
    }

    private static String detail(String problemJson) {
        try {
            return Messages.json().readTree(problemJson).path("detail").asText(problemJson);
        } catch (IOException e) {
            return problemJson;
        }
    }
}
