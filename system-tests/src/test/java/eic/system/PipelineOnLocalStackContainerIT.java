package eic.system;

import eic.infra.local.LocalStackOptions;
import java.net.URI;
import java.nio.file.Path;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end tests against LocalStack (S3 and SQS) in Docker, for machines with
 * a Docker engine. Without one it is skipped; {@link PipelineIT} on ElasticMQ + S3Proxy
 * is the run that counts there.
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineOnLocalStackContainerIT extends PipelineIT {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(LocalStackContainer.Service.S3, LocalStackContainer.Service.SQS);

    @Override
    LocalStackOptions options(Path home, Path dataDir, int port) {
        return super.options(home, dataDir, port).withExternalAws(URI.create(LOCALSTACK.getEndpoint().toString()));
    }
}
