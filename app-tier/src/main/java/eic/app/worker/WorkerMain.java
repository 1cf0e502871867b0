package eic.app.worker;

import eic.common.messaging.ResultStore;
import eic.app.classifier.Classifier;
import eic.app.fleet.GroupMember;
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
import java.util.function.Supplier;
import eic.common.concurrent.DaemonThreads;
import eic.common.messaging.RequestContract;
import eic.common.queue.QueuePoller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The worker process: load the model once, run the loops, and on SIGTERM (or when the
 * parent that started it is gone) stop receiving, finish what is held, exit.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void run(Env env) throws InterruptedException {
        WorkerSettings settings = WorkerSettings.from(env);
        MDC.put("workerId", settings.workerId());
        ClassifierSettings configured = ClassifierSettings.from(env);
        Clock clock = Clock.systemUTC();
        try (AwsClients aws = new AwsClients(AwsSettings.from(env));
             Classifier classifier = Classifier.load(resolveModel(aws, configured));
             Membership member = Membership.of(env, aws)) {
            List<BusyMarker.Listener> listeners = new ArrayList<>();
            env.find("eic.status-dir").map(Path::of).ifPresent(dir -> listeners.add(BusyMarker.statusFile(dir,
                    settings.workerId())));
            member.group().ifPresent(m -> listeners.add(m.protection()::changed));
            Loops loops = Loops.assemble(settings, aws.sqs(), aws::newPollingSqsClient, aws.s3(), classifier,
                    new BusyMarker(listeners), clock);
            List<QueuePoller> pollers = loops.pollers();
            if (member.group().isPresent()) {
                member.group().get().awaitInService(); // a warm-pool instance waits here, model loaded
            } else if (env.getBoolean("eic.worker.parked", false) && !awaitActivation(settings.workerId(),
                    classifier.modelName())) {
                loops.close();
                return; // the fleet went away while this worker was parked
            }
            pollers.forEach(p -> start(settings.workerId(), p));
            ScheduledExecutorService reconciling = Executors.newSingleThreadScheduledExecutor(
                    DaemonThreads.named("reconciler"));
            long period = settings.reconcile().period().toMillis();
            // Spread over the period, so that a fleet's workers do not all list the buckets at once.
            reconciling.scheduleWithFixedDelay(loops.reconciler(), ThreadLocalRandom.current().nextLong(period) + 1,
                    period, TimeUnit.MILLISECONDS);

            // (Registered once serving: a parked worker holds nothing and SIGTERM simply ends it.)
            Runnable stop = () -> {
                log.info("stopping: no new messages; finishing held work");
                loops.stop();
            };
            Thread hook = new Thread(() -> {
                stop.run();
                awaitStopped(pollers, settings.drainTimeout());
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            env.find("eic.parent-pid").map(Long::parseLong).flatMap(ProcessHandle::of)
                    .ifPresent(parent -> parent.onExit().thenRun(() -> {
                        log.warn("parent process {} is gone; shutting down", parent.pid());
                        stop.run();
                    }));

            log.info("worker {} ready: model {} ({}), {} loop(s), queue {}", settings.workerId(),
                    classifier.modelName(), classifier.modelDescription(), settings.loops(), loops.requestQueueUrl());
            announce(new ResultStore(aws.s3(), settings.names().outputBucket()), new ModelAnnouncement(
                    classifier.modelName(), classifier.modelDescription(), settings.workerId(), Instant.now()));
            // Told by its group to go: drain within the bound, then let the instance terminate.
            member.group().ifPresent(m -> m.ready(() -> {
                stop.run();
                awaitStopped(pollers, settings.drainTimeout());
                m.left();
            }));
            announceReady(settings.workerId(), classifier.modelName(), "");
            for (QueuePoller poller : pollers) {
                while (!poller.awaitStopped(Duration.ofMinutes(1))) {
                    log.debug("{} still running", poller);
                }
            }
            reconciling.shutdownNow();
            loops.close();
            // Drained (or released what it could not finish): a terminating group may take the instance.
            member.group().ifPresent(GroupMember::left);
            log.info("worker {} exits", settings.workerId());
        }
    }

    /** The worker's Auto Scaling group membership, when it runs in one; closed with the worker. */
    private record Membership(Optional<GroupMember> group) implements AutoCloseable {
        static Membership of(Env env, AwsClients aws) throws InterruptedException {
            Optional<GroupMember.Settings> settings = GroupMember.Settings.from(env);
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

    /**
     * The local warm pool: a parked worker has loaded its model and says so (the ready
     * marker), then polls nothing until the fleet writes {@code activate} to its standard
     * input - activation costs a line on a pipe, not a JVM start. False when its input ends
     * (the fleet is gone) before that.
     */
    static boolean awaitActivation(String workerId, String model) {
        announceReady(workerId, model, " parked");
        log.info("worker {} parked: model loaded, waiting to be activated", workerId);
        try {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.trim().equals(WorkerSignals.ACTIVATE)) {
                    log.info("worker {} activated", workerId);
                    return true;
                }
            }
        } catch (IOException e) {
            log.warn("worker {}: its input failed while parked: {}", workerId, e.getMessage());
        }
        return false;
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

    private static void start(String workerId, QueuePoller poller) {
        Thread thread = new Thread(() -> {
            MDC.put("workerId", workerId);
            poller.run();
        }, poller.toString());
        thread.start();
    }

    /** The drain bound: what is not finished by then returns to the queue for another worker. */
    private static void awaitStopped(List<QueuePoller> pollers, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            for (QueuePoller poller : pollers) {
                if (!poller.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    log.warn("held work did not finish within {}; its messages will be redelivered", bound);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
