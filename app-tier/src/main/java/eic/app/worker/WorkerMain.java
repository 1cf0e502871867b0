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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import eic.common.messaging.RequestContract;
import eic.common.queue.QueuePoller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The worker process: load the model once, run the loops, and on SIGTERM (or when the
 * parent that started it is gone) stop receiving, finish what is held, exit. Started by the
 * local fleet, it may also park between periods of service, model loaded, polling nothing.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);
    /** The door's upload limit unless EIC_MAX_UPLOAD_SIZE says otherwise (the web tier reads the same setting). */
    static final long DEFAULT_MAX_UPLOAD_BYTES = 10L << 20;

    private WorkerMain() {
    }

    /**
     * @param exit how the JVM ends when a signal asks it to before (or beyond) a drain: the
     *             command's main passes {@code Runtime.halt} (no hooks that could tear the native engine
     *             down under a thread still inside it); the service itself never calls it
     */
    public static void run(Env env, IntConsumer exit) throws InterruptedException {
        // From the first moment: a signal before the worker serves ends it at once (it holds nothing).
        AtomicReference<Worker> current = new AtomicReference<>();
        boolean signalsHandled = TermSignals.handle(() -> {
            Worker worker = current.get();
            if (worker == null) {
                log.info("stopping: nothing held");
                exit.accept(0);
                return;
            }
            worker.terminate();
        });
        WorkerSettings configuredWorker = WorkerSettings.from(env);
        MDC.put("workerId", configuredWorker.workerId());
        ClassifierSettings configured = ClassifierSettings.from(env);
        Clock clock = Clock.systemUTC();
        try (AwsClients aws = new AwsClients(AwsSettings.from(env));
             Classifier classifier = Classifier.load(resolveModel(aws, configured));
             Membership member = Membership.of(env, aws)) {
            // Memory proven before the first receive: the largest legal batch fits this heap, or is lowered.
            WorkerSettings settings = HeapBudget.of(Runtime.getRuntime().maxMemory(),
                    env.getBytes("eic.max-upload-size", DEFAULT_MAX_UPLOAD_BYTES), classifier.decoder().maxPixels(),
                    classifier.preprocessing()).fit(configuredWorker);
            IdleClock idle = new IdleClock();
            List<BusyMarker.Listener> listeners = new ArrayList<>(List.of(idle));
            env.find("eic.status-dir").map(Path::of).ifPresent(dir -> listeners.add(BusyMarker.statusFile(dir,
                    settings.workerId())));
            member.group().ifPresent(m -> listeners.add(m.protection()::changed));
            Worker worker = new Worker(settings, aws, classifier, new BusyMarker(listeners), idle, clock, member,
                    exit);
            current.set(worker);
            worker.watchForStop(env, signalsHandled);
            // Started by the local fleet (which always says whether parked): its commands come on standard input.
            Optional<FleetLink> fleet = env.find("eic.worker.parked")
                    .map(parked -> FleetLink.reading(System.in, settings.workerId()));
            boolean parked = env.getBoolean("eic.worker.parked", false);
            Duration idleStop = env.getDuration("eic.worker.idle-stop", Duration.ZERO);
            // Assembled (and the model warmed) before waiting: activation then starts threads, nothing more.
            Loops loops = worker.assemble();
            if (member.group().isPresent()) {
                member.group().get().awaitInService(); // a warm-pool instance waits here, model loaded
            }
            if (parked) {
                announceReady(settings.workerId(), classifier.modelName(), " parked");
            }
            while (true) {
                if (parked && !worker.park(fleet.orElseThrow())) {
                    loops.close();
                    break; // the fleet went away while this worker was parked
                }
                if (worker.serve(loops, fleet, idleStop) == End.STOPPED) {
                    break;
                }
                parked = true;
                loops = worker.assemble();
            }
            // Drained (or released what it could not finish): a terminating group may take the instance.
            member.group().ifPresent(GroupMember::left);
            log.info("worker {} exits", settings.workerId());
        }
    }

    /** How a period of service ended. */
    enum End { STOPPED, PARKED }

    /**
     * One worker JVM: its model stays loaded while it serves, parks (polling nothing) and
     * serves again. A period of service runs loops assembled before it (while the worker waited
     * to be activated or put in service) and ends with SIGTERM or a gone parent (stopped), or -
     * started by the local fleet - with its {@code park} command or, when an idle stop is set
     * (the idle-stop policy), after that long without work (parked).
     */
    private static final class Worker {
        private final WorkerSettings settings;
        private final AwsClients aws;
        private final Classifier classifier;
        private final BusyMarker busy;
        private final IdleClock idle;
        private final Clock clock;
        private final Membership member;
        private final AtomicReference<Loops> serving = new AtomicReference<>();
        private final AtomicInteger signals = new AtomicInteger();
        private volatile boolean stopping;
        private final IntConsumer exit;

        Worker(WorkerSettings settings, AwsClients aws, Classifier classifier, BusyMarker busy, IdleClock idle,
               Clock clock, Membership member, IntConsumer exit) {
            this.exit = exit;
            this.settings = settings;
            this.aws = aws;
            this.classifier = classifier;
            this.busy = busy;
            this.idle = idle;
            this.clock = clock;
            this.member = member;
        }

        /**
         * SIGTERM (or SIGINT), or the parent that started this worker gone: stop receiving, finish
         * what is held within the drain bound, then exit - while the JVM is whole (TermSignals).
         */
        void watchForStop(Env env, boolean signalsHandled) {
            if (!signalsHandled) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop();
                    Loops loops = serving.get();
                    if (loops != null) {
                        awaitStopped(loops.pollers(), settings.drainTimeout());
                    }
                }, "shutdown"));
            }
            env.find("eic.parent-pid").map(Long::parseLong).flatMap(ProcessHandle::of)
                    .ifPresent(parent -> parent.onExit().thenRun(() -> {
                        log.warn("parent process {} is gone; shutting down", parent.pid());
                        stop();
                    }));
        }

        /**
         * A signal to end: not serving (loading, parked) the worker exits at once, it holds nothing;
         * serving, it drains and its main thread returns, or it exits when the drain bound is over
         * (what is unfinished comes back after its visibility timeout). A second signal exits now.
         */
        private void terminate() {
            Loops loops = serving.get();
            if (loops == null || signals.incrementAndGet() > 1) {
                log.info(loops == null ? "stopping: nothing held" : "asked again: exiting now");
                exit.accept(0);
                return;
            }
            stop();
            Thread bound = new Thread(() -> {
                if (!awaitStopped(loops.pollers(), settings.drainTimeout())) {
                    exit.accept(0);
                }
            }, "drain-bound");
            bound.setDaemon(true);
            bound.start();
        }

        private void stop() {
            stopping = true;
            Loops loops = serving.get();
            if (loops != null) {
                log.info("stopping: no new messages; finishing held work");
                loops.stop();
            }
        }

        /**
         * The local warm pool: parked, the worker holds its loaded model and polls nothing until
         * the fleet writes {@code activate} - activation costs a line on a pipe, not a JVM start.
         * False when the fleet is gone (or the worker is stopping) first.
         */
        boolean park(FleetLink fleet) throws InterruptedException {
            System.out.println(WorkerSignals.PARKED_MARKER + " id=" + settings.workerId());
            System.out.flush();
            log.info("worker {} parked: model loaded, waiting to be activated", settings.workerId());
            boolean activated = fleet.awaitActivation();
            if (activated && !stopping) {
                log.info("worker {} activated", settings.workerId());
            }
            return activated && !stopping;
        }

        /** The loops of the next period of service, not started. */
        Loops assemble() {
            return Loops.assemble(settings, aws.sqs(), aws::newPollingSqsClient, aws.s3(), classifier, busy, clock);
        }

        End serve(Loops loops, Optional<FleetLink> fleet, Duration idleStop) throws InterruptedException {
            serving.set(loops);
            if (stopping) { // SIGTERM came while the loops were being assembled
                serving.set(null);
                loops.close();
                return End.STOPPED;
            }
            List<QueuePoller> pollers = loops.pollers();
            pollers.forEach(p -> start(settings.workerId(), p));
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
            // Told by its group to go: drain within the bound, then let the instance terminate.
            member.group().ifPresent(m -> m.ready(() -> {
                stop();
                awaitStopped(pollers, settings.drainTimeout());
                m.left();
            }));
            announceReady(settings.workerId(), classifier.modelName(), "");
            idle.restart();
            End end = End.STOPPED;
            while (!allStopped(pollers)) {
                if (fleet.isEmpty() || stopping || end == End.PARKED) {
                    // No fleet to listen to, or draining: commands wait (an 'activate' sent now is for after
                    // the park), and a gone fleet has nothing more to say.
                    awaitOne(pollers, Duration.ofSeconds(1));
                    continue;
                }
                Optional<String> command = fleet.get().next(Duration.ofSeconds(1));
                if (command.filter(FleetLink.GONE::equals).isPresent()) {
                    log.warn("the fleet that started this worker is gone; shutting down");
                    stop();
                }
                boolean idleTooLong = !idleStop.isZero() && idle.idleFor().compareTo(idleStop) >= 0;
                if (!stopping && (command.filter(WorkerSignals.PARK::equals).isPresent() || idleTooLong)) {
                    log.info("parking ({}): no new messages; finishing held work",
                            idleTooLong ? "idle for " + idleStop : "asked by the fleet");
                    end = End.PARKED;
                    loops.stop();
                }
            }
            reconciling.shutdownNow();
            serving.set(null);
            loops.close();
            return stopping ? End.STOPPED : end;
        }

        /** Waits up to {@code timeout} for the first poller still running to stop. */
        private static void awaitOne(List<QueuePoller> pollers, Duration timeout) throws InterruptedException {
            for (QueuePoller poller : pollers) {
                if (!poller.awaitStopped(Duration.ZERO)) {
                    poller.awaitStopped(timeout);
                    return;
                }
            }
        }

        private static boolean allStopped(List<QueuePoller> pollers) throws InterruptedException {
            for (QueuePoller poller : pollers) {
                if (!poller.awaitStopped(Duration.ZERO)) {
                    return false;
                }
            }
            return true;
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

    /** The drain bound: what is not finished by then returns to the queue for another worker. False then. */
    private static boolean awaitStopped(List<QueuePoller> pollers, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            for (QueuePoller poller : pollers) {
                if (!poller.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    log.warn("held work did not finish within {}; its messages will be redelivered", bound);
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
