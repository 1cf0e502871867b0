package eic.infra.stack;

import java.io.PrintStream;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.RefreshStrategy;
import software.amazon.awssdk.services.autoscaling.model.ScaleInProtectedInstances;
import software.amazon.awssdk.services.autoscaling.model.StandbyInstances;
import software.amazon.awssdk.services.autoscaling.model.StartInstanceRefreshRequest;
import software.amazon.awssdk.services.cloudformation.model.Change;

/**
 * After an update that gave the workers a new launch template version (a new image, a new
 * setting): CloudFormation's rolling update replaces the in-service workers only, never the
 * stopped ones of the warm pool, which a burst would start first. An instance refresh does
 * replace those; skipping the instances already on the new version, it leaves the rolled ones
 * alone, and it waits for a busy (protected) worker to fall idle.
 */
final class WarmPoolRefresh {
    private WarmPoolRefresh() {
    }

    /** Whether the change set gives the workers a new launch template version. */
    static boolean needed(List<Change> changes) {
        return changes.stream().map(Change::resourceChange).anyMatch(r -> r != null
                && "WorkerLaunchTemplate".equals(r.logicalResourceId()) && "Modify".equals(r.actionAsString()));
    }

    static StartInstanceRefreshRequest request(String group) {
        return StartInstanceRefreshRequest.builder().autoScalingGroupName(group).strategy(RefreshStrategy.ROLLING)
                .preferences(p -> p.skipMatching(true).minHealthyPercentage(100)
                        .scaleInProtectedInstances(ScaleInProtectedInstances.WAIT)
                        .standbyInstances(StandbyInstances.WAIT))
                .build();
    }

    /** Starts the refresh if the group has a warm pool; false (with the command to run) if it could not. */
    static boolean start(AutoScalingClient autoscaling, String group, PrintStream out) {
        try {
            if (autoscaling.describeWarmPool(b -> b.autoScalingGroupName(group)).warmPoolConfiguration() == null) {
                return true; // no pool: the rolling update replaced every worker there is
            }
            String id = autoscaling.startInstanceRefresh(request(group)).instanceRefreshId();
            out.println("warm pool: instance refresh " + id + " started, replacing the stopped workers of the old "
                    + "image (aws status shows the group; idle workers first, busy ones once idle)");
            return true;
        } catch (SdkException e) {
            out.println("warm pool: the stopped workers still run the old image, and the instance refresh did not "
                    + "start (" + e.getMessage().lines().findFirst().orElse("") + "); start it with: aws autoscaling "
                    + "start-instance-refresh --auto-scaling-group-name " + group + " --preferences "
                    + "'{\"SkipMatching\":true,\"MinHealthyPercentage\":100,\"ScaleInProtectedInstances\":\"Wait\","
                    + "\"StandbyInstances\":\"Wait\"}'");
            return false;
        }
    }
}
