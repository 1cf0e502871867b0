package eic.app.worker;

import eic.common.messaging.ResultStore;
import eic.app.classifier.Classifier;
import eic.common.concurrent.DaemonThreads;
import eic.common.messaging.RequestContract;
import eic.common.queue.QueuePoller;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A worker's consumers, wired: {@code settings.loops()} pollers of the request queue, each
 * with its own predictor session (warmed by one pass of a full batch), and one of the
 * dead-letter queue. Not started: the caller runs each poller on a thread of its own and the
 * {@link Reconciler} every so often. A parked worker holds its loops assembled, so that
 * activation starts threads and nothing else.
 *
 * @param requestQueueUrl the request queue the loops poll
 */
public record Loops(List<QueuePoller> pollers, Reconciler reconciler, String requestQueueUrl,
                    List<Classifier.Session> sessions, ExecutorService io) implements AutoCloseable {

    public static Loops assemble(WorkerSettings settings, SqsClient sqs, Supplier<SqsClient> pollingClients,
                                 S3Client s3, Classifier classifier, BusyMarker busy, Clock clock) {
        String requestQueue = sqs.getQueueUrl(b -> b.queueName(settings.names().requestQueue())).queueUrl();
        Supplier<String> deadLetters = () -> sqs.getQueueUrl(b -> b.queueName(settings.names().deadLetterQueue()))
                .queueUrl();
        RequestContract contract = RequestContract.of(settings.names().inputBucket(), requestQueue,
                settings.names().replyQueuePrefix());
        ResultStore results = new ResultStore(s3, settings.names().outputBucket());
        Uploads uploads = new Uploads(s3, settings.names().inputBucket());
        Replies replies = new Replies(sqs, clock);
        Isolation isolation = new Isolation(s3, settings.names().outputBucket());
        ExecutorService io = Executors.newFixedThreadPool(settings.ioThreads() * settings.loops(),
                DaemonThreads.named("io"));
        List<QueuePoller> pollers = new ArrayList<>();
        List<Classifier.Session> sessions = new ArrayList<>();
        for (int i = 0; i < settings.loops(); i++) {
            Classifier.Session session = classifier.newSession();
            sessions.add(session);
            session.warmUp(settings.maxMessages());
            pollers.add(new QueuePoller("worker-loop-" + i, sqs, pollingClients.get(), () -> requestQueue,
                    Optional.of(deadLetters), settings.requestPolling(), new ClassificationHandler(settings, s3,
                    uploads, results, replies, classifier, session, contract, io, busy, isolation, clock), clock));
        }
        pollers.add(new QueuePoller("dead-letters", sqs, pollingClients.get(), deadLetters, Optional.empty(),
                settings.deadLetterPolling(), new DeadLetterHandler(sqs, requestQueue, results, uploads, replies, isolation, contract,
                settings.workerId(), classifier.modelName(), clock), clock));
        Reconciler reconciler = new Reconciler(s3, sqs, settings.names(), requestQueue, deadLetters, results, uploads,
                contract, settings.reconcile(), settings.workerId(), classifier.modelName(), clock);
        return new Loops(List.copyOf(pollers), reconciler, requestQueue, List.copyOf(sessions), io);
    }

    /**
     * Stop receiving; what is in hand finishes. Each long poll is let end rather than cut, so
     * that no message goes to a receive nobody reads (it would wait out its visibility timeout).
     */
    public void stop() {
        pollers.forEach(QueuePoller::finish);
    }

    /** After the pollers stopped: the I/O threads and the predictor sessions go. */
    @Override
    public void close() {
        io.shutdown();
        sessions.forEach(Classifier.Session::close);
    }
}
