package eic.infra.stack;

import static eic.infra.stack.WorkerStack.PUBLIC_IPS;
import static eic.infra.stack.WorkerStack.SIGNAL_TIMEOUT;
import static eic.infra.stack.WorkerStack.props;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What both tiers' instances are made of: a role and instance profile, a launch template whose
 * user data writes the deployment's settings, starts the tier's unit and signals the stack, the
 * Name tag, and the group notifications to the alarms' topic.
 */
final class InstanceResources {
    private InstanceResources() {
    }

    /**
     * A role for one tier's instances and its instance profile ({@code <tier>Role},
     * {@code <tier>InstanceProfile}): SSM Session Manager and the CloudWatch agent as managed
     * policies, the tier's own {@code statements}, and signalling this stack.
     */
    static void instanceRole(Template t, String tier, String policyName, List<Map<String, Object>> statements) {
        t.resource(tier + "Role", Template.Resource.of("AWS::IAM::Role", props(
                "AssumeRolePolicyDocument", props("Version", "2012-10-17", "Statement", List.of(props(
                        "Effect", "Allow", "Principal", props("Service", "ec2.amazonaws.com"),
                        "Action", "sts:AssumeRole"))),
                "ManagedPolicyArns", List.of(
                        Fn.sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"),
                        Fn.sub("arn:${AWS::Partition}:iam::aws:policy/CloudWatchAgentServerPolicy")),
                "Policies", List.of(props("PolicyName", policyName, "PolicyDocument",
                        props("Version", "2012-10-17", "Statement", withSignal(statements)))))));
        t.resource(tier + "InstanceProfile", Template.Resource.of("AWS::IAM::InstanceProfile", props(
                "Roles", List.of(Fn.ref(tier + "Role")))));
    }

    /**
     * A tier's launch template ({@code <tier>LaunchTemplate}): its image and instance type
     * parameters, its profile and security group, IMDSv2 only, and user data that writes
     * {@code /etc/eic/eic.env} - the deployment's names, then {@code settings} - starts {@code unit},
     * and signals {@code <tier>Group}'s creation or update whether the shell test {@code ready}
     * passed within the group's signal timeout (cfn-signal, from aws-cfn-bootstrap in the image).
     */
    static void launchTemplate(Template t, String tier, List<String> settings, String unit, String ready) {
        List<String> lines = new java.util.ArrayList<>(List.of("#!/bin/bash", "mkdir -p /etc/eic",
                "cat > /etc/eic/eic.env <<EOF",
                "EIC_AWS_REGION=${AWS::Region}",
                "EIC_INPUT_BUCKET=${InputBucket}",
                "EIC_OUTPUT_BUCKET=${OutputBucket}",
                "EIC_REQUEST_QUEUE=${RequestQueue.QueueName}",
                "EIC_DEAD_LETTER_QUEUE=${DeadLetterQueue.QueueName}",
                "EIC_REPLY_QUEUE_PREFIX=${AWS::StackName}-replies-"));
        lines.addAll(settings);
        lines.addAll(List.of("EOF",
                // The unit's log file to the stack's log group, by the agent baked into the image.
                "sed 's|@LOG_GROUP@|${LogGroup}|' /opt/eic/cloudwatch-agent.json > /etc/eic/cloudwatch-agent.json",
                "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s "
                        + "-c file:/etc/eic/cloudwatch-agent.json",
                "systemctl enable --now " + unit,
                // Whether this instance works, to the stack: its creation and updates wait for the answer.
                "for i in $(seq 1 " + (SIGNAL_TIMEOUT.toSeconds() - 60) / 5 + "); do " + ready + " && break; sleep 5; done",
                ready + "; /opt/aws/bin/cfn-signal -e $? --stack ${AWS::StackName} --resource " + tier + "Group "
                        + "--region ${AWS::Region}", ""));
        t.resource(tier + "LaunchTemplate", Template.Resource.of("AWS::EC2::LaunchTemplate", props(
                "LaunchTemplateData", props(
                        "ImageId", Fn.ref(tier + "Ami"),
                        "InstanceType", Fn.ref(tier + "InstanceType"),
                        "IamInstanceProfile", props("Arn", Fn.getAtt(tier + "InstanceProfile", "Arn")),
                        // A public address only when asked (instances in public subnets that do not give one):
                        // then the security group goes on the interface that gets it.
                        "SecurityGroupIds", Fn.ifThen(PUBLIC_IPS, Fn.NO_VALUE,
                                List.of(Fn.getAtt(tier + "SecurityGroup", "GroupId"))),
                        "NetworkInterfaces", Fn.ifThen(PUBLIC_IPS, List.of(props("DeviceIndex", 0,
                                "AssociatePublicIpAddress", true,
                                "Groups", List.of(Fn.getAtt(tier + "SecurityGroup", "GroupId")))), Fn.NO_VALUE),
                        "MetadataOptions", props("HttpTokens", "required", "HttpEndpoint", "enabled"),
                        "UserData", Fn.base64(Fn.sub(String.join("\n", lines)))))));
    }

    /** A group's launch and termination errors notify the alarms' topic. */
    static List<Map<String, Object>> launchErrorsToTopic() {
        return List.of(props("TopicARN", Fn.ref("AlertTopic"), "NotificationTypes",
                List.of("autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR")));
    }

    /** The Name tag a group puts on its instances. */
    static List<Map<String, Object>> nameTag(String suffix) {
        return List.of(props("Key", "Name", "Value", Fn.sub("${AWS::StackName}-" + suffix), "PropagateAtLaunch", true));
    }

    /** A tier's statements and the one its user data needs: telling this stack whether the instance works. */
    private static List<Map<String, Object>> withSignal(List<Map<String, Object>> statements) {
        List<Map<String, Object>> all = new ArrayList<>(statements);
        all.add(allow(List.of("cloudformation:SignalResource"), Fn.sub("arn:${AWS::Partition}:cloudformation:"
                + "${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*")));
        return all;
    }

    static Map<String, Object> allow(List<String> actions, Object resource) {
        return props("Effect", "Allow", "Action", actions, "Resource", resource);
    }
}
