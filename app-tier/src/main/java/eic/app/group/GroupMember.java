package eic.app.group;

import eic.common.aws.AwsClients;
import eic.common.aws.LifecycleHooks;
import eic.common.config.Env;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * A worker on EC2 as a member of its Auto Scaling group ({@code EIC_WORKER_GROUP}, set by
 * the stack's user data; without it the worker is not in a group and none of this runs):
 * protected from scale-in while it holds messages, in service only once its model is loaded
 * (it completes the launch hook), and on termination it drains before it completes the
 * termination hook. Locally the fleet controller plays the group's part.
 */
public final class GroupMember implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupMember.class);

    private final GroupMembership group;
    private final InstanceMetadata metadata;
    private final Settings settings;
    private final ScaleInProtection protection;
    private TerminationWatch watch;
    private boolean left;

    /**
     * @param group     the Auto Scaling group's name
     * @param metadata  the instance metadata service (EIC_IMDS_ENDPOINT, for a test)
     * @param endpoint  an Auto Scaling endpoint override (EIC_AUTOSCALING_ENDPOINT, for an emulator)
     * @param linger    how long an idle worker stays protected, so steady work does not toggle it
     * @param watchEvery how often the target lifecycle state is read
     */
    public record Settings(String group, URI metadata, Optional<URI> endpoint, Duration linger, Duration watchEvery) {
        public static Optional<Settings> from(Env env) {
            return env.find("eic.worker.group").filter(g -> !g.isBlank()).map(group -> new Settings(group,
                    URI.create(env.get("eic.imds.endpoint", "http://169.254.169.254")),
                    env.find("eic.autoscaling.endpoint").map(URI::create),
                    env.getDuration("eic.worker.protection-linger", Duration.ofSeconds(30)),
                    env.getDuration("eic.worker.lifecycle-poll", Duration.ofSeconds(5))));
        }
    }

    private GroupMember(GroupMembership group, InstanceMetadata metadata, Settings settings) {
        this.group = group;
        this.metadata = metadata;
        this.settings = settings;
        this.protection = new ScaleInProtection(group, settings.linger());
    }

    /** Joins the group named in the settings, as the instance the metadata service names. */
    public static GroupMember join(Settings settings, AwsClients aws) throws IOException, InterruptedException {
        InstanceMetadata metadata = new InstanceMetadata(settings.metadata());
        AutoScalingClient autoscaling = aws.client(AutoScalingClient.builder(), settings.endpoint());
        return new GroupMember(new GroupMembership(autoscaling, settings.group(), metadata.instanceId()), metadata,
                settings);
    }

    /** Told when the worker turns busy or idle: protection follows the work. */
    public ScaleInProtection protection() {
        return protection;
    }

    /**
     * Before any message is received: an instance launched into the group's warm pool
     * (target state {@code Warmed:*}) has its worker start, load the model (so the image's
     * files are warm), complete the launch hook and wait without polling - the group then
     * stops the instance, and starts it again when capacity is needed. Returns once the
     * group wants this instance in service; a metadata service that does not answer is
     * taken as "in service" (the worker serves rather than waits).
     */
    public void awaitInService() throws InterruptedException {
        String state = targetState();
        if (!state.startsWith("Warmed:")) {
            return;
        }
        log.info("pre-initialised for the warm pool ({}): model loaded, not polling", state);
        group.completeLifecycleAction(LifecycleHooks.READY);
        while (state.startsWith("Warmed:")) {
            Thread.sleep(settings.watchEvery().toMillis()); // the metadata service is polled; nothing to wait on
            state = targetState();
        }
        log.info("leaving the warm pool: {}", state);
    }

    private String targetState() throws InterruptedException {
        try {
            return metadata.targetLifecycleState().orElse("InService");
        } catch (IOException e) {
            log.warn("instance metadata did not answer ({}); serving", e.getMessage());
            return "InService";
        }
    }

    /**
     * The model is loaded: the instance may count in service; from now on a termination is
     * drained, and the protection follows this worker's work, whatever a process before it left.
     */
    public synchronized void ready(Runnable drain) {
        group.completeLifecycleAction(LifecycleHooks.READY);
        protection.reconcile(); // a worker before this one may have died busy, its instance left protected
        watch = new TerminationWatch(metadata, settings.watchEvery(), drain);
    }

    /** The worker has drained: if the group is terminating it, it may go on. Once. */
    public synchronized void left() {
        protection.close();
        if (!left && watch != null && watch.terminating()) {
            left = true;
            group.completeLifecycleAction(LifecycleHooks.DRAIN);
        }
    }

    @Override
    public synchronized void close() {
        protection.close();
        if (watch != null) {
            watch.close();
        }
    }
}
