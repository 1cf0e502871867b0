package eic.web.classify;

import eic.common.aws.JvmCredentials;
import eic.common.aws.StackNames;
import eic.common.config.Env;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import eic.common.shapes.ShapeImages;
import java.util.Random;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The base of the web tier's HTTP tests: real ElasticMQ and S3Proxy (no worker), started
 * once per test class before its Spring context, with the endpoint settings the web tier's
 * client factory reads, and a client for the context's random port.
 */
@AutoConfigureObservability(tracing = false)
abstract class LocalStorage {
    static LocalStack storage;

    @Autowired
    TestRestTemplate http;

    @DynamicPropertySource
    static void startStorage(DynamicPropertyRegistry registry) {
        storage = start();
        registry.add("eic.s3.endpoint", () -> storage.awsSettings().s3Endpoint().orElseThrow().toString());
        registry.add("eic.sqs.endpoint", () -> storage.awsSettings().sqsEndpoint().orElseThrow().toString());
        registry.add("eic.aws.region", () -> "us-east-1");
    }

    @AfterAll
    static void stopStorage() {
        storage.close();
    }

    static LocalStack start() {
        try {
            // Each test class gets its own servers; with H2 persistence a later ElasticMQ in this JVM
            // would read an earlier one's messages (its connection pool is JVM-wide).
            Path data = Files.createTempDirectory("eic-web-test");
            LocalStack storage = LocalStack.startStorage(new LocalStackOptions(data, data, 0, 0, Duration.ofSeconds(30),
                    Map.of(), false).withoutPersistence());
            // The web tier in this JVM reads the default chain, as its own process reads its environment.
            JvmCredentials.use(storage.awsSettings().localIdentity().orElseThrow());
            return storage;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StackNames names() {
        return StackNames.from(Env.system());
    }

    /** A multipart upload of a small shape image as {@code field}, with the key when not null. */
    ResponseEntity<String> upload(String path, String field, String key) {
        MultiValueMap<String, Object> body = new LinkedMultiValueMap<>();
        body.add(field, new ByteArrayResource(ShapeImages.png(ShapeImages.random(new Random(5), 64, 96).image())) {
            @Override
            public String getFilename() {
                return "p.png";
            }
        });
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.MULTIPART_FORM_DATA);
        if (key != null) {
            headers.set("X-Api-Key", key);
        }
        return http.postForEntity(path, new HttpEntity<>(body, headers), String.class);
    }

    /** A GET, with the key when not null. */
    ResponseEntity<String> get(String path, String key) {
        HttpHeaders headers = new HttpHeaders();
        if (key != null) {
            headers.set("X-Api-Key", key);
        }
        return http.exchange(path, HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }

    /** Uploads in the input bucket. */
    long storedUploads() {
        return storage.aws().s3().listObjectsV2(b -> b.bucket(names().inputBucket())).contents().size();
    }
}
