package eic.app.worker;

import eic.common.messaging.ResultStore;
import eic.app.classifier.Classifier;
import eic.app.group.GroupMember;
import eic.common.messaging.ModelAnnouncement;
import eic.common.messaging.WorkerSignals;
import eic.app.classifier.ClassifierSettings;
import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.config.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import eic.common.queue.QueuePoller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The worker process: load the model once, then live as its {@link Lifecycle} says - serve
 * with the loops, park between periods of service (model loaded, polling nothing) when the
 * local fleet started it, wait while its instance is in the warm pool, and on SIGTERM, the
 * fleet gone or the group taking the instance stop receiving, finish what is held, exit.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);
    /** The door's upload limit unless EIC_MAX_UPLOAD_SIZE says otherwise (the web tier reads the same setting). */
    static final long DEFAULT_MAX_UPLOAD_BYTES = 10L << 20;

    private WorkerMain() {
    }

    /**
     * @param exit how the JVM ends when it must end at once (a signal with nothing held, a
     *             second signal, the drain bound passed): the command's main passes
     *             {@code Runtime.halt} (no hooks that could tear the native engine down under a
     *             thread still inside it); the service itself never calls it
     */
    public static void run(Env env, IntConsumer exit) throws InterruptedException {
        WorkerSettings configuredWorker = WorkerSettings.from(env);
        // Started by the local fleet (which always says whether parked): its commands come on standard input.
        boolean fleetStarted = env.find("eic.worker.parked").isPresent();
        boolean startsParked = env.getBoolean("eic.worker.parked", false);
        Optional<GroupMember.Settings> groupSettings = GroupMember.Settings.from(env);
        Lifecycle lifecycle = new Lifecycle(groupSettings.isPresent(), startsParked, configuredWorker.drainTimeout(),
                exit);
        // From the first moment: a signal before the worker serves ends it at once (it holds nothing).
        if (!TermSignals.handle(lifecycle::signal)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                lifecycle.stop("the JVM is shutting down");
                try {
                    lifecycle.awaitStopped();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown"));
        }
        MDC.put("workerId", configuredWorker.workerId());
        if (fleetStarted) {
            FleetLink.listen(System.in, configuredWorker.workerId(), lifecycle);
        }
        ClassifierSettings configured = ClassifierSettings.from(env);
        try (AwsClients aws = new AwsClients(AwsSettings.from(env));
             Classifier classifier = Classifier.load(resolveModel(aws, configured));
             Membership member = Membership.of(groupSettings, aws)) {
            // Memory proven before the first receive: the largest legal batch fits this heap, or is lowered.
            WorkerSettings settings = HeapBudget.of(Runtime.getRuntime().maxMemory(),
                    env.getBytes("eic.max-upload-size", DEFAULT_MAX_UPLOAD_BYTES), classifier.decoder().maxPixels(),
                    classifier.preprocessing()).fit(configuredWorker);
            IdleClock idle = new IdleClock();
            List<BusyMarker.Listener> listeners = new ArrayList<>(List.of(idle));
            env.find("eic.status-dir").map(Path::of).ifPresent(dir -> listeners.add(BusyMarker.statusFile(dir,
                    settings.workerId())));
            member.group().ifPresent(m -> listeners.add(m.protection()::changed));
            // The idle stop parks a worker: only one the fleet can activate again.
            Duration idleStop = fleetStarted ? env.getDuration("eic.worker.idle-stop", Duration.ZERO) : Duration.ZERO;
            Worker worker = new Worker(settings, aws, classifier, new BusyMarker(listeners), idle, member, lifecycle);
            // Assembled (and the model warmed) before waiting: activation then starts threads, nothing more.
            Loops loops = worker.assemble();
            member.group().ifPresent(m -> m.watch(lifecycle)); // a warm-pool instance waits, model loaded
            if (startsParked) {
                announceReady(settings.workerId(), classifier.modelName(), " parked");
            }
            boolean parked = startsParked;
            boolean released = false;
            while (true) {
                if (parked) {
                    System.out.println(WorkerSignals.PARKED_MARKER + " id=" + settings.workerId());
                    System.out.flush();
                    log.info("worker {} parked: model loaded, waiting to be activated", settings.workerId());
                }
                if (!lifecycle.awaitService()) {
                    loops.close();
                    break;
                }
                Lifecycle.End end = worker.serve(loops, idleStop);
                if (end != Lifecycle.End.PARKED) {
                    released = end == Lifecycle.End.RELEASED;
                    break;
                }
                parked = true;
                loops = worker.assemble();
            }
            // Drained (or released what it could not finish): a terminating group may take the instance.
            member.group().ifPresent(GroupMember::left);
            log.info("worker {} exits", settings.workerId());
            if (released) {
                exit.accept(0); // its loops still run inside the engine: end now, closing nothing under them
            }
        }
    }

    /**
     * One worker JVM's periods of service: its model stays loaded while it serves, parks and
     * serves again; each period runs loops assembled before it (while the worker waited to be
     * activated or put in service).
     */
    private record Worker(WorkerSettings settings, AwsClients aws, Classifier classifier, BusyMarker busy,
                          IdleClock idle, Membership member, Lifecycle lifecycle) {

        /** The loops of the next period of service, not started. */
        Loops assemble() {
            return Loops.assemble(settings, aws.sqs(), aws::newPollingSqsClient, aws.s3(), classifier, busy,
                    Clock.systemUTC());
        }

        Lifecycle.End serve(Loops loops, Duration idleStop) throws InterruptedException {
            List<QueuePoller> pollers = loops.pollers();
            if (!lifecycle.beginService(pollers.size(), loops::stop)) { // stopped while the loops were assembled
                loops.close();
                return Lifecycle.End.STOPPED;
            }
            pollers.forEach(this::start);
            ScheduledExecutorService reconciling = Executors.newSingleThreadScheduledExecutor(
                    DaemonThreads.named("reconciler"));
            reconciling.execute(Guarded.task("recovery of what the queues lost", log,
                    () -> loops.reconciler().recoverWhatTheQueuesLost()));
            long period = settings.reconcile().period().toMillis();
            // Spread over the period, so that a fleet's workers do not all list the buckets at once.
            reconciling.scheduleWithFixedDelay(Guarded.task("reconciliation pass", log, loops.reconciler()),
                    ThreadLocalRandom.current().nextLong(period) + 1, period, TimeUnit.MILLISECONDS);
            log.info("worker {} ready: model {} ({}), {} loop(s), queue {}", settings.workerId(),
                    classifier.modelName(), classifier.modelDescription(), settings.loops(), loops.requestQueueUrl());
            announce(new ResultStore(aws.s3(), settings.names().outputBucket()), new ModelAnnouncement(
                    classifier.modelName(), classifier.modelDescription(), settings.workerId(), Instant.now()));
            member.group().ifPresent(GroupMember::ready);
            announceReady(settings.workerId(), classifier.modelName(), "");
            idle.restart();
            Lifecycle.End end = lifecycle.awaitEndOfService(idle, idleStop);
            reconciling.shutdownNow();
            if (end != Lifecycle.End.RELEASED) {
                loops.close();
            }
            return end;
        }

        private void start(QueuePoller poller) {
            Thread thread = new Thread(() -> {
                MDC.put("workerId", settings.workerId());
                try {
                    poller.run();
                } finally {
                    lifecycle.pollerEnded();
                }
            }, poller.toString());
            thread.start();
        }
    }

    /** The worker's Auto Scaling group membership, when it runs in one; closed with the worker. */
    private record Membership(Optional<GroupMember> group) implements AutoCloseable {
        static Membership of(Optional<GroupMember.Settings> settings, AwsClients aws) throws InterruptedException {
            if (settings.isEmpty()) {
                return new Membership(Optional.empty());
            }
            try {
                return new Membership(Optional.of(GroupMember.join(settings.get(), aws)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read this instance's metadata for group "
                        + settings.get().group(), e);
            }
        }

        @Override
        public void close() {
            group.ifPresent(GroupMember::close);
        }
    }

    /** The line the launcher waits for: the model is loaded. */
    private static void announceReady(String workerId, String model, String suffix) {
        System.out.println(WorkerSignals.READY_MARKER + " id=" + workerId + " model=" + model + suffix);
        System.out.flush();
    }

    /** Best effort: a worker that cannot announce its model still serves. */
    private static void announce(ResultStore results, ModelAnnouncement announcement) {
        try {
            results.announce(announcement);
        } catch (SdkException e) {
            log.warn("could not announce model {}: {}", announcement.model(), e.getMessage());
        }
    }

    /** An s3:// model is fetched into the cache first; names and local paths pass through. */
    static ClassifierSettings resolveModel(AwsClients aws, ClassifierSettings settings) {
        if (!ModelFetcher.isS3(settings.model())) {
            return settings;
        }
        Path cache = settings.cacheDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "eic-models"));
        try {
            return settings.withModel(ModelFetcher.fetch(aws.s3(), settings.model(), cache).toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch the model " + settings.model(), e);
        }
    }
}
