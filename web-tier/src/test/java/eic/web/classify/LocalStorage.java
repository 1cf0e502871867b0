package eic.web.classify;

import eic.common.aws.StackNames;
import eic.common.config.Env;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Real ElasticMQ and S3Proxy (no worker) for a web-tier test context: started once per
 * test class, with the endpoint settings the web tier's client factory reads.
 */
final class LocalStorage {
    private LocalStorage() {
    }

    static LocalStack start() {
        try {
            // Each test class gets its own servers; with H2 persistence a later ElasticMQ in this JVM
            // would read an earlier one's messages (its connection pool is JVM-wide).
            System.setProperty("eic.local.persist-messages", "false");
            Path data = Files.createTempDirectory("eic-web-test");
            LocalStack storage = LocalStack.startStorage(new LocalStackOptions(data, data, 0, 0, Duration.ofSeconds(30),
                    Map.of(), false));
            System.setProperty("eic.s3.endpoint", storage.awsSettings().s3Endpoint().orElseThrow().toString());
            System.setProperty("eic.sqs.endpoint", storage.awsSettings().sqsEndpoint().orElseThrow().toString());
            System.setProperty("eic.aws.region", "us-east-1");
            return storage;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StackNames names() {
        return StackNames.from(Env.system());
    }
}
