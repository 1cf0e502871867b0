package eic.infra.stack;

import static eic.infra.stack.InstanceResources.allow;
import static eic.infra.stack.InstanceResources.instanceRole;
import static eic.infra.stack.InstanceResources.launchErrorsToTopic;
import static eic.infra.stack.InstanceResources.launchTemplate;
import static eic.infra.stack.InstanceResources.nameTag;
import static eic.infra.stack.WorkerStack.REPLY_QUEUES_ARN;
import static eic.infra.stack.WorkerStack.SIGNAL_TIMEOUT;
import static eic.infra.stack.WorkerStack.WEB_PORT;
import static eic.infra.stack.WorkerStack.props;

import java.util.List;
import java.util.Map;

/**
 * The front door: an Application Load Balancer (HTTPS when a certificate is given, plain HTTP
 * only when asked for, said in the outputs) in front of a web group of at least two instances
 * across the subnets' AZs, health-checked on readiness, and the API key the web tier reads.
 * The actuator is not reachable through it; the web instances take traffic from the load
 * balancer only.
 */
final class FrontDoor {
    private FrontDoor() {
    }

    static void render(Template t) {
        t.condition("HasCertificate", Map.of("Fn::Not", List.of(Map.of("Fn::Equals",
                List.of(Fn.ref("CertificateArn"), "")))));
        t.resource("LoadBalancerSecurityGroup", Template.Resource.of("AWS::EC2::SecurityGroup", props(
                "GroupDescription", "EIC load balancer: HTTP and HTTPS from the clients",
                "VpcId", Fn.ref("VpcId"),
                "SecurityGroupIngress", List.of(
                        props("IpProtocol", "tcp", "FromPort", 443, "ToPort", 443, "CidrIp", Fn.ref("ClientCidr")),
                        props("IpProtocol", "tcp", "FromPort", 80, "ToPort", 80, "CidrIp", Fn.ref("ClientCidr"))))));
        t.resource("WebSecurityGroup", Template.Resource.of("AWS::EC2::SecurityGroup", props(
                "GroupDescription", "EIC web tier: its port from the load balancer only",
                "VpcId", Fn.ref("VpcId"),
                "SecurityGroupIngress", List.of(props("IpProtocol", "tcp", "FromPort", WEB_PORT, "ToPort", WEB_PORT,
                        "SourceSecurityGroupId", Fn.getAtt("LoadBalancerSecurityGroup", "GroupId"))))));
        t.resource("LoadBalancer", Template.Resource.of("AWS::ElasticLoadBalancingV2::LoadBalancer", props(
                "Type", "application",
                "Scheme", "internet-facing",
                "Subnets", Fn.ref("PublicSubnets"),
                "SecurityGroups", List.of(Fn.getAtt("LoadBalancerSecurityGroup", "GroupId")),
                // Classic requests wait up to a minute for their label.
                "LoadBalancerAttributes", List.of(props("Key", "idle_timeout.timeout_seconds", "Value", "75")))));
        t.resource("WebTargetGroup", Template.Resource.of("AWS::ElasticLoadBalancingV2::TargetGroup", props(
                "VpcId", Fn.ref("VpcId"),
                "Protocol", "HTTP",
                "Port", WEB_PORT,
                "TargetType", "instance",
                "HealthCheckPath", "/actuator/health/readiness",
                "Matcher", props("HttpCode", "200"),
                "HealthCheckIntervalSeconds", 10,
                "HealthyThresholdCount", 2,
                "UnhealthyThresholdCount", 3,
                "TargetGroupAttributes", List.of(props("Key", "deregistration_delay.timeout_seconds", "Value", "70")))));
        Map<String, Object> forward = props("Type", "forward", "TargetGroupArn", Fn.ref("WebTargetGroup"));
        t.resource("HttpsListener", Template.Resource.of("AWS::ElasticLoadBalancingV2::Listener", props(
                "LoadBalancerArn", Fn.ref("LoadBalancer"),
                "Protocol", "HTTPS",
                "Port", 443,
                "Certificates", List.of(props("CertificateArn", Fn.ref("CertificateArn"))),
                "SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "DefaultActions", List.of(forward))).when("HasCertificate"));
        t.resource("HttpListener", Template.Resource.of("AWS::ElasticLoadBalancingV2::Listener", props(
                "LoadBalancerArn", Fn.ref("LoadBalancer"),
                "Protocol", "HTTP",
                "Port", 80,
                "DefaultActions", List.of(Map.of("Fn::If", List.of("HasCertificate",
                        props("Type", "redirect", "RedirectConfig", props("Protocol", "HTTPS", "Port", "443",
                                "StatusCode", "HTTP_301")),
                        forward))))));
        for (String listener : List.of("Https", "Http")) {
            Template.Resource hideActuator = Template.Resource.of("AWS::ElasticLoadBalancingV2::ListenerRule", props(
                    "ListenerArn", Fn.ref(listener + "Listener"),
                    "Priority", 1,
                    "Conditions", List.of(props("Field", "path-pattern", "PathPatternConfig",
                            props("Values", List.of("/actuator", "/actuator/*")))),
                    "Actions", List.of(props("Type", "fixed-response", "FixedResponseConfig", props(
                            "StatusCode", "404", "ContentType", "text/plain", "MessageBody", "not found\n")))));
            t.resource(listener + "HidesActuator", listener.equals("Https") ? hideActuator.when("HasCertificate")
                    : hideActuator);
        }
        // Closed by default: a key generated here, never in the template, the parameters or the CLI's output.
        t.resource("ApiKeySecret", Template.Resource.of("AWS::SecretsManager::Secret", props(
                "Name", Fn.sub("${AWS::StackName}-api-key"),
                "Description", "the API key clients send as X-Api-Key; the web tier reads it at start",
                "GenerateSecretString", props("PasswordLength", 40, "ExcludePunctuation", true))));
        webRole(t);
        launchTemplate(t, "Web", List.of("EIC_BIND_ADDRESS=0.0.0.0", "EIC_PORT=" + WEB_PORT,
                "EIC_API_KEY_SECRET=${ApiKeySecret}", "EIC_CLASSIC_OPEN=${OpenClassicPost}",
                "EIC_CLOUDWATCH_NAMESPACE=" + DashboardBody.APP_NAMESPACE,
                // The fast scaling signal: the backlog per worker of this group, every 10 s.
                "EIC_CLOUDWATCH_WORKER_GROUP=${AWS::StackName}-workers",
                // Only the load balancer reaches the web tier; its nodes have the VPC's private addresses, so the
                // client's address is the one it appends to X-Forwarded-For (for the rate limit).
                "EIC_TRUSTED_PROXIES=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16",
                "EIC_DASHBOARD_URL=https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home"
                        + "?region=${AWS::Region}#dashboards:name=${AWS::StackName}"), "eic-web",
                "curl -sf -o /dev/null http://127.0.0.1:" + WEB_PORT + "/actuator/health/readiness");
        t.resource("WebGroup", Template.Resource.of("AWS::AutoScaling::AutoScalingGroup", props(
                "MinSize", "2",
                "MaxSize", "4",
                "LaunchTemplate", props("LaunchTemplateId", Fn.ref("WebLaunchTemplate"),
                        "Version", Fn.getAtt("WebLaunchTemplate", "LatestVersionNumber")),
                "VPCZoneIdentifier", Fn.ref("WebSubnets"),
                "TargetGroupARNs", List.of(Fn.ref("WebTargetGroup")),
                "HealthCheckType", "ELB",
                "HealthCheckGracePeriod", 180,
                "NotificationConfigurations", launchErrorsToTopic(),
                "Tags", nameTag("web")))
                // Created, and each update's new instance kept, only once it answers ready behind its own port;
                // else the update rolls back with the old instances still serving.
                .awaitingSignals(2, SIGNAL_TIMEOUT)
                .withUpdatePolicy(props("AutoScalingRollingUpdate", props("MinInstancesInService", "1",
                        "MaxBatchSize", "1", "WaitOnResourceSignals", true,
                        "PauseTime", SIGNAL_TIMEOUT.toString()))));
    }

    /**
     * What a web instance may do: store uploads (and see whether one exists), read results and
     * the ops documents, send
     * requests, own this stack's reply queues (and sweep those of instances that are gone),
     * publish its metrics to the EIC namespace.
     */
    private static void webRole(Template t) {
        instanceRole(t, "Web", "eic-web", List.of(
                allow(List.of("secretsmanager:GetSecretValue"), Fn.ref("ApiKeySecret")),
                allow(List.of("s3:PutObject", "s3:GetObject", "s3:DeleteObject"),
                        Fn.sub("${InputBucket.Arn}/uploads/*")),
                allow(List.of("s3:GetObject"), Fn.sub("${OutputBucket.Arn}/*")),
                allow(List.of("s3:ListBucket"), List.of(Fn.getAtt("InputBucket", "Arn"),
                        Fn.getAtt("OutputBucket", "Arn"))),
                allow(List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"),
                        Fn.getAtt("RequestQueue", "Arn")),
                allow(List.of("sqs:CreateQueue", "sqs:DeleteQueue", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                        "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:ListQueueTags"), Fn.sub(REPLY_QUEUES_ARN)),
                // Finding the reply queues of instances that went uncleanly, to sweep them.
                allow(List.of("sqs:ListQueues"), Fn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:*")),
                props("Effect", "Allow", "Action", List.of("cloudwatch:PutMetricData"), "Resource", "*",
                        "Condition", props("StringEquals", props("cloudwatch:namespace",
                                DashboardBody.APP_NAMESPACE))),
                // Counting the workers in service; Describe calls take no resource-level permissions.
                props("Effect", "Allow", "Action", List.of("autoscaling:DescribeAutoScalingGroups"), "Resource", "*")));
    }
}
