package eic.infra.stack;

import eic.common.aws.JvmCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import eic.common.aws.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.ScaleInProtectedInstances;
import software.amazon.awssdk.services.autoscaling.model.StartInstanceRefreshRequest;
import software.amazon.awssdk.services.cloudformation.model.Change;

/**
 * The warm pool's refresh after a new worker image: when it is needed (from the change set),
 * the request, and the call against moto's Auto Scaling - which has warm pools but does not
 * implement StartInstanceRefresh (moto 5.2.1), so there the command says what to run instead.
 */
class WarmPoolRefreshTest {

    @Test
    void aNewWorkerLaunchTemplateVersionNeedsTheRefreshNothingElseDoes() {
        assertThat(WarmPoolRefresh.needed(List.of(change("WorkerLaunchTemplate", "Modify")))).isTrue();
        assertThat(WarmPoolRefresh.needed(List.of(change("WebLaunchTemplate", "Modify"),
                change("WorkerGroup", "Modify")))).isFalse();
        assertThat(WarmPoolRefresh.needed(List.of(change("WorkerLaunchTemplate", "Add")))).as("a new stack")
                .isFalse();
        assertThat(WarmPoolRefresh.needed(List.of())).isFalse();
    }

    @Test
    void theRefreshSkipsWorkersOnTheNewVersionAndWaitsForBusyOnes() {
        StartInstanceRefreshRequest request = WarmPoolRefresh.request("eic-workers");
        assertThat(request.autoScalingGroupName()).isEqualTo("eic-workers");
        assertThat(request.preferences().skipMatching()).as("those the rolling update replaced stay").isTrue();
        assertThat(request.preferences().minHealthyPercentage()).isEqualTo(100);
        assertThat(request.preferences().scaleInProtectedInstances()).as("a busy worker is left until idle")
                .isEqualTo(ScaleInProtectedInstances.WAIT);
    }

    @Test
    void withAWarmPoolTheRefreshIsAskedForAndWhereItCannotStartTheCommandIsSaid() throws IOException,
            InterruptedException {
        try (MotoServer moto = MotoServer.start().orElse(null)) {
            assumeTrue(moto != null, "moto_server is not installed here (it comes with the machine's Python 3.11)");
            JvmCredentials.use(JvmCredentials.MOTO);
            try (AutoScalingClient autoscaling = AutoScalingClient.builder().endpointOverride(moto.endpoint())
                    .region(Region.US_EAST_1).build()) {
                String group = "eic-" + UUID.randomUUID().toString().substring(0, 6) + "-workers";
                autoscaling.createLaunchConfiguration(b -> b.launchConfigurationName(group).imageId("ami-12c6146b")
                        .instanceType("t3.micro"));
                autoscaling.createAutoScalingGroup(b -> b.autoScalingGroupName(group).launchConfigurationName(group)
                        .minSize(1).maxSize(2).desiredCapacity(1).availabilityZones("us-east-1a"));
                ByteArrayOutputStream without = new ByteArrayOutputStream();
                assertThat(WarmPoolRefresh.start(autoscaling, group, print(without))).isTrue();
                assertThat(without.toString(StandardCharsets.UTF_8)).as("no pool, nothing to refresh").isEmpty();

                autoscaling.putWarmPool(b -> b.autoScalingGroupName(group).minSize(0).maxGroupPreparedCapacity(3));
                ByteArrayOutputStream with = new ByteArrayOutputStream();
                boolean started = WarmPoolRefresh.start(autoscaling, group, print(with));
                String said = with.toString(StandardCharsets.UTF_8);
                assertThat(started).as("moto 5.2.1 has no StartInstanceRefresh: %s", said).isFalse();
                assertThat(said).contains("the stopped workers still run the old image")
                        .contains("aws autoscaling start-instance-refresh --auto-scaling-group-name " + group)
                        .contains("\"SkipMatching\":true");
            }
        }
    }

    private static PrintStream print(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private static Change change(String logicalId, String action) {
        return Change.builder().resourceChange(r -> r.logicalResourceId(logicalId).action(action)).build();
    }
}
