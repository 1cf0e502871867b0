package eic.infra.local;

import eic.common.config.Env;
import eic.infra.scaling.IdleStopPolicy;
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
 * @param workers           worker processes to keep running (with autoscaling: the minimum)
 * @param visibilityTimeout request-queue visibility timeout (redelivery delay after a crash)
 * @param childEnv          extra environment for the web tier and workers (EIC_MODEL, ...)
 * @param echoLogs          copy the children's output to this console
 * @param scaling           whether and how the fleet follows the queue
 * @param persistMessages   ElasticMQ keeps its messages on disk (EIC_LOCAL_PERSIST_MESSAGES, default false: in
 *                          memory, and the workers enqueue again what a restart lost)
 * @param externalAws       an endpoint that already speaks S3 and SQS (LocalStack in Docker);
 *                          empty to start ElasticMQ and S3Proxy in this JVM
 */
public record LocalStackOptions(Path home, Path dataDir, int webPort, int workers, Duration visibilityTimeout,
                                Map<String, String> childEnv, boolean echoLogs, Scaling scaling,
                                boolean persistMessages, Optional<URI> externalAws) {

    /**
     * The local fleet controller's settings.
     *
     * @param enabled     run the fleet controller between {@code workers} and {@code max}
     * @param max         the local fleet's upper bound (what this machine can run)
     * @param period      how often the controller samples the queue and decides
     * @param policy      {@code q-minus-i} (step scaling on q - i; {@code original}, its old name, is read as it),
     *                    {@code backlog}, or {@code idle-stop}
     *                    (idle stop: idle workers park themselves, parked ones are activated first, reaped)
     * @param warmWorkers parked workers (model loaded, polling nothing) kept while the fleet is at its minimum
     * @param idleStop    with {@code idle-stop}: how long a worker idles before it parks itself
     * @param reapEvery   with {@code idle-stop}: how often the parked workers are ended
     */
    public record Scaling(boolean enabled, int max, Duration period, String policy, int warmWorkers,
                          Duration idleStop, Duration reapEvery) {
        /** The step policy on q - i: the name the AWS stack's Scaling parameter gives it too. */
        public static final String STEPS = "q-minus-i";
        /** STEPS' earlier name, still read. */
        static final String ORIGINAL = "original";
        public static final String IDLE_STOP = "idle-stop";

        /** A fixed fleet. */
        public static Scaling off(int workers) {
            return new Scaling(false, workers, Duration.ofSeconds(1), STEPS, 0, IdleStopPolicy.SEED_IDLE_STOP,
                    IdleStopPolicy.SEED_REAP_EVERY);
        }

        /** The idle-stop policy keeps no warm pool: its parked workers are the ones that idled. */
        public Scaling withPolicy(String newPolicy, Duration newIdleStop, Duration newReapEvery) {
            return new Scaling(enabled, max, period, newPolicy, newPolicy.equals(IDLE_STOP) ? 0 : warmWorkers,
                    newIdleStop, newReapEvery);
        }
    }

    /** A fixed fleet of {@code workers} (no autoscaling) on ElasticMQ and S3Proxy. */
    public LocalStackOptions(Path home, Path dataDir, int webPort, int workers, Duration visibilityTimeout,
                             Map<String, String> childEnv, boolean echoLogs) {
        this(home, dataDir, webPort, workers, visibilityTimeout, childEnv, echoLogs, Scaling.off(workers), false,
                Optional.empty());
    }

    public LocalStackOptions withExternalAws(URI endpoint) {
        return new LocalStackOptions(home, dataDir, webPort, workers, visibilityTimeout, childEnv, echoLogs, scaling,
                persistMessages, Optional.of(endpoint));
    }

    /**
     * Step scaling on q - i between {@code workers} and {@code max}, deciding every {@code period},
     * with one parked worker.
     */
    public LocalStackOptions withAutoscaling(int max, Duration period) {
        return withScaling(new Scaling(true, max, period, Scaling.STEPS, 1, IdleStopPolicy.SEED_IDLE_STOP,
                IdleStopPolicy.SEED_REAP_EVERY));
    }

    public LocalStackOptions withScaling(Scaling newScaling) {
        return new LocalStackOptions(home, dataDir, webPort, workers, visibilityTimeout, childEnv, echoLogs,
                newScaling, persistMessages, externalAws);
    }

    /** Messages in memory only. */
    public LocalStackOptions withoutPersistence() {
        return new LocalStackOptions(home, dataDir, webPort, workers, visibilityTimeout, childEnv, echoLogs, scaling,
                false, externalAws);
    }

    public static LocalStackOptions from(Env env) {
        Path home = Path.of(env.get("eic.home", ".")).toAbsolutePath().normalize();
        boolean autoscale = env.getBoolean("eic.local.autoscale", true);
        String named = env.get("eic.local.policy", Scaling.STEPS);
        String policy = named.equals(Scaling.ORIGINAL) ? Scaling.STEPS : named;
        return new LocalStackOptions(home,
                Path.of(env.get("eic.data-dir", home.resolve(".eic-local").toString())),
                env.getInt("eic.port", 8080),
                env.getInt("eic.local.min-workers", 1),
                env.getDuration("eic.local.visibility-timeout", Duration.ofSeconds(30)),
                Map.of(), true,
                new Scaling(autoscale,
                        // Workers x threads <= cores: a growing fleet's workers get one thread each, so one per core.
                        // More JVMs than cores only compete with the one that works (benchmarks.md, elasticity.md).
                        env.getInt("eic.local.max-workers", Math.max(1, Runtime.getRuntime().availableProcessors())),
                        env.getDuration("eic.local.scaling-period", Duration.ofSeconds(1)),
                        policy,
                        // With autoscaling, one parked worker by default: a scale-out is an activation, not a JVM
                        // start. The idle-stop policy keeps none: its parked workers are the ones that idled.
                        env.getInt("eic.local.warm-workers", autoscale && !policy.equals(Scaling.IDLE_STOP) ? 1 : 0),
                        env.getDuration("eic.local.idle-stop", IdleStopPolicy.SEED_IDLE_STOP),
                        env.getDuration("eic.local.reap-every", IdleStopPolicy.SEED_REAP_EVERY)),
                // In memory: the input bucket is the truth, and the workers enqueue again at start what a
                // restart lost (EIC_QUEUES_BORN_AT); H2 cost a third of the local servers' CPU (benchmarks.md).
                env.getBoolean("eic.local.persist-messages", false),
                Optional.empty());
    }

    public Path webJar() {
        return home.resolve("web-tier/target/web-tier-exec.jar");
    }

    public Path workerJar() {
        return home.resolve("app-tier/target/app-tier.jar");
    }
}
