package eic.web.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.aws.QueueDepth;
import eic.common.messaging.Messages;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An instance with the API key on and no room for waiting requests, through real HTTP
 * against real ElasticMQ and S3Proxy: 401 without the key, 503 with Retry-After when full,
 * and in both cases nothing stored or enqueued.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"eic.instance-id=web-protected-test",
        "eic.api-key=s3cret-key", "eic.max-waiting=0"})
class ProtectedApiTest extends LocalStorage {
    @Test
    void theJsonApiWithoutTheRightKeyIs401ProblemAndStoresNothing() throws Exception {
        long stored = storedUploads();
        for (String key : new String[] {null, "wrong"}) {
            ResponseEntity<String> response = upload("/api/v1/classifications", "file", key);
            assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(response.getHeaders().getFirst("WWW-Authenticate")).contains("X-Api-Key");
            assertThat(Messages.json().readTree(response.getBody()).path("detail").asText()).contains("X-Api-Key");
            assertThat(get("/api/v1/fleet", key).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        }
        assertThat(storedUploads()).isEqualTo(stored);
        assertThat(queued()).isZero();
        assertThat(get("/actuator/prometheus", "s3cret-key").getBody())
                .containsPattern("eic_requests_total\\{[^}]*outcome=\"unauthorized\"[^}]*\\} [4-9]");
    }

    @Test
    void withTheKeyTheApiAnswersAndInfoIsOpenToTellPagesAKeyIsNeeded() throws Exception {
        assertThat(get("/api/v1/fleet", "s3cret-key").getStatusCode()).isEqualTo(HttpStatus.OK);
        ResponseEntity<String> accepted = upload("/api/v1/classifications", "file", "s3cret-key");
        assertThat(accepted.getStatusCode()).as("no one waits, so a full instance still accepts")
                .isEqualTo(HttpStatus.ACCEPTED);
        JsonNode info = Messages.json().readTree(get("/api/v1/info", null).getBody());
        assertThat(info.path("apiKeyRequired").asBoolean()).isTrue();
        storage.aws().sqs().purgeQueue(b -> b.queueUrl(storage.requestQueueUrl()));
    }

    @Test
    void aFullInstanceAnswers503WithRetryAfterAndStoresNothing() throws Exception {
        long stored = storedUploads();
        ResponseEntity<String> classic = upload("/", "myfile", null);
        assertThat(classic.getStatusCode()).as("the classic contract needs no key").isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(Integer.parseInt(classic.getHeaders().getFirst("Retry-After"))).isBetween(1, 120);
        assertThat(classic.getBody()).contains("too many requests are waiting");

        ResponseEntity<String> waiting = upload("/api/v1/classifications?wait=5s", "file", "s3cret-key");
        assertThat(waiting.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(waiting.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(waiting.getHeaders().getFirst("Retry-After")).isNotBlank();
        assertThat(storedUploads()).isEqualTo(stored);
        assertThat(queued()).isZero();
        assertThat(get("/actuator/prometheus", "s3cret-key").getBody())
                .containsPattern("eic_requests_total\\{[^}]*outcome=\"overloaded\"[^}]*\\} [2-9]");
    }

    private int queued() {
        return QueueDepth.read(storage.aws().sqs(), storage.requestQueueUrl()).visible();
    }
}
