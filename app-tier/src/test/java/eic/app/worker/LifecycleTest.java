package eic.app.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The worker's lifecycle on its own: events from other threads, the main thread's waits. The
 * process's exit is a recorder here; the loops are a counter of stop requests.
 */
class LifecycleTest {
    private static final Duration BOUND = Duration.ofMinutes(5);
    private static final Duration NO_IDLE_STOP = Duration.ZERO;

    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final AtomicInteger stopRequests = new AtomicInteger();
    private final IdleClock idle = new IdleClock();

    @Test
    void aSignalWhileNothingIsHeldExitsAtOnce() {
        Lifecycle lifecycle = new Lifecycle(false, true, BOUND, exits::add);
        lifecycle.signal();
        assertThat(exits).containsExactly(0);
    }

    @Test
    void aSignalWhileServingDrainsAndTheProcessEndsWhenTheLoopsHaveEnded() throws Exception {
        Lifecycle lifecycle = new Lifecycle(false, false, BOUND, exits::add);
        assertThat(lifecycle.awaitService()).isTrue();
        assertThat(lifecycle.beginService(2, stopRequests::incrementAndGet)).isTrue();
        CompletableFuture<Lifecycle.End> end = endOfService(lifecycle, NO_IDLE_STOP);

        lifecycle.signal();
        assertThat(stopRequests).hasValue(1);
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.DRAINING);
        lifecycle.pollerEnded();
        assertThat(end).isNotDone();
        lifecycle.pollerEnded();

        assertThat(end.get()).isEqualTo(Lifecycle.End.STOPPED);
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.STOPPED);
        assertThat(exits).as("a drained worker returns from main; nothing forced").isEmpty();
    }

    @Test
    void aSecondSignalDuringTheDrainExitsNow() {
        Lifecycle lifecycle = new Lifecycle(false, false, BOUND, exits::add);
        lifecycle.beginService(1, stopRequests::incrementAndGet);
        lifecycle.signal();
        assertThat(exits).isEmpty();
        lifecycle.signal();
        assertThat(exits).containsExactly(0);
    }

    @Test
    void pastTheDrainBoundWhatIsHeldIsReleased() throws Exception {
        Lifecycle lifecycle = new Lifecycle(false, false, Duration.ofMillis(1), exits::add);
        lifecycle.beginService(1, stopRequests::incrementAndGet);
        lifecycle.stop("the fleet that started this worker is gone");
        assertThat(lifecycle.awaitEndOfService(idle, NO_IDLE_STOP)).isEqualTo(Lifecycle.End.RELEASED);
    }

    @Test
    void aParkDrainsToParkedAndAnActivateSentDuringTheDrainServesAfterIt() throws Exception {
        Lifecycle lifecycle = new Lifecycle(false, true, BOUND, exits::add);
        CompletableFuture<Boolean> activated = CompletableFuture.supplyAsync(() -> call(lifecycle::awaitService));
        lifecycle.park("asked by the fleet"); // parked already: nothing to do
        assertThat(activated).isNotDone();
        lifecycle.activate();
        assertThat(activated.get()).isTrue();

        lifecycle.beginService(1, stopRequests::incrementAndGet);
        lifecycle.activate(); // serving: means nothing
        lifecycle.park("asked by the fleet");
        assertThat(stopRequests).hasValue(1);
        lifecycle.activate(); // during the park's drain: for after it
        lifecycle.pollerEnded();
        assertThat(lifecycle.awaitEndOfService(idle, NO_IDLE_STOP)).isEqualTo(Lifecycle.End.PARKED);
        assertThat(lifecycle.state()).isEqualTo(Lifecycle.State.PARKED);
        assertThat(lifecycle.awaitService()).isTrue();
        assertThat(exits).isEmpty();
    }

    @Test
    void aStopDuringAParksDrainEndsTheProcessInstead() throws Exception {
        Lifecycle lifecycle = new Lifecycle(false, true, BOUND, exits::add);
        lifecycle.activate();
        lifecycle.beginService(1, stopRequests::incrementAndGet);
        lifecycle.park("asked by the fleet");
        lifecycle.stop("the fleet that started this worker is gone");
        lifecycle.pollerEnded();
        assertThat(lifecycle.awaitEndOfService(idle, NO_IDLE_STOP)).isEqualTo(Lifecycle.End.STOPPED);
        assertThat(lifecycle.awaitService()).isFalse();
    }

    @Test
    void aWorkerIdleForTheIdleStopParksItself() throws Exception {
        Lifecycle lifecycle = new Lifecycle(false, true, BOUND, exits::add);
        lifecycle.activate();
        lifecycle.beginService(1, stopRequests::incrementAndGet);
        CompletableFuture<Lifecycle.End> end = endOfService(lifecycle, Duration.ofMillis(20));
        await().atMost(Duration.ofSeconds(10)).untilAtomic(stopRequests, org.hamcrest.Matchers.equalTo(1));
        lifecycle.pollerEnded();
        assertThat(end.get()).isEqualTo(Lifecycle.End.PARKED);
    }

    @Test
    void aBusyWorkerIsNotIdle() throws Exception {
        Lifecycle lifecycle = new Lifecycle(false, true, BOUND, exits::add);
        lifecycle.activate();
        lifecycle.beginService(1, stopRequests::incrementAndGet);
        idle.changed(true);
        CompletableFuture<Lifecycle.End> end = endOfService(lifecycle, Duration.ofMillis(20));
        lifecycle.signal();
        lifecycle.pollerEnded();
        assertThat(end.get()).as("stopped by the signal, never parked while busy").isEqualTo(Lifecycle.End.STOPPED);
    }

    @Test
    void inAGroupTheWorkerServesOnlyOnceTheGroupWantsItInService() throws Exception {
        Lifecycle lifecycle = new Lifecycle(true, false, BOUND, exits::add);
        CompletableFuture<Boolean> serves = CompletableFuture.supplyAsync(() -> call(lifecycle::awaitService));
        assertThat(serves).isNotDone();
        lifecycle.inService();
        assertThat(serves.get()).isTrue();
    }

    @Test
    void anInstanceTakenAwayBeforeServiceStopsWithNothingHeld() throws Exception {
        Lifecycle lifecycle = new Lifecycle(true, false, BOUND, exits::add);
        CompletableFuture<Boolean> serves = CompletableFuture.supplyAsync(() -> call(lifecycle::awaitService));
        lifecycle.leaving("the Auto Scaling group is taking this instance out of service (Terminated)");
        assertThat(serves.get()).isFalse();
        assertThat(lifecycle.beginService(1, stopRequests::incrementAndGet)).as("no loops start").isFalse();
        assertThat(exits).isEmpty();
    }

    private CompletableFuture<Lifecycle.End> endOfService(Lifecycle lifecycle, Duration idleStop) {
        return CompletableFuture.supplyAsync(() -> call(() -> lifecycle.awaitEndOfService(idle, idleStop)));
    }

    private interface Blocking<T> {
        T call() throws InterruptedException;
    }

    private static <T> T call(Blocking<T> blocking) {
        try {
            return blocking.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
