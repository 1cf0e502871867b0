package eic.app.group;

import eic.common.aws.AwsClients;
import eic.common.aws.LifecycleHooks;
import eic.common.config.Env;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * A worker on EC2 as a member of its Auto Scaling group ({@code EIC_WORKER_GROUP}, set by
 * the stack's user data; without it the worker is not in a group and none of this runs):
 * protected from scale-in while it holds messages, in service only once its model is loaded
 * (it completes the launch hook), and on termination it drains before it completes the
 * termination hook. The worker's lifecycle acts on what {@link #watch} tells it. Locally the
 * fleet controller plays the group's part.
 */
public final class GroupMember implements AutoCloseable {
    /** What the group wants of this instance, told on the watch's thread. */
    public interface Listener {
        /** In service: at once when the instance was launched into service, or when it leaves the warm pool. */
        void inService();

        /** The group (or EC2, by a Spot notice) is taking the instance: drain, then {@link #left}. */
        void leaving(String why);
    }

    private final GroupMembership group;
    private final InstanceMetadata metadata;
    private final Settings settings;
    private final ScaleInProtection protection;
    private IntentWatch watch;
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
     * From now on (the model loaded) the group's intent for this instance is read and told to
     * {@code listener}. An instance launched into the warm pool (target state
     * {@code Warmed:*}) completes its launch hook and waits, polling no queue: the group then
     * stops the instance, and starts it again when capacity is needed. Once the group wants the
     * instance in service the listener hears {@code inService}; from then on, a termination,
     * a return to the warm pool or a Spot notice is {@code leaving}.
     */
    public synchronized void watch(Listener listener) {
        watch = new IntentWatch(metadata, settings.watchEvery(), listener,
                () -> group.completeLifecycleAction(LifecycleHooks.READY));
    }

    /**
     * The worker serves: the instance may count in service, and the protection follows this
     * worker's work, whatever a process before it left.
     */
    public synchronized void ready() {
        group.completeLifecycleAction(LifecycleHooks.READY);
        protection.reconcile(); // a worker before this one may have died busy, its instance left protected
    }

    /** The worker has drained (or released what it held): if the group is taking the instance, it may go on. Once. */
    public synchronized void left() {
        protection.close();
        if (!left && watch != null && watch.leaving()) {
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
