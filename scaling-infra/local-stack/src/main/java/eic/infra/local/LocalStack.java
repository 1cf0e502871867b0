package eic.infra.local;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.aws.StackNames;
import eic.common.config.Env;
import eic.infra.fleet.FleetController;
import eic.infra.fleet.WorkerFleet;
import eic.infra.fleet.WorkerLauncher;
import eic.infra.process.JavaCommand;
import eic.infra.process.ManagedProcess;
import eic.common.aws.ResourceSpec;
import eic.infra.provision.StorageProvisioner;
import eic.infra.scaling.BacklogPolicy;
import eic.infra.scaling.CapacityDecider;
import eic.infra.local.LocalStackOptions.Scaling;
import eic.infra.scaling.IdleStopPolicy;
import eic.infra.scaling.ScalingPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one machine: ElasticMQ and S3Proxy in this JVM, the buckets and
 * queues made by the same provisioning code AWS uses, the web tier and a fleet of
 * workers as child JVMs. Closing it stops everything it started.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final String WEB_READY_MARKER = "Started WebTierApplication";

    private final LocalStackOptions options;
    /** Null when the stack uses an external endpoint (LocalStack in Docker). */
    private final LocalServers servers;
    private final AwsSettings awsSettings;
    private final AwsClients aws;
    private final StackNames names;
    private final StorageProvisioner.Provisioned queues;
    private ManagedProcess web;
    private boolean closing;
    private Duration webRestartDelay = Duration.ZERO;
    private final java.util.concurrent.ScheduledExecutorService supervisor =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    eic.common.concurrent.DaemonThreads.named("web-supervisor"));
    private WorkerFleet fleet;
    private FleetController controller;

    private LocalStack(LocalStackOptions options, LocalServers servers, AwsSettings awsSettings, AwsClients aws,
                       StackNames names, StorageProvisioner.Provisioned queues) {
        this.options = options;
        this.servers = servers;
        this.awsSettings = awsSettings;
        this.aws = aws;
        this.names = names;
        this.queues = queues;
    }

    /** Servers and provisioning only: the buckets and queues, without web tier or workers. */
    public static LocalStack startStorage(LocalStackOptions options) {
        LocalServers servers = null;
        AwsSettings awsSettings;
        if (options.externalAws().isPresent()) {
            URI endpoint = options.externalAws().get();
            awsSettings = AwsSettings.local(endpoint, endpoint, AwsBasicCredentials.create("test", "test"));
        } else {
            servers = LocalServers.start(options.dataDir(), 0, 0, options.persistMessages());
            awsSettings = servers.awsSettings();
        }
        AwsClients aws = new AwsClients(awsSettings);
        StackNames names = StackNames.from(Env.system());
        ResourceSpec spec = new ResourceSpec(names, options.visibilityTimeout(), ResourceSpec.MAX_RECEIVE_COUNT, Duration.ofDays(4));
        StorageProvisioner.Provisioned queues = new StorageProvisioner(aws.s3(), aws.sqs(), false).apply(spec);
        return new LocalStack(options, servers, awsSettings, aws, names, queues);
    }

    /** Everything: storage, web tier and {@code options.workers()} workers, all ready when this returns. */
    public static LocalStack start(LocalStackOptions options) {
        for (var jar : List.of(options.webJar(), options.workerJar())) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build with 'mvn -DskipTests package' first");
            }
        }
        LocalStack stack = startStorage(options);
        try {
            stack.startWebTier();
            stack.startFleet();
            stack.web().awaitReady(Duration.ofSeconds(90));
            stack.awaitWorkers(options.workers(), Duration.ofSeconds(90));
            if (options.scaling().enabled()) {
                stack.startController();
            }
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** The environment every child JVM gets: endpoints, local identity, offline DJL, its parent. */
    public Map<String, String> childEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("EIC_S3_ENDPOINT", awsSettings.s3Endpoint().orElseThrow().toString());
        env.put("EIC_SQS_ENDPOINT", awsSettings.sqsEndpoint().orElseThrow().toString());
        env.put("EIC_AWS_REGION", "us-east-1");
        env.put("AWS_REGION", "us-east-1");
        AwsBasicCredentials identity = awsSettings.localIdentity().orElseThrow();
        env.put("AWS_ACCESS_KEY_ID", identity.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", identity.secretAccessKey());
        env.put("DJL_OFFLINE", "true");
        env.put("OPT_OUT_TRACKING", "true");
        env.put("EIC_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("EIC_WORKER_VISIBILITY_TIMEOUT", options.visibilityTimeout().toSeconds() + "s");
        // A worker that parks or drains lets its long poll end (a cut one can swallow a message until its
        // visibility timeout): 5 s polls keep that short; an idle receive costs ElasticMQ next to nothing.
        env.put("EIC_WORKER_WAIT_TIME", "5s");
        if (servers != null) {
            servers.queuesBornAt().ifPresent(bornAt -> env.put("EIC_QUEUES_BORN_AT", bornAt.toString()));
        }
        env.putAll(options.childEnv());
        return env;
    }

    private synchronized void startWebTier() {
        if (closing) {
            return;
        }
        Map<String, String> env = childEnv();
        env.put("EIC_PORT", Integer.toString(options.webPort()));
        ManagedProcess started = ManagedProcess.start("web", JavaCommand.jar(options.webJar(), List.of("-Xmx384m",
                        "-XX:+UseSerialGC",
                        // C1 only: measured, C2's compilations cost the web tier more CPU than they saved
                        // within 500 requests on these two cores (benchmarks.md)
                        "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", crashReports())), env,
                options.dataDir().resolve("logs/web.log"), WEB_READY_MARKER, options.echoLogs() ? System.out : null);
        long startedAt = System.nanoTime();
        web = started;
        started.onExit().thenRun(() -> webExited(started, startedAt));
    }

    /**
     * Supervision: a web tier that dies unasked is started again, after 1 s, doubling up to
     * 30 s while it keeps dying young; one that ran a minute starts over at 1 s.
     */
    private synchronized void webExited(ManagedProcess exited, long startedAt) {
        if (closing || web != exited) {
            return;
        }
        boolean ranLong = System.nanoTime() - startedAt > Duration.ofMinutes(1).toNanos();
        webRestartDelay = ranLong || webRestartDelay.isZero() ? Duration.ofSeconds(1)
                : webRestartDelay.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                : webRestartDelay.multipliedBy(2);
        log.warn("the web tier (pid {}) exited; starting it again in {} s", exited.pid(), webRestartDelay.toSeconds());
        supervisor.schedule(this::startWebTier, webRestartDelay.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The web tier process now serving (it changes when supervision restarts it). */
    public synchronized ManagedProcess web() {
        return web;
    }

    private void startFleet() {
        Map<String, String> env = childEnv();
        int cores = Runtime.getRuntime().availableProcessors();
        // workers x threads <= cores: with a growing fleet each worker gets one thread.
        Scaling scaling = options.scaling();
        int threads = scaling.enabled() ? 1 : Math.max(1, cores / Math.max(1, options.workers()));
        env.putIfAbsent("EIC_THREADS_INTRA_OP", Integer.toString(threads));
        env.put("EIC_STATUS_DIR", statusDir().toString());
        if (scaling.enabled() && scaling.policy().equals(Scaling.IDLE_STOP)) {
            env.put("EIC_WORKER_IDLE_STOP", scaling.idleStop().toMillis() + "ms"); // idle stop: idle workers park
        }
        // C1 only: the worker's Java is plumbing around a native model. With C2 a shapes worker spent 7.9 of its
        // 25.6 CPU-ms per request compiling after 200 warm-up requests, running profiled code meanwhile; with
        // C1 it costs 11.2 in all (benchmarks.md, the JIT split). The AMI's unit keeps the tiered default.
        WorkerLauncher launcher = new WorkerLauncher(options.workerJar(), env, options.dataDir().resolve("logs"),
                List.of("-Xmx" + options.childEnv().getOrDefault("EIC_WORKER_HEAP", "512m"), "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", crashReports(),
                        "-Dai.djl.offline=true"),
                options.echoLogs() ? System.out : null);
        fleet = new WorkerFleet(launcher, Duration.ofSeconds(60), statusDir(), options.workers(),
                scaling.enabled() ? scaling.warmWorkers() : 0);
        fleet.setDesired(options.workers());
    }

    /** A JVM's fatal-error report goes beside its log, not into the directory the stack was started from. */
    private String crashReports() {
        return "-XX:ErrorFile=" + options.dataDir().resolve("logs").toAbsolutePath() + "/hs_err_pid%p.log";
    }

    private java.nio.file.Path statusDir() {
        return options.dataDir().resolve("run");
    }

    private void startController() {
        Scaling scaling = options.scaling();
        CapacityDecider decider = switch (scaling.policy()) {
            case Scaling.STEPS -> CapacityDecider.steps(
                    ScalingPolicy.original(options.workers(), scaling.max(), scaling.period()));
            // a local worker: ~3 s JVM start, ~40 ms per image at ResNet-18 cost with one thread
            case "backlog" -> new BacklogPolicy(options.workers(), scaling.max(), Duration.ofMillis(40),
                    Duration.ofSeconds(3), Duration.ofSeconds(1), 10, 2);
            // idle stop: one worker per visible message, at most max counting parked ones
            case Scaling.IDLE_STOP -> new IdleStopPolicy(scaling.max(), 1, scaling.idleStop(), scaling.reapEvery());
            default -> throw new IllegalArgumentException("EIC_LOCAL_POLICY must be " + Scaling.STEPS + ", backlog or "
                    + Scaling.IDLE_STOP + ", not " + scaling.policy());
        };
        controller = new FleetController(decider, decider.min(), scaling.max(), scaling.period(), fleet,
                aws.sqs(), queues.requestQueueUrl(), aws.s3(), names.outputBucket(), Clock.systemUTC());
        controller.start();
    }

    /** The fleet controller, when autoscaling is on. */
    public FleetController controller() {
        return controller;
    }

    /**
     * Waits (on each worker's ready marker) until {@code count} workers are ready: in service, or
     * parked with their model loaded (with the idle-stop policy a worker may have idled into the
     * pool already).
     */
    public void awaitWorkers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (fleet.inService() + fleet.warm() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + fleet.inService() + " of " + count
                        + " workers ready after " + timeout + "; see " + options.dataDir().resolve("logs"));
            }
            fleet.members().stream().filter(m -> !m.ready() && !m.draining()).findFirst()
                    .map(m -> fleet.process(m.id()))
                    .ifPresent(p -> {
                        try {
                            p.ready().get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                                    java.util.concurrent.TimeUnit.MILLISECONDS);
                        } catch (Exception e) {
                            log.warn("{} did not become ready: {}", p.name(), e.getMessage());
                        }
                    });
            fleet.reconcile();
        }
    }

    public String webUrl() {
        return "http://127.0.0.1:" + options.webPort();
    }

    public AwsClients aws() {
        return aws;
    }

    public StackNames names() {
        return names;
    }

    public String requestQueueUrl() {
        return queues.requestQueueUrl();
    }

    public String deadLetterQueueUrl() {
        return queues.deadLetterQueueUrl();
    }

    public WorkerFleet fleet() {
        return fleet;
    }

    public AwsSettings awsSettings() {
        return awsSettings;
    }

    /**
     * Stops intake first (the web tier, which lets its open requests finish while workers still
     * answer them), then drains the workers, then the servers.
     */
    @Override
    public void close() {
        log.info("stopping the local stack");
        ManagedProcess serving;
        synchronized (this) {
            closing = true;
            serving = web;
        }
        supervisor.shutdownNow();
        if (controller != null) {
            controller.close();
        }
        if (serving != null) {
            serving.stop(Duration.ofSeconds(30));
        }
        if (fleet != null) {
            fleet.close();
        }
        aws.close();
        if (servers != null) {
            servers.close();
        }
    }
}
