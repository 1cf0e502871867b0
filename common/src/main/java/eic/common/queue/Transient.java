package eic.common.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Infrastructure faults are transient: a bucket or queue that does not answer, answers 5xx
 * or throttles delays the work, it never fails it. Such calls are retried with exponential
 * back-off until a deadline; anything else (a missing object, a refused precondition) is the
 * caller's to judge at once.
 */
public final class Transient {
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

    private Transient() {
    }

    /** True for a fault of the infrastructure rather than of the request. */
    public static boolean isTransient(Throwable e) {
        if (e instanceof AbortedException) {
            return false; // this JVM is stopping the call
        }
        if (e instanceof SdkClientException) {
            return true; // refused, reset, timed out
        }
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            return status >= 500 || status == 429 || service.isThrottlingException();
        }
        return false;
    }

    /**
     * Runs {@code call}, retrying transient faults with back-off until {@code deadline};
     * then, or for any other fault, the exception propagates.
     */
    public static <T> T retry(Supplier<T> call, Instant deadline, Clock clock) {
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (!isTransient(e) || !clock.instant().plus(pause).isBefore(deadline)) {
                    throw e;
                }
                pause(pause);
                pause = nextPause(pause);
            }
        }
    }

    /** The project's back-off: the first pause 200 ms (from none), then doubling up to 10 s. */
    public static Duration nextPause(Duration pause) {
        if (pause.isZero()) {
            return FIRST_PAUSE;
        }
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : doubled;
    }

    public static void retry(Runnable call, Instant deadline, Clock clock) {
        retry(() -> {
            call.run();
            return null;
        }, deadline, clock);
    }

    private static void pause(Duration pause) {
        try {
            TimeUnit.MILLISECONDS.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted while backing off");
        }
    }
}
