package eic.web.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When the local stack launcher started this JVM (EIC_PARENT_PID) and dies, even by
 * SIGKILL, this web tier shuts down too, so no orphan JVM is left behind.
 */
@Component
class ParentWatch {
    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);

    private final WebProperties properties;

    ParentWatch(WebProperties properties) {
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void watch(ApplicationReadyEvent event) {
        ConfigurableApplicationContext context = event.getApplicationContext();
        java.util.Optional.ofNullable(properties.parentPid()).flatMap(ProcessHandle::of)
                .ifPresent(parent -> parent.onExit().thenRun(() -> {
                    log.warn("parent process {} is gone; shutting down", parent.pid());
                    context.close();
                }));
    }
}
