package eic.infra.stack;

import static eic.infra.stack.InstanceResources.allow;
import static eic.infra.stack.InstanceResources.instanceRole;
import static eic.infra.stack.InstanceResources.launchErrorsToTopic;
import static eic.infra.stack.InstanceResources.launchTemplate;
import static eic.infra.stack.InstanceResources.nameTag;
import static eic.infra.stack.WorkerStack.IN_SERVICE;
import static eic.infra.stack.WorkerStack.MAX_WARM_WORKERS;
import static eic.infra.stack.WorkerStack.READY_TIMEOUT;
import static eic.infra.stack.WorkerStack.REPLY_QUEUES_ARN;
import static eic.infra.stack.WorkerStack.SIGNAL_TIMEOUT;
import static eic.infra.stack.WorkerStack.SPOT;
import static eic.infra.stack.WorkerStack.SPOT_TYPES;
import static eic.infra.stack.WorkerStack.props;

import eic.common.aws.LifecycleHooks;
import eic.common.messaging.WorkerSignals;
import eic.infra.scaling.ScalingPolicy;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The workers: their role, launch template and Auto Scaling group (on demand, or Spot above an
 * on-demand base), the launch hook that keeps a worker out of service until its model is loaded
 * and the termination hook that drains it, and the warm pool of stopped, pre-initialised ones.
 */
record WorkerGroupResources(WorkerStack stack) {
    void render(Template t) {
        workerRole(t);
        workers(t);
        warmPool(t);
    }

    /**
     * What a worker may do, and nothing more: read uploads and remove those answered, write and
     * read results, list both buckets and claim or give back a re-submission (the reconciler's
     * markers), work the two queues, reply to this stack's
     * reply queues, drain itself out of its own group and report itself unhealthy to it (a worker
     * that failed for good: eic-worker-unhealthy.service). SSM Session Manager instead of SSH,
     * and the CloudWatch agent for its logs.
     */
    private static void workerRole(Template t) {
        instanceRole(t, "Worker", "eic-worker", List.of(
                allow(List.of("s3:GetObject", "s3:DeleteObject"), Fn.sub("${InputBucket.Arn}/uploads/*")),
                allow(List.of("s3:GetObject", "s3:PutObject"), Fn.sub("${OutputBucket.Arn}/*")),
                allow(List.of("s3:DeleteObject"), List.of(Fn.sub("${OutputBucket.Arn}/ops/reconciled/*"),
                        Fn.sub("${OutputBucket.Arn}/ops/alone/*"))),
                allow(List.of("s3:ListBucket"), List.of(Fn.getAtt("InputBucket", "Arn"),
                        Fn.getAtt("OutputBucket", "Arn"))),
                allow(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SendMessage"),
                        List.of(Fn.getAtt("RequestQueue", "Arn"), Fn.getAtt("DeadLetterQueue", "Arn"))),
                allow(List.of("sqs:SendMessage", "sqs:GetQueueUrl"), Fn.sub(REPLY_QUEUES_ARN)),
                allow(List.of("autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat",
                        "autoscaling:SetInstanceProtection", "autoscaling:SetInstanceHealth"), Fn.sub("arn:${AWS::Partition}:autoscaling:"
                        + "${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:"
                        + "autoScalingGroupName/${AWS::StackName}-workers"))));
    }

    private void workers(Template t) {
        t.resource("WorkerSecurityGroup", Template.Resource.of("AWS::EC2::SecurityGroup", props(
                "GroupDescription", "EIC workers: no inbound traffic",
                "VpcId", Fn.ref("VpcId"))));
        // ONNX Runtime: the faster engine on CPU for the same network (benchmarks.md); the bake checks they agree.
        launchTemplate(t, "Worker", List.of("EIC_MODEL=resnet18", "EIC_RESNET18_DIR=/opt/eic/models/resnet18",
                "EIC_ENGINE=onnxruntime",
                "EIC_WORKER_VISIBILITY_TIMEOUT=" + stack.storage().visibilityTimeout().toSeconds() + "s",
                // The worker joins its group: scale-in protection while busy, the two lifecycle hooks.
                "EIC_WORKER_GROUP=${AWS::StackName}-workers",
                "EIC_WORKER_DRAIN_TIMEOUT=" + stack.workerDrainBound().toSeconds() + "s"), "eic-worker",
                // in service and polling: the line the worker prints once its model is loaded and its hook complete
                "grep -q " + WorkerSignals.READY_MARKER + " /var/log/eic/eic-worker.log");
        // In service already means the model is loaded (the ready hook): a short warm-up, one fast period, is
        // enough to keep a repeated breach from buying the same capacity twice while instances start.
        long warmup = Math.max(stack.policy().warmup().toSeconds(), ScalingPolicy.GROUP_INSTANCE_WARMUP.toSeconds());
        t.resource("WorkerGroup", Template.Resource.of("AWS::AutoScaling::AutoScalingGroup", props(
                // Named from the stack, so that the workers' role can name its own group without a cycle.
                "AutoScalingGroupName", Fn.sub("${AWS::StackName}-workers"),
                "MinSize", Integer.toString(stack.policy().min()),
                "MaxSize", Integer.toString(stack.policy().max()),
                "LaunchTemplate", Fn.ifThen(SPOT, Fn.NO_VALUE, workerLaunchTemplate()),
                // Spot above an on-demand base of the group's minimum, from the first of three types that has
                // capacity; a Spot instance at risk is replaced before it is interrupted (capacity rebalancing).
                "MixedInstancesPolicy", Fn.ifThen(SPOT, props(
                        "InstancesDistribution", props("OnDemandBaseCapacity", stack.policy().min(),
                                "OnDemandPercentageAboveBaseCapacity", 0,
                                "SpotAllocationStrategy", "price-capacity-optimized"),
                        "LaunchTemplate", props("LaunchTemplateSpecification", workerLaunchTemplate(),
                                "Overrides", IntStream.range(0, SPOT_TYPES).mapToObj(i -> props("InstanceType",
                                        Map.of("Fn::Select", List.of(i, Fn.ref("SpotInstanceTypes"))))).toList())),
                        Fn.NO_VALUE),
                "CapacityRebalance", Fn.ifThen(SPOT, true, false),
                "VPCZoneIdentifier", Fn.ref("WorkerSubnets"),
                "DefaultInstanceWarmup", warmup,
                "MetricsCollection", List.of(props("Granularity", "1Minute", "Metrics", List.of(IN_SERVICE,
                        "GroupDesiredCapacity", "GroupPendingInstances", "GroupTerminatingInstances"))),
                "LifecycleHookSpecificationList", List.of(props(
                        // In service only once the worker has loaded its model and completed this hook;
                        // an instance whose worker never gets there is abandoned (terminated) and replaced.
                        "LifecycleHookName", LifecycleHooks.READY,
                        "LifecycleTransition", "autoscaling:EC2_INSTANCE_LAUNCHING",
                        "HeartbeatTimeout", READY_TIMEOUT.toSeconds(),
                        "DefaultResult", "ABANDON"), props(
                        "LifecycleHookName", LifecycleHooks.DRAIN,
                        "LifecycleTransition", "autoscaling:EC2_INSTANCE_TERMINATING",
                        // The worker stops receiving, finishes or releases what it holds, then completes the
                        // action; if it cannot, termination goes on after this and the messages return.
                        "HeartbeatTimeout", stack.drainTimeout().toSeconds(),
                        "DefaultResult", "CONTINUE")),
                "NotificationConfigurations", launchErrorsToTopic(),
                "Tags", nameTag("worker")))
                // The stack is created once its first workers serve. Updates do not wait for signals: a worker is in
                // service only once its hook says its model is loaded (a broken image never gets there, and the
                // update fails and rolls back), and an instance the update takes from the warm pool would never
                // signal (its user data ran on its first boot).
                .awaitingSignals(stack.policy().min(), SIGNAL_TIMEOUT)
                .withUpdatePolicy(props("AutoScalingRollingUpdate", props("MinInstancesInService",
                        Integer.toString(stack.policy().min()), "MaxBatchSize", "2", "PauseTime", "PT0S"))));
    }

    /**
     * "Start a stopped instance before launching a new one" (the idle-stop policy's idea), on the managed
     * engine: a warm pool of stopped workers that have booted and loaded their model once
     * (the worker completes the launch hook and waits without polling, then the group stops
     * the instance); scale-out starts them first, scale-in returns instances to the pool.
     * Stopped instances cost their disks only.
     */
    private void warmPool(Template t) {
        // A group with a mixed instances policy cannot have a warm pool: with Spot there is none.
        t.condition("HasWarmPool", Map.of("Fn::And", List.of(Map.of("Fn::Not", List.of(Map.of("Fn::Equals",
                List.of(Fn.ref("WarmWorkers"), "0")))), Map.of("Fn::Not", List.of(Map.of("Condition", SPOT))))));
        t.resource("WorkerWarmPool", Template.Resource.of("AWS::AutoScaling::WarmPool", props(
                "AutoScalingGroupName", Fn.ref("WorkerGroup"),
                "PoolState", "Stopped",
                // The pool holds max(MinSize, MaxGroupPreparedCapacity - desired): WarmWorkers at the group's
                // minimum, none while a burst has taken them - so a scale-out does not launch the pool's
                // replacements beside its workers; scale-in returns the workers to it (ReuseOnScaleIn).
                "MinSize", 0,
                "MaxGroupPreparedCapacity", Map.of("Fn::Select", List.of(Fn.ref("WarmWorkers"),
                        IntStream.rangeClosed(0, MAX_WARM_WORKERS).mapToObj(w -> Integer.toString(stack.policy().min() + w))
                                .toList())),
                "InstanceReusePolicy", props("ReuseOnScaleIn", true))).when("HasWarmPool"));
    }

    private static Map<String, Object> workerLaunchTemplate() {
        return props("LaunchTemplateId", Fn.ref("WorkerLaunchTemplate"),
                "Version", Fn.getAtt("WorkerLaunchTemplate", "LatestVersionNumber"));
    }
}
