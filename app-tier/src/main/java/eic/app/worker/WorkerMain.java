package eic.app.worker;

import eic.app.classifier.Classifier;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        try (AwsClients aws = new AwsClients(AwsSettings.from(env));
             Classifier classifier = Classifier.load(resolveModel(aws, configured))) {
            String requestQueue = aws.sqs().getQueueUrl(b -> b.queueName(settings.names().requestQueue())).queueUrl();
            String deadLetters = aws.sqs().getQueueUrl(b -> b.queueName(settings.names().deadLetterQueue())).queueUrl();
            List<Worker> loops = new ArrayList<>();
            CountDownLatch stopped = new CountDownLatch(settings.loops() + 1);
            BusyMarker busy = new BusyMarker(env.find("eic.status-dir").map(Path::of), settings.workerId());
            for (int i = 0; i < settings.loops(); i++) {
                Worker worker = new Worker(settings, aws.sqs(), aws.newPollingSqsClient(), aws.s3(), classifier,
                        requestQueue, busy);
                loops.add(worker);
                start("worker-loop-" + i, worker, stopped);
            }
            DeadLetterHandler deadLetterHandler = new DeadLetterHandler(aws.sqs(),
                    new ResultStore(aws.s3(), settings.names().outputBucket()), deadLetters, settings.workerId(),
                    classifier.modelName());
            start("dead-letters", deadLetterHandler, stopped);

            Runnable stop = () -> {
                log.info("stopping: no new messages; finishing held work");
                loops.forEach(Worker::stop);
                deadLetterHandler.stop();
            };
            Thread hook = new Thread(() -> {
                stop.run();
                awaitQuietly(stopped, settings.drainTimeout().toMillis());
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            env.find("eic.parent-pid").map(Long::parseLong).flatMap(ProcessHandle::of)
                    .ifPresent(parent -> parent.onExit().thenRun(() -> {
                        log.warn("parent process {} is gone; shutting down", parent.pid());
                        stop.run();
                    }));

            log.info("worker {} ready: model {} ({}), {} loop(s), queue {}", settings.workerId(),
                    classifier.modelName(), classifier.modelDescription(), settings.loops(), requestQueue);
            announce(new ResultStore(aws.s3(), settings.names().outputBucket()), new ModelAnnouncement(
                    classifier.modelName(), classifier.modelDescription(), settings.workerId(), Instant.now()));
            System.out.println(WorkerSignals.READY_MARKER + " id=" + settings.workerId() + " model=" + classifier.modelName());
            System.out.flush();
            stopped.await();
            log.info("worker {} exits", settings.workerId());
        }
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

    private static void start(String name, Runnable task, CountDownLatch stopped) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{} died", name, e);
            } finally {
                stopped.countDown();
            }
        }, name);
        thread.start();
    }

    private static void awaitQuietly(CountDownLatch latch, long millis) {
        try {
            if (!latch.await(millis, TimeUnit.MILLISECONDS)) {
                log.warn("held work did not finish within {} ms; its messages will be redelivered", millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
