package eic.app.worker;

import eic.common.aws.StackNames;
import eic.common.config.Env;
import eic.common.queue.PollerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * How a worker polls and holds messages.
 *
 * @param maxMessages       messages per receive (SQS allows up to 10); also the largest batch
 * @param waitTime          long-poll wait (SQS allows up to 20 s)
 * @param visibilityTimeout how long a received message stays hidden; renewed while work runs
 * @param loops             receive/classify loops in this JVM, each with its own predictor
 * @param ioThreads         parallel downloads and result writes per loop
 * @param drainTimeout      when the worker is to stop, how long held work may take to finish
 * @param maxHold           the longest a message is held, outages of S3 or SQS included; then it returns
 * @param maxBatchPixels    decoded pixels in one forward pass (and so in the heap at once); an image larger
 *                          than this goes alone
 * @param reconcile         how often the reconciler looks for requests the queue lost, how long the door may take
 *                          to send, and how many re-submissions a lost request gets
 * @param dedup             answer a repeat of image bytes this model classified before from that result
 */
public record WorkerSettings(String workerId, StackNames names, int maxMessages, Duration waitTime,
                             Duration visibilityTimeout, int loops, int ioThreads, Duration drainTimeout,
                             Duration maxHold, long maxBatchPixels, Reconciler.Settings reconcile, boolean dedup) {

    public WorkerSettings(String workerId, StackNames names, int maxMessages, Duration waitTime,
                          Duration visibilityTimeout, int loops, int ioThreads, Duration drainTimeout,
                          Duration maxHold, long maxBatchPixels, Reconciler.Settings reconcile) {
        this(workerId, names, maxMessages, waitTime, visibilityTimeout, loops, ioThreads, drainTimeout, maxHold,
                maxBatchPixels, reconcile, true);
    }

    public static WorkerSettings from(Env env) {
        return new WorkerSettings(
                env.get("eic.worker-id", "worker-" + UUID.randomUUID().toString().substring(0, 8)),
                StackNames.from(env),
                Math.min(10, env.getInt("eic.worker.max-messages", 10)),
                env.getDuration("eic.worker.wait-time", Duration.ofSeconds(20)),
                env.getDuration("eic.worker.visibility-timeout", Duration.ofSeconds(30)),
                env.getInt("eic.worker.loops", 1),
                env.getInt("eic.worker.io-threads", 10),
                env.getDuration("eic.worker.drain-timeout", Duration.ofSeconds(60)),
                env.getDuration("eic.worker.max-hold", Duration.ofMinutes(15)),
                env.getLong("eic.worker.max-batch-pixels", 16_000_000L),
                new Reconciler.Settings(env.getDuration("eic.reconcile.period", Duration.ofMinutes(5)),
                        env.getDuration("eic.reconcile.after", Duration.ofMinutes(15)),
                        env.getInt("eic.reconcile.attempts", 3),
                        env.find("eic.queues-born-at").map(Instant::parse)),
                env.getBoolean("eic.dedup", true));
    }

    /** These settings with at most {@code messages} per receive (and so per batch). */
    public WorkerSettings withMaxMessages(int messages) {
        return new WorkerSettings(workerId, names, messages, waitTime, visibilityTimeout, loops, ioThreads,
                drainTimeout, maxHold, maxBatchPixels, reconcile, dedup);
    }

    /** The request queue's poller: released work comes back after 1 s, 2 s, 4 s ... at most a minute. */
    public PollerSettings requestPolling() {
        return new PollerSettings(maxMessages, waitTime, visibilityTimeout, maxHold, Duration.ofSeconds(1),
                Duration.ofMinutes(1));
    }

    /** The dead-letter queue's poller: one letter at a time is plenty. */
    public PollerSettings deadLetterPolling() {
        return new PollerSettings(10, waitTime, visibilityTimeout, maxHold, Duration.ofSeconds(5),
                Duration.ofMinutes(5));
    }
}
