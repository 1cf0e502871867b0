package eic.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestContractTest {
    private static final String ID = "0b6a4f4e-9a8f-4a57-9d56-2d1f0c1f3a11";
    private final RequestContract contract = RequestContract.of("eic-input",
            "http://127.0.0.1:9324/000000000000/eic-requests", "eic-replies-");

    private static ClassificationRequest request(String id, String bucket, String key, String fileName, String replyTo) {
        return new ClassificationRequest(Messages.VERSION, id, bucket, key, fileName, replyTo,
                Instant.parse("2026-11-26T12:01:00Z"), Instant.parse("2026-11-26T12:00:00Z"));
    }

    private static ClassificationRequest valid() {
        return request(ID, "eic-input", "uploads/" + ID, "cat.png",
                "http://127.0.0.1:9324/000000000000/eic-replies-web-1");
    }

    @Test
    void whatTheWebTierWritesPasses() {
        assertThat(contract.violation(valid())).isEmpty();
        ClassificationRequest async = request(ID, "eic-input", "uploads/" + ID, "cat.png", null);
        assertThat(contract.violation(async)).as("async requests have no reply queue").isEmpty();
    }

    @Test
    void everyForgedFieldIsNamed() {
        assertThat(contract.violation(request("../../ops/model", "eic-input", "uploads/x/cat.png", "cat.png", null)))
                .hasValue("the request id is not a UUID");
        assertThat(contract.violation(request(ID.toUpperCase(), "eic-input", "uploads/" + ID, "cat.png",
                null))).as("only the canonical spelling").hasValue("the request id is not a UUID");
        assertThat(contract.violation(request(ID, "secrets", "uploads/" + ID, "cat.png", null)))
                .hasValue("the bucket is not the input bucket");
        assertThat(contract.violation(request(ID, "eic-input", "private/keys.pem", "cat.png", null)))
                .hasValue("the key is not uploads/<request id>");
        assertThat(contract.violation(request(ID, "eic-input", "uploads/" + ID + "/cat.png", "cat.png", null)))
                .as("one upload per id: no name in the key").hasValue("the key is not uploads/<request id>");
        assertThat(contract.violation(request(ID, "eic-input", "uploads/" + ID, "../x", null)))
                .hasValue("the file name is not one the web tier writes");
        assertThat(contract.violation(request(ID, "eic-input", "uploads/" + ID, "ops/model.json",
                null))).hasValue("the file name is not one the web tier writes");
        assertThat(contract.violation(request(ID, "eic-input", "uploads/" + ID, "cat.png",
                "http://127.0.0.1:9324/000000000000/someone-elses-queue")))
                .hasValue("the reply queue is not one of this deployment's reply queues");
        assertThat(contract.violation(request(ID, "eic-input", "uploads/" + ID, "cat.png",
                "http://evil.example/000000000000/eic-replies-x")))
                .hasValue("the reply queue is not one of this deployment's reply queues");
        assertThat(contract.violation(request(ID, "eic-input", "uploads/" + ID, "cat.png",
                "http://127.0.0.1:9324/000000000000/eic-replies-x/../eic-requests")))
                .hasValue("the reply queue is not one of this deployment's reply queues");
    }

    @Test
    void logFieldsCannotForgeLinesOrFloodTheLog() {
        assertThat(LogSafe.text("a\nINFO forged line\r\u2028")).isEqualTo("a?INFO forged line??").doesNotContain("\n");
        assertThat(LogSafe.text("x".repeat(5000))).hasSizeLessThan(LogSafe.MAX_LENGTH + 30).endsWith("(5000 chars)");
        assertThat(LogSafe.text(null)).isEqualTo("null");
    }
}
