package eic.common.aws;

import java.time.Duration;

/**
 * The buckets and queues of one deployment, the same on AWS and on the local stack.
 *
 * @param visibilityTimeout request-queue visibility timeout; workers extend it while they work
 * @param maxReceiveCount   deliveries before a request moves to the dead-letter queue: enough that a
 *                          worker killed while holding an innocent image (which then goes alone on each
 *                          later delivery) never sends it there; a poison image gets there all the same
 * @param retention         how long an unprocessed request is kept
 */
public record ResourceSpec(StackNames names, Duration visibilityTimeout, int maxReceiveCount, Duration retention) {
    public static final int MAX_RECEIVE_COUNT = 5;

    public static ResourceSpec defaults(StackNames names) {
        return new ResourceSpec(names, Duration.ofSeconds(30), MAX_RECEIVE_COUNT, Duration.ofDays(4));
    }
}
