package eic.system;

import eic.infra.local.LocalServers;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Local stacks for the integration tests, built from this reactor's jars. */
final class TestStacks {
    private TestStacks() {
    }

    static Path home() {
        return Path.of(System.getProperty("eic.home", "..")).toAbsolutePath().normalize();
    }

    /** The shapes model, one worker to start with, the fleet controller deciding every second. */
    static LocalStack autoscaling(Path dataDir, int maxWorkers) throws IOException {
        return LocalStack.start(new LocalStackOptions(home(), dataDir, LocalServers.freePort(), 1,
                Duration.ofSeconds(20), Map.of("EIC_MODEL", "shapes"), false)
                .withAutoscaling(maxWorkers, Duration.ofSeconds(1)));
    }
}
