package eic.app.worker;

import eic.common.aws.StackNames;
import eic.common.config.Env;
import java.time.Duration;
import java.util.UUID;

/**
 * How a worker polls and holds messages.
 *
 * @param maxMessages       messages per receive (SQS allows up to 10); also the largest batch
 * @param waitTime          long-poll wait (SQS allows up to 20 s)
 * @param visibilityTimeout how long a received message stays hidden; extended while work runs
 * @param loops             receive/classify loops in this JVM, each with its own predictor
 * @param ioThreads         parallel downloads and result writes per loop
 * @param drainTimeout      on SIGTERM, how long held work may take to finish
 */
public record WorkerSettings(String workerId, StackNames names, int maxMessages, Duration waitTime,
                             Duration visibilityTimeout, int loops, int ioThreads, Duration drainTimeout) {

    public static WorkerSettings from(Env env) {
        return new WorkerSettings(
                env.get("eic.worker-id", "worker-" + UUID.randomUUID().toString().substring(0, 8)),
                StackNames.from(env),
                Math.min(10, env.getInt("eic.worker.max-messages", 10)),
                env.getDuration("eic.worker.wait-time", Duration.ofSeconds(20)),
                env.getDuration("eic.worker.visibility-timeout", Duration.ofSeconds(30)),
                env.getInt("eic.worker.loops", 1),
                env.getInt("eic.worker.io-threads", 10),
                env.getDuration("eic.worker.drain-timeout", Duration.ofSeconds(60)));
    }

    /** How often held messages get their visibility extended. */
    public Duration heartbeat() {
        return visibilityTimeout.dividedBy(3);
    }
}
