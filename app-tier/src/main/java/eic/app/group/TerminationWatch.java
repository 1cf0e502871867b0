package eic.app.group;

import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the instance metadata for the group's intent to take this instance out of service
 * (target lifecycle state {@code Terminated}, while the termination hook holds it, or
 * {@code Warmed:*}, back to the warm pool on scale-in, to be stopped) or EC2's Spot
 * interruption notice (two minutes before a Spot instance is taken back), and says so once:
 * the worker then drains and completes the hook - within its 90 s bound, inside the notice.
 * A metadata service that does not answer is logged and asked again at the next tick.
 */
public final class TerminationWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TerminationWatch.class);

    private final InstanceMetadata metadata;
    private final Runnable onTermination;
    private final AtomicBoolean terminating = new AtomicBoolean();
    private final ScheduledExecutorService ticks =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("termination-watch"));

    public TerminationWatch(InstanceMetadata metadata, Duration period, Runnable onTermination) {
        this.metadata = metadata;
        this.onTermination = onTermination;
        ticks.scheduleWithFixedDelay(Guarded.task("termination watch", log, this::check), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the group has asked this instance to go. */
    public boolean terminating() {
        return terminating.get();
    }

    private void check() {
        Optional<String> state;
        Optional<String> spot;
        try {
            state = metadata.targetLifecycleState();
            spot = state.isPresent() && leaving(state.get()) ? Optional.empty() : metadata.spotInstanceAction();
        } catch (IOException e) {
            log.debug("instance metadata: {}", e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String why = state.filter(TerminationWatch::leaving)
                .map(s -> "the Auto Scaling group is taking this instance out of service (" + s + ")")
                .or(() -> spot.map(notice -> "a Spot interruption notice (" + notice + ")")).orElse(null);
        if (why != null && terminating.compareAndSet(false, true)) {
            log.info("{}: draining", why);
            ticks.shutdown();
            onTermination.run();
        }
    }

    private static boolean leaving(String targetState) {
        return targetState.equals("Terminated") || targetState.startsWith("Warmed:");
    }

    @Override
    public void close() {
        ticks.shutdownNow();
    }
}
