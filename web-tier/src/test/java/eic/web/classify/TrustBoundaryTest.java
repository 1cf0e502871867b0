package eic.web.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.aws.QueueDepth;
import eic.common.messaging.Messages;
import eic.common.shapes.ShapeImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The doors of a web tier with a key set, through real HTTP (a socket, so every path is sent
 * exactly as spelled, never normalised by a client): no spelling of an API path gets past
 * the key, internals need it too, the probes stay open and say nothing, and a flood of
 * async submissions meets the bound on outstanding work without losing what was accepted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eic.instance-id=web-boundary-test", "eic.api-key=k3y-of-the-test", "eic.max-backlog=10"})
class TrustBoundaryTest extends LocalStorage {
    private static final String KEY = "k3y-of-the-test";
    private static final byte[] PNG = ShapeImages.png(ShapeImages.random(new Random(3), 64, 64).image());

    /** Spellings of one API path: matrix parameters, encoded letters, dot segments, doubled and trailing slashes, case. */
    private static List<String> spellings(String path) {
        String rest = path.substring("/api".length());
        List<String> all = new ArrayList<>(List.of(path, "/api;x" + rest, "/api;jsessionid=1" + rest,
                path.replace("/v1/", "/v1;a=b/"), path + ";x", "/%61pi" + rest, "/%61%70%69" + rest,
                path.replace("/v1/", "/%76%31/"), "/./api" + rest, "/api/./" + rest.substring(1),
                "/x/../api" + rest, "/api/v1/info/.." + path.substring("/api/v1".length()), "//api" + rest,
                "/api/" + rest, path + "/", "/API" + rest, "/Api" + rest.toUpperCase(), "/api%2F" + rest.substring(1),
                "/api/v1/info/..%2F.." + rest, "/%2e/api" + rest, path + "?x=/api/v1/info"));
        return all;
    }

    @LocalServerPort
    int port;

    @Test
    void noSpellingOfAnApiPathGetsPastTheKey() throws IOException {
        long uploads = storedUploads();
        for (String path : spellings("/api/v1/fleet")) {
            for (String method : List.of("GET", "POST")) {
                Answer anonymous = send(method, path, null);
                Answer wrong = send(method, path, "not-the-key");
                Answer keyed = send(method, path, KEY);
                assertThat(anonymous.status()).as("%s %s without a key", method, path).isIn(400, 401);
                assertThat(wrong.status()).as("%s %s with a wrong key", method, path).isEqualTo(anonymous.status());
                if (anonymous.status() == 400) {
                    // Refused before anything routes it, key or not: by Tomcat (an encoded slash) or by
                    // Spring Security's firewall (';', '//', dot segments), which says why.
                    assertThat(keyed.status()).as("%s %s with the key", method, path).isEqualTo(400);
                    assertThat(anonymous.body()).containsAnyOf("not in normal form", "Bad Request");
                } else {
                    assertThat(keyed.status()).as("%s %s with the key", method, path).isNotEqualTo(401);
                    assertThat(anonymous.header("WWW-Authenticate")).contains("X-Api-Key");
                    assertThat(anonymous.header("Content-Type")).startsWith("application/problem+json");
                }
            }
        }
        for (String path : spellings("/api/v1/classifications")) {
            assertThat(send("POST", path, null).status()).as("POST %s without a key", path).isIn(400, 401);
        }
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
        // The plain spelling with the key is accepted (once the intake has seen the purged queue; a 503 stores nothing).
        await().atMost(Duration.ofSeconds(10)).until(() -> send("POST", "/api/v1/classifications", KEY).status(),
                status -> status != 503);
        assertThat(send("GET", "/api/v1/fleet", KEY).status()).isEqualTo(200);
        assertThat(storedUploads()).as("only the one keyed submission was stored").isEqualTo(uploads + 1);
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
    }

    @Test
    void internalsNeedTheKeyAndTheProbesSayOnlyUpOrDown() throws IOException {
        for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/metrics", "/actuator/info",
                "/actuator/health/storage", "/actuator;x/prometheus", "/ACTUATOR/prometheus")) {
            assertThat(send("GET", path, null).status()).as("GET %s without a key", path).isIn(400, 401);
        }
        assertThat(send("GET", "/actuator/prometheus", KEY).body()).contains("eic_requests_total");
        JsonNode detailed = Messages.json().readTree(send("GET", "/actuator/health", KEY).body());
        assertThat(detailed.path("components").path("storage").path("details").path("inputBucket").asText())
                .isEqualTo(names().inputBucket());
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            Answer open = send("GET", probe, null);
            assertThat(open.status()).as(probe).isEqualTo(200);
            JsonNode body = Messages.json().readTree(open.body());
            assertThat(body.path("status").asText()).isEqualTo("UP");
            assertThat(body.size()).as("%s says nothing but its status: %s", probe, open.body()).isEqualTo(1);
        }
        assertThat(send("GET", "/api/v1/info", null).status()).as("tells a page a key is needed").isEqualTo(200);
        assertThat(send("GET", "/", null).status()).as("the upload form").isEqualTo(200);
        assertThat(send("GET", "/ops", null).status()).as("the ops page").isEqualTo(200);
        assertThat(send("GET", "/eic.js", null).status()).isEqualTo(200);
    }

    @Test
    void aFloodOfAsyncSubmissionsMeetsTheBoundAndLosesNothingAccepted() throws Exception {
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(clients.submit(() -> send("POST", "/api/v1/classifications", KEY)));
        }
        int accepted = 0;
        int refused = 0;
        for (Future<Answer> f : answers) {
            Answer answer = f.get();
            if (answer.status() == 202) {
                accepted++;
            } else {
                assertThat(answer.status()).isEqualTo(503);
                assertThat(Integer.parseInt(answer.header("Retry-After"))).isPositive();
                assertThat(answer.body()).contains("queued or in work");
                refused++;
            }
        }
        clients.shutdown();
        assertThat(accepted).as("at most the bound of 10 outstanding").isEqualTo(10);
        assertThat(refused).isEqualTo(20);
        assertThat(QueueDepth.read(storage.aws().sqs(), storage.requestQueueUrl()).visible())
                .as("every accepted request is on the queue").isEqualTo(accepted);
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
    }

    record Answer(int status, String head, String body) {
        String header(String name) {
            return head.lines().filter(l -> l.toLowerCase().startsWith(name.toLowerCase() + ":"))
                    .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse("");
        }
    }

    /** One HTTP/1.1 exchange with the path sent byte for byte as given; POSTs carry a multipart image. */
    private Answer send(String method, String path, String key) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            String boundary = "eic-boundary";
            byte[] body = method.equals("POST") ? multipart(boundary) : new byte[0];
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n");
            if (method.equals("POST")) {
                head.append("Content-Type: multipart/form-data; boundary=").append(boundary).append("\r\n");
            }
            if (key != null) {
                head.append("X-Api-Key: ").append(key).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String headers = split < 0 ? response : response.substring(0, split);
            String rest = split < 0 ? "" : response.substring(split + 4);
            return new Answer(Integer.parseInt(headers.substring(9, 12)), headers, dechunk(headers, rest));
        }
    }

    private static String dechunk(String headers, String body) {
        if (!headers.toLowerCase().contains("transfer-encoding: chunked")) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
        return out.toString();
    }

    private static byte[] multipart(String boundary) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(PNG);
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
