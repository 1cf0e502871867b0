package eic.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import eic.infra.scaling.FastBacklogPolicy;
import eic.common.aws.LifecycleHooks;
import eic.common.messaging.Messages;
import eic.common.aws.ResourceSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rendered template, read as JSON the way CloudFormation will, and checked by AWS's own schemas (cfn-lint). */
class WorkerStackTest {
    private final JsonNode template = read(WorkerStack.defaults().render().toJson());
    private final JsonNode resources = template.path("Resources");

    @Test
    void theWorkerUnitWaitsBeyondTheStacksDrainBoundBeforeItKills() throws IOException {
        String unit = Files.readString(Path.of("../../ami/systemd/eic-worker.service"));
        java.util.regex.Matcher stop = java.util.regex.Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(unit);
        assertThat(stop.find()).as("the unit sets its stop timeout").isTrue();
        long drainBound = WorkerStack.defaults().workerDrainBound().toSeconds();
        assertThat(Long.parseLong(stop.group(1))).as("the held work's drain (%d s), the hook, the exit", drainBound)
                .isGreaterThanOrEqualTo(drainBound + 20);
        assertThat(unit).as("a crash loop ends").contains("StartLimitBurst=");
        assertThat(unit).as("and the group hears of it").contains("OnFailure=eic-worker-unhealthy.service");
        String unhealthy = Files.readString(Path.of("../../ami/systemd/eic-worker-unhealthy.service"));
        assertThat(unhealthy).contains("ExecStart=/opt/eic/report-unhealthy.sh").contains("Type=oneshot");
        assertThat(Files.readString(Path.of("../../ami/report-unhealthy.sh")))
                .contains("aws autoscaling set-instance-health").contains("--health-status Unhealthy")
                .contains("X-aws-ec2-metadata-token"); // IMDSv2, the only one the launch template allows
        assertThat(Files.readString(Path.of("../../ami/provision.sh"))).contains("eic-worker-unhealthy.service")
                .contains("/opt/eic/report-unhealthy.sh");
        assertThat(resources.path("WorkerRole").toString()).contains("autoscaling:SetInstanceHealth");
    }

    @Test
    void scaleOutIsSeed000sTableBoundaryByBoundary() {
        JsonNode policy = resources.path("ScaleOutPolicy").path("Properties");
        assertThat(policy.path("PolicyType").asText()).isEqualTo("StepScaling");
        assertThat(policy.path("AdjustmentType").asText()).isEqualTo("ChangeInCapacity");
        assertThat(policy.path("AutoScalingGroupName").path("Ref").asText()).isEqualTo("WorkerGroup");
        JsonNode steps = policy.path("StepAdjustments");
        assertThat(steps).hasSize(20);
        assertStep(steps.get(0), 0.0, 2.0, 1);
        for (int k = 2; k <= 19; k++) {
            assertStep(steps.get(k - 1), k, k + 1.0, k);
        }
        assertStep(steps.get(19), 20.0, null, 20);
    }

    @Test
    void scaleInIsSeed000sTableRelativeToItsThresholdOfMinusOne() {
        JsonNode steps = resources.path("ScaleInPolicy").path("Properties").path("StepAdjustments");
        assertThat(steps).hasSize(20);
        for (int k = 1; k <= 19; k++) {
            // q - i in (-(k+1), -k] removes k workers; relative to -1 that is (-k, -k+1].
            assertStep(steps.get(k - 1), -k, -k + 1.0, -k);
        }
        assertStep(steps.get(19), null, -19.0, -20);
    }

    @Test
    void eachAlarmWatchesQMinusIAndTriggersItsPolicy() {
        for (String side : new String[] {"ScaleOut", "ScaleIn"}) {
            JsonNode alarm = resources.path(side + "Alarm").path("Properties");
            assertThat(alarm.path("AlarmActions").get(0).path("Ref").asText()).isEqualTo(side + "Policy");
            JsonNode metrics = alarm.path("Metrics");
            assertThat(metrics.get(0).path("MetricStat").path("Metric").path("MetricName").asText())
                    .isEqualTo("ApproximateNumberOfMessagesVisible");
            assertThat(metrics.get(0).path("MetricStat").path("Metric").path("Dimensions").get(0).path("Value")
                    .path("Fn::GetAtt").get(0).asText()).isEqualTo("RequestQueue");
            assertThat(metrics.get(1).path("MetricStat").path("Metric").path("MetricName").asText())
                    .isEqualTo("GroupInServiceInstances");
            assertThat(metrics.get(2).path("Expression").asText()).isEqualTo("q - i");
            assertThat(metrics.get(2).path("ReturnData").asBoolean()).isTrue();
            assertThat(metrics.get(0).path("MetricStat").path("Period").asInt()).isEqualTo(60);
            assertThat(alarm.path("EvaluationPeriods").asInt()).isEqualTo(1);
            assertThat(alarm.path("DatapointsToAlarm").asInt()).isEqualTo(1);
            assertThat(alarm.path("TreatMissingData").asText()).isEqualTo("missing");
        }
        assertThat(resources.path("ScaleOutAlarm").path("Properties").path("ComparisonOperator").asText())
                .isEqualTo("GreaterThanThreshold");
        assertThat(resources.path("ScaleOutAlarm").path("Properties").path("Threshold").asDouble()).isZero();
        assertThat(resources.path("ScaleInAlarm").path("Properties").path("ComparisonOperator").asText())
                .isEqualTo("LessThanThreshold");
        assertThat(resources.path("ScaleInAlarm").path("Properties").path("Threshold").asDouble()).isEqualTo(-1);
        String dashboard = resources.path("Dashboard").path("Properties").path("DashboardBody").path("Fn::If").get(1)
                .path("Fn::Sub").get(0).asText();
        assertThat(dashboard).contains("q - i").contains("${AWS::StackName}-requests").contains("GroupInServiceInstances")
                .contains("alarm:${AWS::StackName}-scale-out").contains("alarm:${AWS::StackName}-scale-in")
                .contains("RequestLatency").contains("ApproximateNumberOfMessagesNotVisible");
    }

    @Test
    void theWorkersScaleOneToTwentyDrainOnTerminationAndCountAfterWarmup() {
        JsonNode group = resources.path("WorkerGroup").path("Properties");
        assertThat(group.path("MinSize").asText()).isEqualTo("1");
        assertThat(group.path("MaxSize").asText()).isEqualTo("20");
        assertThat(group.path("DefaultInstanceWarmup").asInt()).isPositive();
        JsonNode ready = group.path("LifecycleHookSpecificationList").get(0);
        assertThat(ready.path("LifecycleHookName").asText()).isEqualTo(LifecycleHooks.READY);
        assertThat(ready.path("LifecycleTransition").asText()).isEqualTo("autoscaling:EC2_INSTANCE_LAUNCHING");
        assertThat(ready.path("DefaultResult").asText()).as("a worker that never loads its model is replaced")
                .isEqualTo("ABANDON");
        JsonNode drain = group.path("LifecycleHookSpecificationList").get(1);
        assertThat(drain.path("LifecycleHookName").asText()).isEqualTo(LifecycleHooks.DRAIN);
        assertThat(drain.path("LifecycleTransition").asText()).isEqualTo("autoscaling:EC2_INSTANCE_TERMINATING");
        assertThat(drain.path("HeartbeatTimeout").asInt()).isEqualTo(120);
        assertThat(drain.path("DefaultResult").asText()).isEqualTo("CONTINUE");
        assertThat(resources.path("WorkerGroup").path("UpdatePolicy").path("AutoScalingRollingUpdate")
                .path("MinInstancesInService").asText()).as("a new image or template replaces the workers, "
                        + "each drained by its hook").isEqualTo("1");
        assertThat(group.path("MetricsCollection").get(0).path("Metrics").toString()).contains("GroupInServiceInstances");
        assertThat(resources.path("WorkerLaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("MetadataOptions").path("HttpTokens").asText()).as("IMDSv2 only").isEqualTo("required");
        assertThat(resources.path("WorkerSecurityGroup").path("Properties").has("SecurityGroupIngress")).isFalse();
        String userData = resources.path("WorkerLaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("UserData").path("Fn::Base64").path("Fn::Sub").asText();
        assertThat(userData).as("the file the systemd units read").contains("cat > /etc/eic/eic.env")
                .contains("EIC_REQUEST_QUEUE=${RequestQueue.QueueName}").contains("systemctl enable --now eic-worker")
                .as("the worker joins its group and drains within the hook's timeout")
                .contains("EIC_WORKER_GROUP=${AWS::StackName}-workers").contains("EIC_WORKER_DRAIN_TIMEOUT=90s")
                .as("the faster engine, on the ONNX form the bake makes").contains("EIC_ENGINE=onnxruntime")
                .as("its logs go to the stack's log group").contains("s|@LOG_GROUP@|${LogGroup}|")
                .contains("amazon-cloudwatch-agent-ctl -a fetch-config");
        assertThat(resources.path("LogGroup").path("Properties").path("RetentionInDays").asInt()).isEqualTo(30);
    }

    @Test
    void theBacklogOptionTracksVisiblePlusInFlightPerWorkerInsteadOfTheSteps() {
        JsonNode scaling = template.path("Parameters").path("Scaling");
        assertThat(scaling.path("Default").asText()).as("seed 000 by default").isEqualTo("q-minus-i");
        assertThat(scaling.path("AllowedValues").toString()).contains("q-minus-i").contains("backlog");
        for (String step : new String[] {"ScaleOutPolicy", "ScaleInPolicy", "ScaleOutAlarm", "ScaleInAlarm"}) {
            assertThat(resources.path(step).path("Condition").asText()).as(step).isEqualTo("StepScaling");
        }
        JsonNode backlog = resources.path("BacklogPolicy");
        assertThat(backlog.path("Condition").asText()).isEqualTo("BacklogScaling");
        JsonNode tracking = backlog.path("Properties").path("TargetTrackingConfiguration");
        assertThat(backlog.path("Properties").path("PolicyType").asText()).isEqualTo("TargetTrackingScaling");
        assertThat(tracking.path("TargetValue").path("Ref").asText()).isEqualTo("BacklogPerWorker");
        JsonNode metrics = tracking.path("CustomizedMetricSpecification").path("Metrics");
        assertThat(metrics.get(0).path("MetricStat").path("Metric").path("MetricName").asText())
                .isEqualTo("ApproximateNumberOfMessagesVisible");
        assertThat(metrics.get(1).path("MetricStat").path("Metric").path("MetricName").asText())
                .isEqualTo("ApproximateNumberOfMessagesNotVisible");
        assertThat(metrics.get(2).path("MetricStat").path("Metric").path("MetricName").asText())
                .isEqualTo("GroupInServiceInstances");
        assertThat(metrics.get(3).path("Expression").asText()).isEqualTo("(v + f) / i");
        assertThat(metrics.get(3).path("ReturnData").asBoolean()).isTrue();
    }

    @Test
    void theFastOptionDecidesOnTheWebTiersTenSecondBacklogPerWorker() {
        assertThat(template.path("Parameters").path("Scaling").path("AllowedValues").toString()).contains("fast-backlog");
        JsonNode out = resources.path("FastScaleOutAlarm");
        assertThat(out.path("Condition").asText()).isEqualTo("FastScaling");
        assertThat(out.path("Properties").path("Namespace").asText()).isEqualTo("EIC");
        assertThat(out.path("Properties").path("MetricName").asText()).isEqualTo("BacklogPerWorker");
        assertThat(out.path("Properties").path("Period").asInt()).as("high resolution: within 20 s").isEqualTo(10);
        assertThat(out.path("Properties").path("EvaluationPeriods").asInt()).isEqualTo(1);
        assertThat(out.path("Properties").path("Threshold").path("Ref").asText()).isEqualTo("BacklogPerWorker");
        assertThat(out.path("Properties").path("AlarmActions").get(0).path("Ref").asText())
                .isEqualTo("FastScaleOutPolicy");
        JsonNode steps = resources.path("FastScaleOutPolicy").path("Properties").path("StepAdjustments");
        assertThat(steps).hasSize(3);
        assertThat(steps.get(2).has("MetricIntervalUpperBound")).as("the last step is open-ended").isFalse();
        JsonNode in = resources.path("FastScaleInAlarm").path("Properties");
        assertThat(in.path("ComparisonOperator").asText()).isEqualTo("LessThanThreshold");
        assertThat(in.path("Period").asInt() * in.path("EvaluationPeriods").asInt())
                .as("a quiet half minute before scale-in").isEqualTo(30);
        JsonNode inPolicy = resources.path("FastScaleInPolicy").path("Properties");
        assertThat(inPolicy.path("AdjustmentType").asText()).isEqualTo("PercentChangeInCapacity");
        assertThat(inPolicy.path("StepAdjustments").get(0).path("ScalingAdjustment").asInt()).isEqualTo(-50);
        assertThat(inPolicy.path("MinAdjustmentMagnitude").asInt()).isEqualTo(1);
        assertThat(steps.get(0).path("ScalingAdjustment").asInt()).isEqualTo(1);
        assertThat(steps.get(1).path("MetricIntervalLowerBound").asDouble()).as("the simulated policy's steps")
                .isEqualTo(FastBacklogPolicy.SCALE_OUT.get(1).lower());
        String webUserData = resources.path("WebLaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("UserData").path("Fn::Base64").path("Fn::Sub").asText();
        assertThat(webUserData).as("the web tier publishes the signal")
                .contains("EIC_CLOUDWATCH_WORKER_GROUP=${AWS::StackName}-workers");
        assertThat(webUserData).as("the rate limit reads the client's address as the balancer reports it")
                .contains("EIC_TRUSTED_PROXIES=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
        assertThat(resources.path("WebRole").path("Properties").path("Policies").get(0).path("PolicyDocument")
                .path("Statement").toString()).contains("autoscaling:DescribeAutoScalingGroups");
    }

    @Test
    void aWarmPoolOfStoppedPreInitialisedWorkersIsStartedBeforeNewOnesLaunch() {
        JsonNode pool = resources.path("WorkerWarmPool");
        assertThat(pool.path("Type").asText()).isEqualTo("AWS::AutoScaling::WarmPool");
        assertThat(pool.path("Condition").asText()).isEqualTo("HasWarmPool");
        assertThat(pool.path("Properties").path("PoolState").asText()).isEqualTo("Stopped");
        JsonNode prepared = pool.path("Properties").path("MaxGroupPreparedCapacity").path("Fn::Select");
        assertThat(prepared.get(0).path("Ref").asText()).isEqualTo("WarmWorkers");
        assertThat(prepared.get(1).get(2).asText()).as("the group's minimum and two warm workers").isEqualTo("3");
        assertThat(pool.path("Properties").path("MinSize").asInt())
                .as("no pool refill while a burst holds its workers").isZero();
        assertThat(pool.path("Properties").path("InstanceReusePolicy").path("ReuseOnScaleIn").asBoolean())
                .as("scale-in parks instances again").isTrue();
        assertThat(template.path("Parameters").path("WarmWorkers").path("Default").asText()).isEqualTo("2");
    }

    @Test
    void theDataOutlivesTheStackAndNothingIsNamedGlobally() {
        for (String data : new String[] {"InputBucket", "OutputBucket", "RequestQueue", "DeadLetterQueue"}) {
            assertThat(resources.path(data).path("DeletionPolicy").asText()).as(data).isEqualTo("Retain");
            assertThat(resources.path(data).path("UpdateReplacePolicy").asText()).as(data).isEqualTo("Retain");
        }
        assertThat(resources.path("InputBucket").path("Properties").has("BucketName"))
                .as("bucket names are generated from the stack, never a global guess").isFalse();
        assertThat(resources.path("RequestQueue").path("Properties").path("QueueName").path("Fn::Sub").asText())
                .isEqualTo("${AWS::StackName}-requests");
        assertThat(resources.path("RequestQueue").path("Properties").path("RedrivePolicy").path("maxReceiveCount")
                .asInt()).isEqualTo(ResourceSpec.MAX_RECEIVE_COUNT);
        JsonNode expiry = resources.path("InputBucket").path("Properties").path("LifecycleConfiguration")
                .path("Rules").get(0);
        assertThat(expiry.path("Prefix").asText()).isEqualTo("uploads/");
        assertThat(expiry.path("ExpirationInDays").asInt()).isEqualTo(7);
        assertThat(resources.path("OutputBucket").path("Properties").path("PublicAccessBlockConfiguration")
                .path("RestrictPublicBuckets").asBoolean()).isTrue();
        for (String tlsOnly : new String[] {"InputBucketTlsOnly", "OutputBucketTlsOnly", "QueuesTlsOnly"}) {
            JsonNode deny = resources.path(tlsOnly).path("Properties").path("PolicyDocument").path("Statement").get(0);
            assertThat(deny.path("Effect").asText()).as(tlsOnly).isEqualTo("Deny");
            assertThat(deny.path("Condition").path("Bool").path("aws:SecureTransport").asText()).isEqualTo("false");
        }
        assertThat(resources.path("QueuesTlsOnly").path("Properties").path("Queues")).hasSize(2);
    }

    @Test
    void theWorkersRoleAllowsWhatAWorkerDoesAndNothingMore() {
        JsonNode role = resources.path("WorkerRole").path("Properties");
        assertThat(role.path("AssumeRolePolicyDocument").path("Statement").get(0).path("Principal").path("Service")
                .asText()).isEqualTo("ec2.amazonaws.com");
        JsonNode statements = role.path("Policies").get(0).path("PolicyDocument").path("Statement");
        assertThat(statements).hasSize(8);
        for (JsonNode statement : statements) {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            statement.path("Action").forEach(a -> assertThat(a.asText()).as("no wildcard action").doesNotContain("*"));
            assertThat(statement.path("Resource").toString()).as("no wildcard resource").isNotEqualTo("\"*\"");
        }
        assertThat(statements.get(0).path("Resource").path("Fn::Sub").asText())
                .isEqualTo("${InputBucket.Arn}/uploads/*");
        assertThat(statements.get(2).path("Action").toString()).as("the reconciler gives back a claimed attempt")
                .isEqualTo("[\"s3:DeleteObject\"]");
        assertThat(statements.get(2).path("Resource").toString()).as("its markers only, never a record")
                .isEqualTo("[{\"Fn::Sub\":\"${OutputBucket.Arn}/ops/reconciled/*\"},"
                        + "{\"Fn::Sub\":\"${OutputBucket.Arn}/ops/alone/*\"}]");
        assertThat(statements.get(5).path("Resource").path("Fn::Sub").asText()).endsWith("${AWS::StackName}-replies-*");
        assertThat(statements.get(6).path("Action").toString()).contains("autoscaling:CompleteLifecycleAction")
                .contains("autoscaling:SetInstanceProtection");
        assertThat(statements.get(6).path("Resource").path("Fn::Sub").asText())
                .endsWith("autoScalingGroupName/${AWS::StackName}-workers");
        assertThat(statements.get(7).path("Action").toString()).as("telling its own stack it works")
                .isEqualTo("[\"cloudformation:SignalResource\"]");
        assertThat(resources.path("WorkerGroup").path("Properties").path("AutoScalingGroupName").path("Fn::Sub")
                .asText()).as("the group the role names").isEqualTo("${AWS::StackName}-workers");
        assertThat(role.path("ManagedPolicyArns").toString()).contains("AmazonSSMManagedInstanceCore")
                .contains("CloudWatchAgentServerPolicy");
        assertThat(resources.path("WorkerLaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("IamInstanceProfile").path("Arn").path("Fn::GetAtt").get(0).asText())
                .isEqualTo("WorkerInstanceProfile");
    }

    @Test
    void alarmsPageSomeoneThroughOneTopic() {
        JsonNode dead = resources.path("DeadLettersAlarm").path("Properties");
        assertThat(dead.path("MetricName").asText()).isEqualTo("ApproximateNumberOfMessagesVisible");
        assertThat(dead.path("Dimensions").get(0).path("Value").path("Fn::GetAtt").get(0).asText())
                .isEqualTo("DeadLetterQueue");
        assertThat(dead.path("Threshold").asDouble()).isZero();
        JsonNode oldest = resources.path("OldestRequestAlarm").path("Properties");
        assertThat(oldest.path("MetricName").asText()).isEqualTo("ApproximateAgeOfOldestMessage");
        assertThat(oldest.path("Threshold").asDouble()).isEqualTo(600);
        for (JsonNode alarm : new JsonNode[] {dead, oldest}) {
            assertThat(alarm.path("AlarmActions").get(0).path("Ref").asText()).isEqualTo("AlertTopic");
        }
        JsonNode elb5xx = resources.path("LoadBalancerErrorsAlarm").path("Properties");
        assertThat(elb5xx.path("MetricName").asText()).as("what clients see when no web instance is healthy")
                .isEqualTo("HTTPCode_ELB_5XX_Count");
        JsonNode unhealthy = resources.path("UnhealthyWebAlarm").path("Properties");
        assertThat(unhealthy.path("MetricName").asText()).isEqualTo("UnHealthyHostCount");
        assertThat(unhealthy.path("Dimensions").toString()).contains("Fn::Split").contains("WebTargetGroup")
                .contains("LoadBalancerFullName");
        JsonNode atMaximum = resources.path("WorkersAtMaximumAlarm").path("Properties");
        assertThat(atMaximum.path("MetricName").asText()).isEqualTo("GroupInServiceInstances");
        assertThat(atMaximum.path("Statistic").asText()).as("every minute of the ten at the maximum")
                .isEqualTo("Minimum");
        assertThat(atMaximum.path("Threshold").asInt()).isEqualTo(20);
        assertThat(atMaximum.path("Period").asInt() * atMaximum.path("EvaluationPeriods").asInt()).isEqualTo(600);
        for (String name : Alarms.NAMES) {
            JsonNode alarm = resources.properties().stream().map(java.util.Map.Entry::getValue)
                    .filter(r -> r.path("Properties").path("AlarmName").path("Fn::Sub").asText()
                            .equals("${AWS::StackName}-" + name)).findFirst().orElseThrow(() ->
                            new AssertionError("no alarm named " + name)).path("Properties");
            assertThat(alarm.path("AlarmActions").get(0).path("Ref").asText()).as(name).isEqualTo("AlertTopic");
            assertThat(alarm.path("OKActions").get(0).path("Ref").asText()).as(name).isEqualTo("AlertTopic");
        }
        assertThat(resources.path("AlertEmailSubscription").path("Condition").asText()).isEqualTo("HasAlertEmail");
        assertThat(template.path("Conditions").has("HasAlertEmail")).isTrue();
        assertThat(resources.path("WorkerGroup").path("Properties").path("NotificationConfigurations").get(0)
                .path("NotificationTypes").toString()).contains("autoscaling:EC2_INSTANCE_LAUNCH_ERROR");
    }

    @Test
    void theDashboardShowsTheAlarmsAndScalingMetricOfTheModeInUseAndTheLoadBalancer() {
        JsonNode modes = resources.path("Dashboard").path("Properties").path("DashboardBody").path("Fn::If");
        assertThat(modes.get(0).asText()).isEqualTo("StepScaling");
        assertThat(modes.get(2).path("Fn::If").get(0).asText()).isEqualTo("FastScaling");
        JsonNode step = read(modes.get(1).path("Fn::Sub").get(0).asText());
        JsonNode fast = read(modes.get(2).path("Fn::If").get(1).path("Fn::Sub").get(0).asText()
                .replace("${BacklogPerWorker}", "20"));
        String backlogBody = modes.get(2).path("Fn::If").get(2).path("Fn::Sub").get(0).asText();
        assertThat(modes.get(1).path("Fn::Sub").get(1).path("WebTargetGroupFullName").toString())
                .as("the target group's full name, from its ARN").contains("Fn::Split").contains("WebTargetGroup");
        JsonNode backlog = read(backlogBody.replace("${BacklogPerWorker}", "20"));
        assertThat(backlogBody).as("the target is the stack's parameter, a number")
                .contains("\"value\":${BacklogPerWorker}");
        for (JsonNode body : new JsonNode[] {step, fast, backlog}) {
            String alarms = widget(body, "alarm").path("properties").path("alarms").toString();
            for (String name : Alarms.NAMES) {
                assertThat(alarms).contains(":alarm:${AWS::StackName}-" + name + "\"");
            }
            assertThat(body.toString()).contains("HTTPCode_ELB_5XX_Count").contains("TargetResponseTime")
                    .contains("RequestCount").contains("UnHealthyHostCount");
        }
        assertThat(widget(step, "alarm").toString()).contains("${AWS::StackName}-scale-out\"")
                .doesNotContain("fast-scale");
        assertThat(widget(fast, "alarm").toString()).contains("${AWS::StackName}-fast-scale-out\"")
                .contains("${AWS::StackName}-fast-scale-in\"");
        assertThat(widget(backlog, "alarm").toString()).doesNotContain("scale-out").doesNotContain("scale-in");
        assertThat(step.toString()).contains("q - i").doesNotContain("(v + f) / i");
        assertThat(backlog.toString()).contains("(v + f) / i").doesNotContain("\"q - i\"");
        assertThat(resources.path("FastScaleOutAlarm").path("Properties").path("AlarmName").path("Fn::Sub").asText())
                .isEqualTo("${AWS::StackName}-fast-scale-out");
    }

    private static JsonNode widget(JsonNode dashboard, String type) {
        for (JsonNode widget : dashboard.path("widgets")) {
            if (widget.path("type").asText().equals(type)) {
                return widget;
            }
        }
        throw new AssertionError("no " + type + " widget in " + dashboard);
    }

    @Test
    void theFrontDoorIsALoadBalancerOverTwoWebInstancesAndHidesTheActuator() {
        assertThat(resources.path("LoadBalancer").path("Properties").path("Type").asText()).isEqualTo("application");
        JsonNode group = resources.path("WebGroup").path("Properties");
        assertThat(group.path("MinSize").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(group.path("HealthCheckType").asText()).isEqualTo("ELB");
        assertThat(group.path("TargetGroupARNs").get(0).path("Ref").asText()).isEqualTo("WebTargetGroup");
        assertThat(resources.path("WebTargetGroup").path("Properties").path("HealthCheckPath").asText())
                .isEqualTo("/actuator/health/readiness");
        assertThat(resources.path("HttpsListener").path("Condition").asText()).as("HTTPS with a certificate")
                .isEqualTo("HasCertificate");
        assertThat(resources.path("HttpListener").path("Properties").path("DefaultActions").get(0).path("Fn::If")
                .get(1).path("Type").asText()).as("HTTP redirects once there is HTTPS").isEqualTo("redirect");
        assertThat(template.path("Outputs").path("Url").path("Value").path("Fn::If").get(2).path("Fn::Sub").asText())
                .as("plain HTTP is said loudly").contains("PLAIN HTTP");
        assertThat(template.path("Parameters").path("AllowPlainHttp").path("Default").asText()).isEqualTo("false");
        JsonNode httpsRule = template.path("Rules").path("HttpsUnlessPlainHttpIsAllowed");
        assertThat(httpsRule.path("RuleCondition").toString()).as("without a certificate")
                .isEqualTo("{\"Fn::Equals\":[{\"Ref\":\"CertificateArn\"},\"\"]}");
        assertThat(httpsRule.path("Assertions").get(0).path("Assert").toString()).as("plain HTTP only when asked")
                .isEqualTo("{\"Fn::Equals\":[{\"Ref\":\"AllowPlainHttp\"},\"true\"]}");
        for (String listener : new String[] {"Http", "Https"}) {
            JsonNode rule = resources.path(listener + "HidesActuator").path("Properties");
            assertThat(rule.path("Priority").asInt()).isEqualTo(1);
            assertThat(rule.path("Conditions").get(0).path("PathPatternConfig").path("Values").toString())
                    .contains("/actuator/*");
            assertThat(rule.path("Actions").get(0).path("FixedResponseConfig").path("StatusCode").asText())
                    .isEqualTo("404");
        }
        JsonNode webIngress = resources.path("WebSecurityGroup").path("Properties").path("SecurityGroupIngress");
        assertThat(webIngress).hasSize(1);
        assertThat(webIngress.get(0).path("SourceSecurityGroupId").path("Fn::GetAtt").get(0).asText())
                .as("the web port from the load balancer only").isEqualTo("LoadBalancerSecurityGroup");
        assertThat(resources.path("WebErrorsAlarm").path("Properties").path("MetricName").asText())
                .isEqualTo("HTTPCode_Target_5XX_Count");
    }

    @Test
    void spotIsAnOptionAboveAnOnDemandBaseWithoutTheWarmPool() {
        assertThat(template.path("Parameters").path("WorkerCapacity").path("Default").asText()).isEqualTo("on-demand");
        JsonNode group = resources.path("WorkerGroup").path("Properties");
        assertThat(group.path("LaunchTemplate").path("Fn::If").get(0).asText()).isEqualTo("SpotWorkers");
        assertThat(group.path("LaunchTemplate").path("Fn::If").get(1).path("Ref").asText()).isEqualTo("AWS::NoValue");
        JsonNode mixed = group.path("MixedInstancesPolicy").path("Fn::If");
        assertThat(mixed.get(0).asText()).isEqualTo("SpotWorkers");
        JsonNode distribution = mixed.get(1).path("InstancesDistribution");
        assertThat(distribution.path("OnDemandBaseCapacity").asInt()).as("the minimum on demand").isEqualTo(1);
        assertThat(distribution.path("OnDemandPercentageAboveBaseCapacity").asInt()).as("Spot above it").isZero();
        assertThat(mixed.get(1).path("LaunchTemplate").path("Overrides")).hasSize(3);
        assertThat(mixed.get(2).path("Ref").asText()).isEqualTo("AWS::NoValue");
        assertThat(group.path("CapacityRebalance").path("Fn::If").toString()).isEqualTo("[\"SpotWorkers\",true,false]");
        assertThat(template.path("Conditions").path("HasWarmPool").toString()).as("no warm pool with Spot")
                .contains("{\"Condition\":\"SpotWorkers\"}");
    }

    @Test
    void theDescriptionIsTrueOfEveryScalingMode() {
        assertThat(template.path("Description").asText()).contains("1..20 workers")
                .contains("as the Scaling parameter says");
    }

    @Test
    void instancesGetPublicAddressesOnlyWhenAskedFor() {
        assertThat(template.path("Parameters").path("InstancePublicIps").path("Default").asText()).isEqualTo("false");
        for (String tier : new String[] {"Web", "Worker"}) {
            JsonNode data = resources.path(tier + "LaunchTemplate").path("Properties").path("LaunchTemplateData");
            assertThat(data.path("SecurityGroupIds").path("Fn::If").get(0).asText()).isEqualTo("InstancePublicIps");
            JsonNode eni = data.path("NetworkInterfaces").path("Fn::If").get(1).get(0);
            assertThat(eni.path("AssociatePublicIpAddress").asBoolean()).isTrue();
            assertThat(eni.path("Groups").get(0).path("Fn::GetAtt").get(0).asText()).isEqualTo(tier + "SecurityGroup");
        }
    }

    @Test
    void theStackIsCompleteOnlyOnceItsInstancesSayTheyWork() {
        JsonNode web = resources.path("WebGroup");
        assertThat(web.path("CreationPolicy").path("ResourceSignal").path("Count").asInt()).isEqualTo(2);
        JsonNode rolling = web.path("UpdatePolicy").path("AutoScalingRollingUpdate");
        assertThat(rolling.path("WaitOnResourceSignals").asBoolean()).as("a broken image rolls back").isTrue();
        assertThat(rolling.path("PauseTime").asText()).isEqualTo("PT15M");
        assertThat(rolling.path("MinInstancesInService").asInt()).isEqualTo(1);
        JsonNode workers = resources.path("WorkerGroup");
        assertThat(workers.path("CreationPolicy").path("ResourceSignal").path("Count").asInt()).isEqualTo(1);
        assertThat(workers.path("CreationPolicy").path("ResourceSignal").path("Timeout").asText()).isEqualTo("PT15M");
        for (String tier : new String[] {"Web", "Worker"}) {
            String userData = resources.path(tier + "LaunchTemplate").path("Properties").path("LaunchTemplateData")
                    .path("UserData").path("Fn::Base64").path("Fn::Sub").asText();
            assertThat(userData).contains("/opt/aws/bin/cfn-signal -e $? --stack ${AWS::StackName} --resource "
                    + tier + "Group --region ${AWS::Region}");
            assertThat(userData.indexOf("cfn-signal")).as("after the unit starts")
                    .isGreaterThan(userData.indexOf("systemctl enable --now"));
            assertThat(resources.path(tier + "Role").toString()).contains("cloudformation:SignalResource")
                    .contains("stack/${AWS::StackName}/*");
        }
        assertThat(resources.path("WebLaunchTemplate").toString()).contains("curl -sf -o /dev/null "
                + "http://127.0.0.1:8080/actuator/health/readiness");
        assertThat(resources.path("WorkerLaunchTemplate").toString())
                .contains("grep -q EIC-WORKER-READY /var/log/eic/eic-worker.log");
    }

    @Test
    void theApiIsClosedByAGeneratedKeyThatOnlyTheWebTierReads() {
        JsonNode secret = resources.path("ApiKeySecret");
        assertThat(secret.path("Type").asText()).isEqualTo("AWS::SecretsManager::Secret");
        assertThat(secret.path("Properties").path("GenerateSecretString").path("PasswordLength").asInt())
                .isGreaterThanOrEqualTo(32);
        assertThat(secret.path("Properties").has("SecretString")).as("never a key in the template").isFalse();
        String userData = resources.path("WebLaunchTemplate").toString();
        assertThat(userData).contains("EIC_API_KEY_SECRET=${ApiKeySecret}")
                .contains("EIC_CLASSIC_OPEN=${OpenClassicPost}");
        assertThat(template.path("Parameters").path("OpenClassicPost").path("Default").asText())
                .as("POST / opens only when asked").isEqualTo("false");
        assertThat(resources.path("WebRole").toString()).contains("secretsmanager:GetSecretValue");
        assertThat(resources.path("WorkerRole").toString()).as("workers never see the key")
                .doesNotContain("secretsmanager");
        assertThat(template.path("Outputs").path("ApiKey").path("Value").path("Fn::Sub").asText())
                .contains("get-secret-value --secret-id ${ApiKeySecret}");
    }

    @Test
    void awsOwnSchemasAcceptTheTemplate(@TempDir Path dir) throws Exception {
        // The machine's (it comes with its Python): on the PATH, or where EIC_CFN_LINT says.
        String command = java.util.Optional.ofNullable(System.getenv("EIC_CFN_LINT")).orElse("cfn-lint");
        Path file = dir.resolve("eic.json");
        Files.writeString(file, WorkerStack.defaults().render().toJson());
        Process lint;
        try {
            lint = new ProcessBuilder(command, file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "cfn-lint is not installed here (it comes with the machine's Python 3.11): " + e);
            return;
        }
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as("cfn-lint says:%n%s", output).isZero();
    }

    private static void assertStep(JsonNode step, Double lower, Double upper, int adjustment) {
        assertThat(step.has("MetricIntervalLowerBound")).as("%s lower", step).isEqualTo(lower != null);
        if (lower != null) {
            assertThat(step.path("MetricIntervalLowerBound").asDouble()).as("%s lower", step).isEqualTo(lower);
        }
        assertThat(step.has("MetricIntervalUpperBound")).as("%s upper", step).isEqualTo(upper != null);
        if (upper != null) {
            assertThat(step.path("MetricIntervalUpperBound").asDouble()).as("%s upper", step).isEqualTo(upper);
        }
        assertThat(step.path("ScalingAdjustment").asInt()).as("%s adjustment", step).isEqualTo(adjustment);
    }

    private static void assertStep(JsonNode step, int lower, double upper, int adjustment) {
        assertStep(step, (double) lower, upper, adjustment);
    }

    private static JsonNode read(String json) {
        try {
            return Messages.json().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
