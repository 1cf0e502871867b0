package eic.app.group;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/**
 * This instance as a member of its Auto Scaling group: scale-in protection on and off, and
 * the completion of a lifecycle action (the launch hook once the model is loaded, the
 * termination hook once held work is drained). Failures are logged, never thrown: a worker
 * that cannot reach Auto Scaling still classifies, and a hook left alone completes itself
 * at its timeout with its default result.
 */
public final class GroupMembership {
    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);

    private final AutoScalingClient autoscaling;
    private final String group;
    private final String instanceId;

    public GroupMembership(AutoScalingClient autoscaling, String group, String instanceId) {
        this.autoscaling = autoscaling;
        this.group = group;
        this.instanceId = instanceId;
    }

    /** Protected from scale-in while it holds messages; AWS's recipe for queue workers. */
    public boolean protect(boolean on) {
        try {
            autoscaling.setInstanceProtection(b -> b.autoScalingGroupName(group).instanceIds(instanceId)
                    .protectedFromScaleIn(on));
            log.debug("scale-in protection {}", on ? "on" : "off");
            return true;
        } catch (SdkException e) {
            log.warn("could not turn scale-in protection {} for {}: {}", on ? "on" : "off", instanceId, e.getMessage());
            return false;
        }
    }

    /** Tells the group that this instance is done with {@code hook}: it goes on launching or terminating. */
    public void completeLifecycleAction(String hook) {
        try {
            autoscaling.completeLifecycleAction(b -> b.autoScalingGroupName(group).lifecycleHookName(hook)
                    .instanceId(instanceId).lifecycleActionResult("CONTINUE"));
            log.info("lifecycle hook {} completed for {}", hook, instanceId);
        } catch (SdkException e) {
            // Also when no action is pending (a restarted worker on an instance long in service).
            log.info("lifecycle hook {} not completed for {}: {}", hook, instanceId, e.getMessage());
        }
    }
}
