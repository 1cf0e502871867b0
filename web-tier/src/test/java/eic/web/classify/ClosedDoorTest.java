package eic.web.classify;

import eic.common.aws.JvmCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.messaging.Messages;
import eic.common.aws.MotoServer;
import eic.web.security.ApiKey;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The web tier as the AWS stack runs it, closed: its key read at start from a Secrets Manager
 * secret (moto's, a maintained emulator started here) and the classic {@code POST /} closed too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "eic.instance-id=web-closed-test", "eic.classic-open=false"})
class ClosedDoorTest extends LocalStorage {
    static MotoServer moto;
    static final String SECRET = "eic-test-api-key";
    static final String KEY = "k-" + UUID.randomUUID();

    @BeforeAll
    static void secretInMoto() throws Exception {
        moto = MotoServer.start().orElse(null);
        assumeTrue(moto != null, "moto_server is not installed here (it comes with the machine's Python 3.11)");
        JvmCredentials.use(JvmCredentials.MOTO);
        try (SecretsManagerClient secrets = client()) {
            secrets.createSecret(b -> b.name(SECRET).secretString(KEY));
        }
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @DynamicPropertySource
    static void secret(DynamicPropertyRegistry registry) {
        registry.add("eic.api-key-secret", () -> SECRET);
        registry.add("eic.secretsmanager.endpoint", () -> moto.endpoint().toString());
    }

    @Test
    void theKeyIsTheSecretsAndWithoutItEvenTheClassicPostIs401() throws Exception {
        assertThat(get("/api/v1/fleet", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(get("/api/v1/fleet", KEY).getStatusCode()).as("the secret's value is the key")
                .isEqualTo(HttpStatus.OK);
        long stored = storedUploads();
        ResponseEntity<String> classic = upload("/", "myfile", null);
        assertThat(classic.getStatusCode()).as("closed by default on AWS: no header, no work")
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(storedUploads()).isEqualTo(stored);
        JsonNode info = Messages.json().readTree(get("/api/v1/info", null).getBody());
        assertThat(info.path("apiKeyRequired").asBoolean()).isTrue();
    }

    @Test
    void aSecretThatCannotBeReadStopsTheStartInsteadOfOpeningTheDoor() {
        try (SecretsManagerClient secrets = client()) {
            assertThatThrownBy(() -> ApiKey.read(secrets, "no-such-secret")).isInstanceOf(
                    IllegalStateException.class).hasMessageContaining("no-such-secret")
                    .hasMessageContaining("not starting without it");
            assertThat(ApiKey.read(secrets, SECRET).value()).isEqualTo(KEY);
        }
    }

    private static SecretsManagerClient client() {
        return SecretsManagerClient.builder().endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1).build();
    }
}
