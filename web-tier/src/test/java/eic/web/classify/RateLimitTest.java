package eic.web.classify;

import static org.assertj.core.api.Assertions.assertThat;

import eic.common.shapes.ShapeImages;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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

/**
 * The optional per-client submission rate: 429 + Retry-After past it, nothing stored; reads are
 * never limited. The client is its address as the trusted balancer reports it (this test's
 * client connects from 127.0.0.1, trusted here as the balancer), never a header it wrote itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eic.instance-id=web-rate-test", "eic.rate-limit=2", "eic.trusted-proxies=127.0.0.1/32,::1/128"})
class RateLimitTest extends LocalStorage {

    @Test
    void aClientPastItsRateGets429WithRetryAfterAndOthersAreNotHeldBack() {
        long stored = storedUploads();
        int accepted = 0;
        ResponseEntity<String> refused = null;
        for (int i = 0; i < 5; i++) {
            ResponseEntity<String> response = submit("203.0.113.5", null);
            if (response.getStatusCode() == HttpStatus.ACCEPTED) {
                accepted++;
            } else {
                refused = response;
            }
        }
        assertThat(accepted).as("a burst of one second's worth").isBetween(2, 3);
        assertThat(refused).isNotNull();
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(Integer.parseInt(refused.getHeaders().getFirst("Retry-After"))).isBetween(1, 2);
        assertThat(storedUploads()).as("refused submissions store nothing").isEqualTo(stored + accepted);
        assertThat(submit("203.0.113.6", null).getStatusCode()).as("another client has its own rate")
                .isEqualTo(HttpStatus.ACCEPTED);
        assertThat(http.getForEntity("/api/v1/stats", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
    }

    @Test
    void headersTheClientWritesItselfDoNotMakeItAnotherClient() {
        while (submit("203.0.113.7", null).getStatusCode() != HttpStatus.TOO_MANY_REQUESTS) {
            // spend the client's burst
        }
        assertThat(submit("198.51.100.1, 203.0.113.7", null).getStatusCode())
                .as("an address the client put before the one the balancer appended")
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(submit("203.0.113.7", "a-key-nobody-checked").getStatusCode())
                .as("an API key that is not verified is nobody").isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
    }

    @Test
    void theBucketRefillsAtTheRate() {
        long t = 1_000_000_000L;
        SubmissionRateLimit.Bucket bucket = new SubmissionRateLimit.Bucket(2, t);
        bucket.take(t);
        assertThat(bucket.take(t)).isZero();
        assertThat(bucket.take(t)).as("empty: half a second until the next token")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(bucket.take(t + TimeUnit.MILLISECONDS.toNanos(500))).isZero();
    }

    /** A submission through the balancer, which reports the client's address in {@code X-Forwarded-For}. */
    private ResponseEntity<String> submit(String forwardedFor, String apiKey) {
        MultiValueMap<String, Object> body = new LinkedMultiValueMap<>();
        body.add("file", new ByteArrayResource(ShapeImages.png(ShapeImages.random(new Random(6), 64, 64).image())) {
            @Override
            public String getFilename() {
                return "r.png";
            }
        });
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.MULTIPART_FORM_DATA);
        headers.set("X-Forwarded-For", forwardedFor);
        if (apiKey != null) {
            headers.set("X-Api-Key", apiKey);
        }
        return http.postForEntity("/api/v1/classifications", new HttpEntity<>(body, headers), String.class);
    }
}
