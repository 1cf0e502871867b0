package eic.common.queue;

import java.time.Duration;

/**
 * How a {@link QueuePoller} receives and holds messages.
 *
 * @param maxMessages       messages per receive (SQS allows 1..10)
 * @param waitTime          long-poll wait (SQS allows up to 20 s)
 * @param visibilityTimeout how long a received message stays hidden; renewed every third of it while held
 * @param maxHold           the longest any message is held: past it, it is no longer renewed and returns
 * @param retryDelay        the first release delay of a message that must be retried; doubles per receive
 * @param maxRetryDelay     the longest release delay
 */
public record PollerSettings(int maxMessages, Duration waitTime, Duration visibilityTimeout, Duration maxHold,
                             Duration retryDelay, Duration maxRetryDelay) {

    public PollerSettings {
        if (maxMessages < 1 || maxMessages > 10) {
            throw new IllegalArgumentException("maxMessages must be 1..10, not " + maxMessages);
        }
        if (waitTime.toSeconds() > 20) {
            throw new IllegalArgumentException("waitTime must be at most 20 s, not " + waitTime);
        }
    }

    /** The release delay for a message received {@code receiveCount} times. */
    public Duration retryDelay(int receiveCount) {
        Duration delay = retryDelay.multipliedBy(1L << Math.min(20, Math.max(0, receiveCount - 1)));
        return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
    }

    public Duration heartbeat() {
        return visibilityTimeout.dividedBy(3);
    }
}
