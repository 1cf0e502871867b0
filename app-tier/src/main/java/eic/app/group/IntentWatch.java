package eic.app.group;

import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reader of what the group wants of this instance: every period it reads the target
 * lifecycle state from the instance metadata (and, once in service, EC2's Spot interruption
 * notice). Until the worker is in service, {@code Warmed:*} means the instance was launched
 * into the warm pool: the watch says so once ({@code warmed}) and waits; anything else means
 * serve. In service, {@code Terminated}, {@code Warmed:*} (back to the warm pool on
 * scale-in) or a Spot notice means leave: said once, then the watch ends. A metadata service
 * that does not answer is taken as "in service" the first time (the worker serves rather
 * than waits) and asked again at the next tick after that.
 */
final class IntentWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IntentWatch.class);

    private final InstanceMetadata metadata;
    private final GroupMember.Listener listener;
    private final Runnable warmed;
    private final ScheduledExecutorService ticks =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("group-intent"));
    private volatile boolean inService;
    private volatile boolean leaving;
    private boolean toldWarmed;

    IntentWatch(InstanceMetadata metadata, Duration period, GroupMember.Listener listener, Runnable warmed) {
        this.metadata = metadata;
        this.listener = listener;
        this.warmed = warmed;
        ticks.scheduleWithFixedDelay(Guarded.task("group intent watch", log, this::check), 0, period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Whether the group (or EC2) has asked this instance to go. */
    boolean leaving() {
        return leaving;
    }

    private void check() {
        try {
            Optional<String> state = readTargetState();
            if (state.isEmpty()) {
                return;
            }
            if (!inService) {
                if (!state.get().startsWith("Warmed:")) {
                    if (toldWarmed) {
                        log.info("leaving the warm pool: {}", state.get());
                    }
                    inService = true;
                    listener.inService();
                } else if (!toldWarmed) {
                    toldWarmed = true;
                    log.info("pre-initialised for the warm pool ({}): model loaded, not polling", state.get());
                    warmed.run();
                }
                return;
            }
            Optional<String> why = state.filter(IntentWatch::takesTheInstance)
                    .map(s -> "the Auto Scaling group is taking this instance out of service (" + s + ")");
            if (why.isEmpty()) {
                why = spotNotice().map(notice -> "a Spot interruption notice (" + notice + ")");
            }
            if (why.isPresent()) {
                leaving = true;
                ticks.shutdown();
                listener.leaving(why.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The target state ("InService" when there is none); empty when the service did not answer, but the first time. */
    private Optional<String> readTargetState() throws InterruptedException {
        try {
            return Optional.of(metadata.targetLifecycleState().orElse("InService"));
        } catch (IOException e) {
            if (inService || toldWarmed) {
                log.debug("instance metadata: {}", e.getMessage());
                return Optional.empty();
            }
            log.warn("instance metadata did not answer ({}); serving", e.getMessage());
            return Optional.of("InService");
        }
    }

    private Optional<String> spotNotice() throws InterruptedException {
        try {
            return metadata.spotInstanceAction();
        } catch (IOException e) {
            log.debug("instance metadata: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean takesTheInstance(String targetState) {
        return targetState.equals("Terminated") || targetState.startsWith("Warmed:");
    }

    @Override
    public void close() {
        ticks.shutdownNow();
    }
}
