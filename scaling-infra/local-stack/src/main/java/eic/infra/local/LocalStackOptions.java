package eic.infra.local;

import eic.common.config.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the local stack runs.
 *
 * @param home              the project checkout (jars are found under it)
 * @param dataDir           queues, buckets and logs live here and survive restarts
 * @param webPort           the web tier's port on 127.0.0.1 (EIC_PORT)
 * @param workers           worker processes to keep running
 * @param visibilityTimeout request-queue visibility timeout (redelivery delay after a crash)
 * @param childEnv          extra environment for the web tier and workers (EIC_MODEL, ...)
 * @param echoLogs          copy the children's output to this console
 * @param autoscale         run the fleet controller (step scaling on q - i) between 1 and {@code maxWorkers}
 * @param maxWorkers        the local fleet's upper bound (what this machine can run)
 * @param scalingPeriod     how often the controller samples the queue and decides
 * @param policy            {@code original} (step scaling on q - i) or {@code backlog}
 * @param externalAws       an endpoint that already speaks S3 and SQS (LocalStack in Docker);
 *                          empty to start ElasticMQ and S3Proxy in this JVM
 */
public record LocalStackOptions(Path home, Path dataDir, int webPort, int workers, Duration visibilityTimeout,
                                Map<String, String> childEnv, boolean echoLogs, boolean autoscale, int maxWorkers,
                                Duration scalingPeriod, String policy, Optional<URI> externalAws) {

    /** A fixed fleet of {@code workers} (no autoscaling) on ElasticMQ and S3Proxy. */
    public LocalStackOptions(Path home, Path dataDir, int webPort, int workers, Duration visibilityTimeout,
                             Map<String, String> childEnv, boolean echoLogs) {
        this(home, dataDir, webPort, workers, visibilityTimeout, childEnv, echoLogs, false, workers,
                Duration.ofSeconds(2), "original", Optional.empty());
    }

    public LocalStackOptions withExternalAws(URI endpoint) {
        return new LocalStackOptions(home, dataDir, webPort, workers, visibilityTimeout, childEnv, echoLogs, autoscale,
                maxWorkers, scalingPeriod, policy, Optional.of(endpoint));
    }

    /** Step scaling between {@code workers} and {@code max}, deciding every {@code period}. */
    public LocalStackOptions withAutoscaling(int max, Duration period) {
        return new LocalStackOptions(home, dataDir, webPort, workers, visibilityTimeout, childEnv, echoLogs, true, max,
                period, policy, externalAws);
    }

    public static LocalStackOptions from(Env env) {
        Path home = Path.of(env.get("eic.home", ".")).toAbsolutePath().normalize();
        return new LocalStackOptions(home,
                Path.of(env.get("eic.data-dir", home.resolve(".eic-local").toString())),
                env.getInt("eic.port", 8080),
                env.getInt("eic.local.min-workers", 1),
                env.getDuration("eic.local.visibility-timeout", Duration.ofSeconds(30)),
                Map.of(), true,
                env.getBoolean("eic.local.autoscale", true),
                // Workers x threads <= cores: a growing fleet's workers get one thread each, so one per core.
                // More JVMs than cores only compete with the one that works (benchmarks.md, elasticity.md).
                env.getInt("eic.local.max-workers", Math.max(1, Runtime.getRuntime().availableProcessors())),
                env.getDuration("eic.local.scaling-period", Duration.ofSeconds(2)),
                env.get("eic.local.policy", "original"),
                Optional.empty());
    }

    public Path webJar() {
        return home.resolve("web-tier/target/web-tier-exec.jar");
    }

    public Path workerJar() {
        return home.resolve("app-tier/target/app-tier.jar");
    }
}
