package eic.infra.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.config.Env;
import eic.common.messaging.Messages;
import eic.infra.deploy.FakeAwsControlPlanes.Call;
import eic.infra.local.LocalServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * plan / deploy / destroy against real serialized requests: buckets and queues on the
 * real local S3 and SQS, Auto Scaling, EC2, IAM and CloudWatch on a loopback server that
 * parses the query protocol and RPC v2 CBOR the SDK sends.
 */
class DeploymentTest {
    static LocalServers storage;
    static final AtomicInteger stacks = new AtomicInteger();

    FakeAwsControlPlanes aws;
    AwsClients clients;
    Map<String, String> settings;

    @BeforeAll
    static void startStorage(@TempDir Path dir) {
        storage = LocalServers.start(dir, 0, 0, false);
        LocalServers.useLocalCredentials();
    }

    @AfterAll
    static void stopStorage() {
        storage.close();
    }

    @BeforeEach
    void start() throws Exception {
        aws = new FakeAwsControlPlanes();
        settings = new HashMap<>(Map.of(
                "eic.aws.region", "us-east-1",
                "eic.s3.endpoint", storage.s3Endpoint().toString(),
                "eic.sqs.endpoint", storage.sqsEndpoint().toString(),
                "eic.name-prefix", "t" + stacks.incrementAndGet(),
                "eic.deploy.vpc-id", "vpc-1",
                "eic.deploy.subnets", "subnet-a, subnet-b",
                "eic.deploy.worker-ami", "ami-123",
                "eic.deploy.web-cidr", "203.0.113.0/24",
                "eic.deploy.local-storage", "true"));
        for (String service : List.of("autoscaling", "cloudwatch", "ec2", "iam")) {
            settings.put("eic." + service + ".endpoint", aws.endpoint().toString());
        }
        clients = new AwsClients(AwsSettings.from(env()));
    }

    @AfterEach
    void stop() {
        clients.close();
        aws.close();
    }

    /** The settings as the process environment would hold them. */
    Env env() {
        Map<String, String> variables = new HashMap<>();
        settings.forEach((name, value) -> variables.put(Env.envName(name), value));
        return new Env(variables);
    }

    Deployment deployment() {
        Env env = env();
        return new Deployment(DeploySpec.from(env), DeployClients.from(clients, env));
    }

    String prefix() {
        return settings.get("eic.name-prefix");
    }

    @Test
    void planOnAnEmptyAccountListsEverythingToCreateReadablyAndChangesNothing() {
        Deployment deployment = deployment();
        String text = deployment.render(deployment.plan());

        assertThat(text).startsWith("plan for stack '" + prefix() + "' in us-east-1 (nothing is changed):\n")
                .contains("  + create  auto scaling group " + prefix() + "-workers (1..20)\n")
                .contains("  + create  auto scaling group " + prefix() + "-web (1..1)\n")
                .contains("  + create  security group " + prefix() + "-web (tcp 8080 from 203.0.113.0/24)")
                .contains("  + create  alarm " + prefix() + "-scale-out (q - i > 0)")
                .contains("  + create  alarm " + prefix() + "-scale-in (q - i < -1)")
                .contains("  + create  step scaling policy " + prefix() + "-scale-out (20 steps)")
                .contains("bucket " + prefix() + "-input: create")
                .endsWith("14 to create, 0 to update, 0 unchanged\n");
        assertThat(aws.calls()).extracting(Call::action).allMatch(a -> a.startsWith("Get") || a.startsWith("Describe"));
        assertThat(bucketExists(prefix() + "-input")).as("plan touches nothing").isFalse();
    }

    @Test
    void deployRendersTheSharedPolicyIntoStepPoliciesAlarmsAndGroups() throws Exception {
        deployment().deploy(quiet());

        List<String> out = steps(aws.calls("PutScalingPolicy").get(0));
        assertThat(out).hasSize(20);
        assertThat(out.get(0)).isEqualTo("0.0..2.0:1");
        assertThat(out.get(4)).isEqualTo("5.0..6.0:5");
        assertThat(out.get(19)).isEqualTo("20.0..:20");
        List<String> in = steps(aws.calls("PutScalingPolicy").get(1));
        assertThat(in).hasSize(20);
        assertThat(in.get(0)).as("-1 for -1 >= m > -2, relative to the -1 threshold").isEqualTo("-1.0..0.0:-1");
        assertThat(in.get(19)).isEqualTo("..-19.0:-20");
        assertThat(aws.calls("PutScalingPolicy").get(0).param("AdjustmentType")).isEqualTo("ChangeInCapacity");

        Call scaleOut = aws.calls("PutMetricAlarm").get(0);
        Call scaleIn = aws.calls("PutMetricAlarm").get(1);
        assertThat(scaleOut.param("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
        assertThat(((Number) scaleOut.params().get("Threshold")).doubleValue()).isEqualTo(0.0);
        assertThat(scaleIn.param("ComparisonOperator")).isEqualTo("LessThanThreshold");
        assertThat(((Number) scaleIn.params().get("Threshold")).doubleValue()).isEqualTo(-1.0);
        assertThat(scaleOut.params().get("AlarmActions")).isEqualTo(List.of(
                "arn:aws:autoscaling:us-east-1:" + FakeAwsControlPlanes.ACCOUNT + ":scalingPolicy:" + prefix()
                        + "-workers/" + prefix() + "-scale-out"));
        JsonNode metrics = Messages.json().valueToTree(scaleOut.params().get("Metrics"));
        assertThat(metrics.get(2).path("Expression").asText()).isEqualTo("q - i");
        assertThat(metrics.get(2).path("ReturnData").asBoolean()).isTrue();
        assertThat(metrics.get(0).path("MetricStat").path("Metric").path("MetricName").asText())
                .isEqualTo("ApproximateNumberOfMessagesVisible");
        assertThat(metrics.get(0).path("MetricStat").path("Metric").path("Dimensions").get(0).path("Value").asText())
                .isEqualTo(prefix() + "-requests");
        assertThat(metrics.get(1).path("MetricStat").path("Metric").path("MetricName").asText())
                .isEqualTo("GroupInServiceInstances");
        assertThat(scaleOut.params().get("Tags").toString()).contains("eic:stack").contains(prefix());

        Call workers = aws.calls("CreateAutoScalingGroup").get(0);
        assertThat(workers.param("AutoScalingGroupName")).isEqualTo(prefix() + "-workers");
        assertThat(workers.param("MinSize")).isEqualTo("1");
        assertThat(workers.param("MaxSize")).isEqualTo("20");
        assertThat(workers.param("VPCZoneIdentifier")).isEqualTo("subnet-a,subnet-b");
        assertThat(workers.param("LaunchTemplate.Version")).isEqualTo("$Latest");
        assertThat(workers.params()).containsEntry("Tags.member.2.Key", "eic:stack")
                .containsEntry("Tags.member.2.Value", prefix());
        assertThat(aws.calls("EnableMetricsCollection").get(0).params()).containsValue("GroupInServiceInstances");
        Call web = aws.calls("CreateAutoScalingGroup").get(1);
        assertThat(web.param("MinSize") + ".." + web.param("MaxSize")).isEqualTo("1..1");
    }

    @Test
    void deployCreatesLeastPrivilegeRolesLockedDownGroupsTemplatesADashboardAndRealQueues() throws Exception {
        deployment().deploy(quiet());

        Call workerPolicy = aws.calls("PutRolePolicy").get(0);
        JsonNode doc = Messages.json().readTree(workerPolicy.param("PolicyDocument"));
        assertThat(doc.toString()).contains("arn:aws:sqs:us-east-1:*:" + prefix() + "-requests")
                .contains("arn:aws:s3:::" + prefix() + "-input/*").doesNotContain("\"Action\":\"*\"")
                .doesNotContain("s3:*").doesNotContain("sqs:*").contains("cloudwatch:PutMetricData");
        assertThat(aws.calls("CreateRole").get(0).params()).containsEntry("Tags.member.1.Key", "eic:stack");

        List<Call> ingress = aws.calls("AuthorizeSecurityGroupIngress");
        assertThat(ingress).as("only the web group has inbound rules").hasSize(1);
        assertThat(ingress.get(0).params()).containsEntry("IpPermissions.1.FromPort", "8080")
                .containsEntry("IpPermissions.1.IpRanges.1.CidrIp", "203.0.113.0/24");
        assertThat(aws.calls("CreateSecurityGroup").get(0).params()).containsEntry("VpcId", "vpc-1")
                .containsEntry("TagSpecification.1.Tag.2.Key", "eic:stack");

        Call template = aws.calls("CreateLaunchTemplate").get(0);
        assertThat(template.params()).containsEntry("LaunchTemplateData.ImageId", "ami-123")
                .containsEntry("LaunchTemplateData.IamInstanceProfile.Name", prefix() + "-worker")
                .containsEntry("LaunchTemplateData.MetadataOptions.HttpTokens", "required");
        String userData = new String(java.util.Base64.getDecoder().decode(template.param("LaunchTemplateData.UserData")),
                StandardCharsets.UTF_8);
        assertThat(userData).contains("EIC_REQUEST_QUEUE=" + prefix() + "-requests")
                .contains("systemctl enable --now eic-worker.service");

        JsonNode dashboard = Messages.json().readTree(aws.calls("PutDashboard").get(0).param("DashboardBody"));
        assertThat(dashboard.path("widgets")).hasSize(7);
        assertThat(dashboard.toString()).contains("ApproximateNumberOfMessagesNotVisible")
                .contains("GroupInServiceInstances").contains("\"expression\":\"q - i\"").contains("RequestLatency")
                .contains("\"p95\"").contains(":alarm:" + prefix() + "-scale-out").contains(":alarm:" + prefix()
                        + "-scale-in");

        assertThat(bucketExists(prefix() + "-input")).isTrue();
        assertThat(bucketExists(prefix() + "-output")).isTrue();
        String queue = clients.sqs().getQueueUrl(b -> b.queueName(prefix() + "-requests")).queueUrl();
        Map<QueueAttributeName, String> attributes = clients.sqs().getQueueAttributes(b -> b.queueUrl(queue)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY)).contains(prefix() + "-requests-dlq")
                .contains("\"maxReceiveCount\":" + eic.infra.provision.ResourceSpec.MAX_RECEIVE_COUNT);
        assertThat(attributes.get(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS)).isEqualTo("20");
    }

    @Test
    void aSecondDeploySendsNoCreateOrUpdateAndPlansNoChange() {
        deployment().deploy(quiet());
        aws.clearCalls();

        List<Deployment.Planned> again = deployment().deploy(quiet());

        assertThat(again).as("%s", again).extracting(p -> p.change().kind()).containsOnly(Change.Kind.KEEP);
        assertThat(aws.calls()).extracting(Call::action).isNotEmpty()
                .allMatch(a -> a.startsWith("Get") || a.startsWith("Describe"));
    }

    @Test
    void statusReportsEachResourceAndTheFleet() {
        deployment().deploy(quiet());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        deployment().status(new PrintStream(out, true, StandardCharsets.UTF_8));
        String status = out.toString(StandardCharsets.UTF_8);
        assertThat(status).startsWith("stack '" + prefix() + "' in us-east-1:")
                .contains("auto scaling group " + prefix() + "-workers (1..20): 1 in service, desired 1")
                .contains("alarm " + prefix() + "-scale-out (q - i > 0): INSUFFICIENT_DATA")
                .contains("iam role " + prefix() + "-worker (+ instance profile, policy eic-access): present")
                .contains("launch template " + prefix() + "-worker (ami-123, c7i.large): version 1")
                .doesNotContain("absent");
    }

    @Test
    void aChangedSettingIsPlannedAsAnUpdateAndAppliedWithoutRecreating() {
        deployment().deploy(quiet());
        settings.put("eic.deploy.worker-ami", "ami-456");
        settings.put("eic.deploy.max-workers", "10");
        aws.clearCalls();

        Deployment changed = deployment();
        String text = changed.render(changed.plan());
        assertThat(text).contains("~ update  launch template " + prefix() + "-worker (ami-456, c7i.large)")
                .contains("image: ami-123 -> ami-456").contains("~ update  auto scaling group " + prefix()
                        + "-workers (1..10)").contains("max: 20 -> 10");
        changed.deploy(quiet());
        assertThat(aws.calls()).extracting(Call::action).doesNotContain("CreateAutoScalingGroup", "CreateLaunchTemplate",
                "CreateRole", "CreateSecurityGroup").contains("CreateLaunchTemplateVersion", "UpdateAutoScalingGroup");
        assertThat(aws.calls("UpdateAutoScalingGroup").get(0).params()).containsEntry("MaxSize", "10");
    }

    @Test
    void destroyDeletesWhatDeployMadeInASafeOrderAndKeepsTheDataUnlessAsked() {
        deployment().deploy(quiet());
        aws.clearCalls();

        deployment().destroy(false, quiet());

        List<String> deletes = aws.calls().stream().map(Call::action)
                .filter(a -> a.startsWith("Delete") || a.startsWith("Remove")).toList();
        assertThat(deletes).containsSubsequence("DeleteDashboards", "DeleteAlarms", "DeletePolicy",
                "DeleteAutoScalingGroup", "DeleteLaunchTemplate", "DeleteSecurityGroup",
                "RemoveRoleFromInstanceProfile", "DeleteInstanceProfile", "DeleteRolePolicy", "DeleteRole");
        assertThat(deletes.indexOf("DeleteAutoScalingGroup")).as("instances go before what they use")
                .isLessThan(deletes.indexOf("DeleteSecurityGroup"));
        assertThat(bucketExists(prefix() + "-input")).as("data kept").isTrue();
        Deployment after = deployment();
        assertThat(after.plan()).filteredOn(p -> p.change().kind() == Change.Kind.KEEP).isEmpty();

        after.destroy(true, quiet());
        assertThat(bucketExists(prefix() + "-input")).isFalse();
    }

    @Test
    void aNamesakeWithoutTheStackTagIsNeitherAdoptedNorDeleted() {
        AutoScalingClient other = clients.client(AutoScalingClient.builder(), java.util.Optional.of(aws.endpoint()));
        other.createAutoScalingGroup(b -> b.autoScalingGroupName(prefix() + "-workers").minSize(0).maxSize(1)
                .launchTemplate(t -> t.launchTemplateName("someone-elses")));

        assertThatThrownBy(() -> deployment().plan()).hasMessageContaining("auto scaling group " + prefix()
                + "-workers exists but is not tagged eic:stack=" + prefix());
        assertThatThrownBy(() -> deployment().destroy(false, quiet())).hasMessageContaining("not this stack's");
        assertThat(aws.calls()).extracting(Call::action).doesNotContain("DeleteAutoScalingGroup",
                "UpdateAutoScalingGroup");
    }

    @Test
    void missingSettingsAreNamedAndNothingIsCalled() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = DeployCommand.run(DeployCommand.Action.plan, false, new Env(Map.of("EIC_AWS_REGION", "eu-west-1")),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("EIC_DEPLOY_VPC_ID").contains("EIC_DEPLOY_SUBNETS")
                .contains("EIC_DEPLOY_WORKER_AMI").contains("EIC_DEPLOY_WEB_CIDR").contains("docs/deploy-aws.md");
        assertThat(aws.calls()).isEmpty();
    }

    /** A PutScalingPolicy's steps as "lower..upper:adjustment", in the order sent. */
    private static List<String> steps(Call call) {
        List<String> steps = new java.util.ArrayList<>();
        for (int i = 1; call.params().containsKey("StepAdjustments.member." + i + ".ScalingAdjustment"); i++) {
            String p = "StepAdjustments.member." + i + ".";
            steps.add(orEmpty(call.param(p + "MetricIntervalLowerBound")) + ".."
                    + orEmpty(call.param(p + "MetricIntervalUpperBound")) + ":" + call.param(p + "ScalingAdjustment"));
        }
        return steps;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private boolean bucketExists(String bucket) {
        return clients.s3().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
