package eic.common.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class GuardedTest {
    @Test
    void aScheduledTaskThatThrowsRunsAgainAtItsNextTick() {
        AtomicInteger runs = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("guarded"));
        try {
            timer.scheduleWithFixedDelay(Guarded.task("a failing task", LoggerFactory.getLogger(GuardedTest.class),
                    () -> {
                        int n = runs.incrementAndGet();
                        if (n % 2 == 1) {
                            throw new IllegalStateException("boom " + n);
                        }
                        throw new AssertionError("an error, not an exception " + n);
                    }), 0, 10, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 5);
        } finally {
            timer.shutdownNow();
        }
        assertThat(runs.get()).as("neither an exception nor an error cancelled it").isGreaterThanOrEqualTo(5);
    }

    @Test
    void theJvmsOwnFailuresGoThrough() {
        Runnable guarded = Guarded.task("oom", LoggerFactory.getLogger(GuardedTest.class), () -> {
            throw new OutOfMemoryError("test");
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(guarded::run).isInstanceOf(OutOfMemoryError.class);
    }
}
