package eic.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Speaks the classic contract: {@code POST /} with multipart field {@code myfile}, label as plain text. */
public final class ClassicClient implements ImageClient {
    private final HttpClient http;
    private final URI url;
    private final Duration timeout;

    public ClassicClient(URI url, Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.url = url;
        this.timeout = timeout;
    }

    /**
     * What the server said: status, body (the label on 200), the request id header, and where the
     * time went by the server's account ({@code Server-Timing}: stage to milliseconds, in its order).
     */
    public record Answer(int status, String body, String requestId, String model, long latencyNanos,
                         Map<String, Double> stages) {
        public Answer(int status, String body, String requestId, String model, long latencyNanos) {
            this(status, body, requestId, model, latencyNanos, Map.of());
        }

        public boolean ok() {
            return status == 200;
        }
    }

    /** A {@code Server-Timing} value ("store;dur=3.1, enqueue;dur=2.0") as stage to milliseconds, in order. */
    public static Map<String, Double> stages(String serverTiming) {
        Map<String, Double> stages = new LinkedHashMap<>();
        if (serverTiming == null) {
            return stages;
        }
        for (String metric : serverTiming.split(",")) {
            String[] parts = metric.trim().split(";");
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].trim();
                if (param.startsWith("dur=")) {
                    try {
                        stages.put(parts[0].trim(), Double.parseDouble(param.substring(4)));
                    } catch (NumberFormatException e) {
                        // not a number: that metric is left out
                    }
                }
            }
        }
        return stages;
    }

    @Override
    public Answer classify(String fileName, byte[] image) throws IOException, InterruptedException {
        return post("myfile", fileName, image);
    }

    public Answer post(String field, String fileName, byte[] image) throws IOException, InterruptedException {
        String boundary = "eic-" + UUID.randomUUID();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, field, fileName, image)))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().strip(),
                response.headers().firstValue("X-Request-Id").orElse(null),
                response.headers().firstValue("X-Model").orElse(null), System.nanoTime() - start,
                stages(response.headers().firstValue("Server-Timing").orElse(null)));
    }

    public static byte[] multipart(String boundary, String field, String fileName, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 256);
        body.writeBytes(multipartPart(boundary, field, fileName, content));
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** One file part of a multipart/form-data body; the body ends with {@code --boundary--}. */
    public static byte[] multipartPart(String boundary, String field, String fileName, byte[] content) {
        ByteArrayOutputStream part = new ByteArrayOutputStream(content.length + 256);
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + fileName.replace("\"", "_") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        part.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        part.writeBytes(content);
        part.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        return part.toByteArray();
    }
}
