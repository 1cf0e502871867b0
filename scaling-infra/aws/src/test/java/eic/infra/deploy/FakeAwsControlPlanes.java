package eic.infra.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A loopback stand-in for the control planes that have no emulator here: Auto Scaling,
 * EC2 and IAM (query protocol: form POST, XML reply) and CloudWatch (Smithy RPC v2 CBOR).
 * It parses the real serialized requests the SDK sends, records each, keeps just enough
 * state for describe-after-create, and answers in the services' reply formats.
 */
final class FakeAwsControlPlanes implements AutoCloseable {
    static final String ACCOUNT = "123456789012";
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FakeAwsControlPlanes.class);

    /** One call as received: service, action and its parameters (flattened query or CBOR map). */
    record Call(String service, String action, Map<String, Object> params) {
        String param(String name) {
            Object v = params.get(name);
            return v == null ? null : v.toString();
        }
    }

    private final HttpServer server;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    // state, keyed by name
    private final Map<String, Map<String, String>> roles = new TreeMap<>();
    private final Map<String, String> rolePolicies = new TreeMap<>();
    private final Map<String, List<String>> instanceProfiles = new TreeMap<>();
    private final Map<String, Map<String, String>> securityGroups = new TreeMap<>();
    private final Map<String, List<Map<String, String>>> launchTemplates = new TreeMap<>();
    private final Map<String, Map<String, String>> groups = new TreeMap<>();
    private final Map<String, Map<String, String>> policies = new TreeMap<>();
    private final Map<String, Map<String, Object>> alarms = new TreeMap<>();
    private final Map<String, String> dashboards = new TreeMap<>();

    FakeAwsControlPlanes() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    List<Call> calls(String action) {
        return calls().stream().filter(c -> c.action().equals(action)).toList();
    }

    void clearCalls() {
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/service/GraniteServiceVersion20100801/operation/")) {
                cloudWatch(exchange, path.substring(path.lastIndexOf('/') + 1), body);
            } else {
                query(exchange, form(new String(body, StandardCharsets.UTF_8)));
            }
        } catch (RuntimeException e) {
            log.error("the fake cannot answer {}", exchange.getRequestURI(), e); // a gap in the fake, not in the code
            throw e;
        }
    }

    // ---------------------------------------------------------------- query protocol

    private void query(HttpExchange exchange, Map<String, String> p) throws IOException {
        String action = p.get("Action");
        String service = switch (p.get("Version")) {
            case "2011-01-01" -> "autoscaling";
            case "2016-11-15" -> "ec2";
            case "2010-05-08" -> "iam";
            default -> throw new IllegalArgumentException("unknown API version " + p.get("Version"));
        };
        calls.add(new Call(service, action, new LinkedHashMap<>(p)));
        Reply reply = switch (service) {
            case "iam" -> iam(action, p);
            case "ec2" -> ec2(action, p);
            default -> autoScaling(action, p);
        };
        String xml = reply.status() < 300 ? service.equals("ec2")
                ? "<" + action + "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
                + reply.xml() + "</" + action + "Response>"
                : "<" + action + "Response><" + action + "Result>" + reply.xml() + "</" + action + "Result>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></" + action + "Response>"
                : reply.xml();
        send(exchange, reply.status(), "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private record Reply(int status, String xml) {
        static Reply ok(String xml) {
            return new Reply(200, xml);
        }
    }

    private Reply queryError(int status, String code, String message, boolean ec2) {
        return new Reply(status, ec2
                ? "<Response><Errors><Error><Code>" + code + "</Code><Message>" + x(message)
                + "</Message></Error></Errors><RequestID>r</RequestID></Response>"
                : "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + x(message)
                + "</Message></Error><RequestId>r</RequestId></ErrorResponse>");
    }

    private Reply iam(String action, Map<String, String> p) {
        String role = p.get("RoleName");
        String profile = p.get("InstanceProfileName");
        switch (action) {
            case "GetRole":
                return roles.containsKey(role) ? Reply.ok(roleXml(role)) : noSuchEntity("role " + role);
            case "CreateRole":
                roles.put(role, Map.of("path", p.get("Path"), "assume", p.get("AssumeRolePolicyDocument"),
                        "tags", memberTags(p, "Tags")));
                return Reply.ok(roleXml(role));
            case "PutRolePolicy":
                rolePolicies.put(role + "/" + p.get("PolicyName"), p.get("PolicyDocument"));
                return Reply.ok("");
            case "GetRolePolicy": {
                String doc = rolePolicies.get(role + "/" + p.get("PolicyName"));
                return doc == null ? noSuchEntity("policy of " + role) : Reply.ok("<RoleName>" + x(role)
                        + "</RoleName><PolicyName>" + x(p.get("PolicyName")) + "</PolicyName><PolicyDocument>"
                        + x(URLEncoder.encode(doc, StandardCharsets.UTF_8)) + "</PolicyDocument>");
            }
            case "DeleteRolePolicy":
                rolePolicies.remove(role + "/" + p.get("PolicyName"));
                return Reply.ok("");
            case "DeleteRole":
                roles.remove(role);
                return Reply.ok("");
            case "GetInstanceProfile":
                return instanceProfiles.containsKey(profile) ? Reply.ok(profileXml(profile))
                        : noSuchEntity("instance profile " + profile);
            case "CreateInstanceProfile":
                instanceProfiles.put(profile, new ArrayList<>());
                return Reply.ok(profileXml(profile));
            case "AddRoleToInstanceProfile":
                instanceProfiles.get(profile).add(role);
                return Reply.ok("");
            case "RemoveRoleFromInstanceProfile":
                instanceProfiles.get(profile).remove(role);
                return Reply.ok("");
            case "DeleteInstanceProfile":
                instanceProfiles.remove(profile);
                return Reply.ok("");
            default:
                throw new IllegalArgumentException("the fake IAM does not know " + action);
        }
    }

    private Reply noSuchEntity(String what) {
        return queryError(404, "NoSuchEntity", "The " + what + " cannot be found.", false);
    }

    private String roleXml(String role) {
        return "<Role><Path>/eic/</Path><RoleName>" + x(role) + "</RoleName><RoleId>AROA" + role.hashCode()
                + "</RoleId><Arn>arn:aws:iam::" + ACCOUNT + ":role/eic/" + x(role)
                + "</Arn><CreateDate>2026-11-24T10:00:00Z</CreateDate><Tags>" + roles.get(role).get("tags")
                + "</Tags></Role>";
    }

    /** Tags.member.N.Key/Value as the query protocol's XML members. */
    private static String memberTags(Map<String, String> p, String prefix) {
        StringBuilder tags = new StringBuilder();
        for (int i = 1; p.containsKey(prefix + ".member." + i + ".Key"); i++) {
            tags.append("<member><Key>").append(x(p.get(prefix + ".member." + i + ".Key"))).append("</Key><Value>")
                    .append(x(p.get(prefix + ".member." + i + ".Value"))).append("</Value></member>");
        }
        return tags.toString();
    }

    private String profileXml(String profile) {
        return "<InstanceProfile><Path>/eic/</Path><InstanceProfileName>" + x(profile) + "</InstanceProfileName>"
                + "<InstanceProfileId>AIPA1</InstanceProfileId><Arn>arn:aws:iam::" + ACCOUNT + ":instance-profile/eic/"
                + x(profile) + "</Arn><CreateDate>2026-11-24T10:00:00Z</CreateDate><Roles>"
                + instanceProfiles.get(profile).stream().map(r -> "<member>" + roleXml(r).replace("<Role>", "")
                .replace("</Role>", "") + "</member>").collect(Collectors.joining()) + "</Roles></InstanceProfile>";
    }

    private Reply ec2(String action, Map<String, String> p) {
        switch (action) {
            case "DescribeSecurityGroups": {
                Map<String, String> filters = filters(p);
                return Reply.ok("<securityGroupInfo>" + securityGroups.values().stream()
                        .filter(g -> g.get("name").equals(filters.get("group-name"))
                                && g.get("vpc").equals(filters.get("vpc-id"))
                                && g.get("stack").equals(filters.get("tag:" + DeploySpec.STACK_TAG)))
                        .map(this::groupXml).collect(Collectors.joining()) + "</securityGroupInfo>");
            }
            case "CreateSecurityGroup": {
                String id = "sg-" + ids.incrementAndGet();
                Map<String, String> group = new LinkedHashMap<>();
                group.put("id", id);
                group.put("name", p.get("GroupName"));
                group.put("vpc", p.get("VpcId"));
                group.put("stack", tagValue(p, "TagSpecification.1", DeploySpec.STACK_TAG));
                securityGroups.put(id, group);
                return Reply.ok("<return>true</return><groupId>" + id + "</groupId>");
            }
            case "AuthorizeSecurityGroupIngress": {
                Map<String, String> group = securityGroups.get(p.get("GroupId"));
                group.put("rule", p.get("IpPermissions.1.IpProtocol") + " " + p.get("IpPermissions.1.FromPort") + " "
                        + p.get("IpPermissions.1.ToPort") + " " + p.get("IpPermissions.1.IpRanges.1.CidrIp"));
                return Reply.ok("<return>true</return>");
            }
            case "RevokeSecurityGroupIngress":
                securityGroups.get(p.get("GroupId")).remove("rule");
                return Reply.ok("<return>true</return>");
            case "DeleteSecurityGroup":
                securityGroups.remove(p.get("GroupId"));
                return Reply.ok("<return>true</return>");
            case "DescribeLaunchTemplates": {
                Map<String, String> filters = filters(p);
                return Reply.ok("<launchTemplates>" + launchTemplates.entrySet().stream()
                        .filter(e -> e.getKey().equals(filters.get("launch-template-name")))
                        .map(e -> templateXml(e.getKey(), e.getValue())).collect(Collectors.joining())
                        + "</launchTemplates>");
            }
            case "CreateLaunchTemplate":
                launchTemplates.put(p.get("LaunchTemplateName"), new ArrayList<>(List.of(templateData(p))));
                return Reply.ok(templateXml(p.get("LaunchTemplateName"), launchTemplates.get(p.get("LaunchTemplateName")))
                        .replace("<item>", "<launchTemplate>").replace("</item>", "</launchTemplate>"));
            case "CreateLaunchTemplateVersion":
                launchTemplates.get(p.get("LaunchTemplateName")).add(templateData(p));
                return Reply.ok("<launchTemplateVersion><versionNumber>" + launchTemplates.get(
                        p.get("LaunchTemplateName")).size() + "</versionNumber></launchTemplateVersion>");
            case "DescribeLaunchTemplateVersions": {
                List<Map<String, String>> versions = launchTemplates.get(p.get("LaunchTemplateName"));
                if (versions == null) {
                    return queryError(400, "InvalidLaunchTemplateName.NotFoundException", "no such template", true);
                }
                Map<String, String> d = versions.get(versions.size() - 1);
                return Reply.ok("<launchTemplateVersionSet><item><launchTemplateName>" + x(p.get("LaunchTemplateName"))
                        + "</launchTemplateName><versionNumber>" + versions.size() + "</versionNumber>"
                        + "<launchTemplateData><imageId>" + x(d.get("image")) + "</imageId><instanceType>"
                        + x(d.get("type")) + "</instanceType><iamInstanceProfile><name>" + x(d.get("profile"))
                        + "</name></iamInstanceProfile><securityGroupIdSet><item>" + x(d.get("sg"))
                        + "</item></securityGroupIdSet><userData>" + x(d.get("userData")) + "</userData>"
                        + "</launchTemplateData></item></launchTemplateVersionSet>");
            }
            case "DeleteLaunchTemplate":
                launchTemplates.keySet().removeIf(name -> ("lt-" + name).equals(p.get("LaunchTemplateId")));
                return Reply.ok("<launchTemplate><launchTemplateId>" + x(p.get("LaunchTemplateId"))
                        + "</launchTemplateId></launchTemplate>");
            default:
                throw new IllegalArgumentException("the fake EC2 does not know " + action);
        }
    }

    private Map<String, String> templateData(Map<String, String> p) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("image", p.get("LaunchTemplateData.ImageId"));
        d.put("type", p.get("LaunchTemplateData.InstanceType"));
        d.put("profile", p.get("LaunchTemplateData.IamInstanceProfile.Name"));
        d.put("sg", p.get("LaunchTemplateData.SecurityGroupId.1"));
        d.put("userData", p.get("LaunchTemplateData.UserData"));
        d.put("httpTokens", p.get("LaunchTemplateData.MetadataOptions.HttpTokens"));
        return d;
    }

    private String templateXml(String name, List<Map<String, String>> versions) {
        return "<item><launchTemplateId>lt-" + x(name) + "</launchTemplateId><launchTemplateName>" + x(name)
                + "</launchTemplateName><latestVersionNumber>" + versions.size() + "</latestVersionNumber>"
                + "<defaultVersionNumber>1</defaultVersionNumber></item>";
    }

    private String groupXml(Map<String, String> g) {
        String permissions = "";
        if (g.containsKey("rule")) {
            String[] r = g.get("rule").split(" ");
            permissions = "<item><ipProtocol>" + r[0] + "</ipProtocol><fromPort>" + r[1] + "</fromPort><toPort>" + r[2]
                    + "</toPort><ipRanges><item><cidrIp>" + x(r[3]) + "</cidrIp></item></ipRanges></item>";
        }
        return "<item><ownerId>" + ACCOUNT + "</ownerId><groupId>" + g.get("id") + "</groupId><groupName>"
                + x(g.get("name")) + "</groupName><vpcId>" + x(g.get("vpc")) + "</vpcId><ipPermissions>" + permissions
                + "</ipPermissions></item>";
    }

    private Reply autoScaling(String action, Map<String, String> p) {
        String name = p.get("AutoScalingGroupName");
        switch (action) {
            case "DescribeAutoScalingGroups":
                return Reply.ok("<AutoScalingGroups>" + groups.entrySet().stream()
                        .filter(e -> e.getKey().equals(p.get("AutoScalingGroupNames.member.1")))
                        .map(e -> groupXml(e.getKey(), e.getValue())).collect(Collectors.joining())
                        + "</AutoScalingGroups>");
            case "CreateAutoScalingGroup": {
                if (groups.containsKey(name)) {
                    return queryError(400, "AlreadyExists", "AutoScalingGroup by this name already exists", false);
                }
                Map<String, String> g = new LinkedHashMap<>();
                g.put("min", p.get("MinSize"));
                g.put("max", p.get("MaxSize"));
                g.put("desired", p.getOrDefault("DesiredCapacity", p.get("MinSize"))); // AWS: desired defaults to min
                g.put("subnets", p.get("VPCZoneIdentifier"));
                g.put("template", p.get("LaunchTemplate.LaunchTemplateName"));
                g.put("tags", memberTags(p, "Tags"));
                groups.put(name, g);
                return Reply.ok("");
            }
            case "UpdateAutoScalingGroup": {
                Map<String, String> g = groups.get(name);
                g.put("min", p.get("MinSize"));
                g.put("max", p.get("MaxSize"));
                g.put("subnets", p.get("VPCZoneIdentifier"));
                return Reply.ok("");
            }
            case "EnableMetricsCollection":
                groups.get(name).put("metrics", p.get("Metrics.member.1"));
                return Reply.ok("");
            case "DeleteAutoScalingGroup":
                groups.remove(name);
                policies.keySet().removeIf(k -> k.startsWith(name + "/"));
                return Reply.ok("");
            case "PutScalingPolicy": {
                String arn = "arn:aws:autoscaling:us-east-1:" + ACCOUNT + ":scalingPolicy:" + name + "/"
                        + p.get("PolicyName");
                Map<String, String> stored = new LinkedHashMap<>(p);
                stored.put("arn", arn);
                policies.put(name + "/" + p.get("PolicyName"), stored);
                return Reply.ok("<PolicyARN>" + x(arn) + "</PolicyARN>");
            }
            case "DescribePolicies":
                return Reply.ok("<ScalingPolicies>" + policies.entrySet().stream()
                        .filter(e -> e.getKey().equals(name + "/" + p.get("PolicyNames.member.1")))
                        .map(e -> policyXml(e.getValue())).collect(Collectors.joining()) + "</ScalingPolicies>");
            case "DeletePolicy":
                policies.remove(name + "/" + p.get("PolicyName"));
                return Reply.ok("");
            default:
                throw new IllegalArgumentException("the fake Auto Scaling does not know " + action);
        }
    }

    private String groupXml(String name, Map<String, String> g) {
        return "<member><AutoScalingGroupName>" + x(name) + "</AutoScalingGroupName><MinSize>" + g.get("min")
                + "</MinSize><MaxSize>" + g.get("max") + "</MaxSize><DesiredCapacity>" + g.get("desired")
                + "</DesiredCapacity><VPCZoneIdentifier>" + x(g.get("subnets")) + "</VPCZoneIdentifier>"
                + "<LaunchTemplate><LaunchTemplateName>" + x(g.get("template")) + "</LaunchTemplateName>"
                + "<Version>$Latest</Version></LaunchTemplate><Instances>"
                + "<member><InstanceId>i-1</InstanceId><LifecycleState>InService</LifecycleState></member></Instances>"
                + "<Tags>" + g.get("tags") + "</Tags>"
                + "<EnabledMetrics>" + (g.containsKey("metrics") ? "<member><Metric>" + g.get("metrics")
                + "</Metric><Granularity>1Minute</Granularity></member>" : "") + "</EnabledMetrics></member>";
    }

    private String policyXml(Map<String, String> p) {
        StringBuilder steps = new StringBuilder();
        for (int i = 1; p.containsKey("StepAdjustments.member." + i + ".ScalingAdjustment"); i++) {
            String prefix = "StepAdjustments.member." + i + ".";
            steps.append("<member>");
            if (p.containsKey(prefix + "MetricIntervalLowerBound")) {
                steps.append("<MetricIntervalLowerBound>").append(p.get(prefix + "MetricIntervalLowerBound"))
                        .append("</MetricIntervalLowerBound>");
            }
            if (p.containsKey(prefix + "MetricIntervalUpperBound")) {
                steps.append("<MetricIntervalUpperBound>").append(p.get(prefix + "MetricIntervalUpperBound"))
                        .append("</MetricIntervalUpperBound>");
            }
            steps.append("<ScalingAdjustment>").append(p.get(prefix + "ScalingAdjustment"))
                    .append("</ScalingAdjustment></member>");
        }
        return "<member><AutoScalingGroupName>" + x(p.get("AutoScalingGroupName")) + "</AutoScalingGroupName>"
                + "<PolicyName>" + x(p.get("PolicyName")) + "</PolicyName><PolicyARN>" + x(p.get("arn"))
                + "</PolicyARN><PolicyType>StepScaling</PolicyType><AdjustmentType>ChangeInCapacity</AdjustmentType>"
                + "<StepAdjustments>" + steps + "</StepAdjustments></member>";
    }

    // ---------------------------------------------------------------- CloudWatch, RPC v2 CBOR

    @SuppressWarnings("unchecked")
    private void cloudWatch(HttpExchange exchange, String operation, byte[] body) throws IOException {
        Map<String, Object> p = body.length == 0 ? Map.of() : CBOR.readValue(body, Map.class);
        calls.add(new Call("cloudwatch", operation, p));
        Map<String, Object> reply = new LinkedHashMap<>();
        switch (operation) {
            case "PutMetricAlarm" -> {
                Map<String, Object> alarm = new LinkedHashMap<>(p);
                alarm.put("AlarmArn", "arn:aws:cloudwatch:us-east-1:" + ACCOUNT + ":alarm:" + p.get("AlarmName"));
                alarm.put("StateValue", "INSUFFICIENT_DATA");
                alarm.remove("Tags");
                alarms.put((String) p.get("AlarmName"), alarm);
            }
            case "DescribeAlarms" -> reply.put("MetricAlarms", ((List<String>) p.getOrDefault("AlarmNames", List.of()))
                    .stream().filter(alarms::containsKey).map(alarms::get).toList());
            case "DeleteAlarms" -> ((List<String>) p.get("AlarmNames")).forEach(alarms::remove);
            case "PutDashboard" -> {
                dashboards.put((String) p.get("DashboardName"), (String) p.get("DashboardBody"));
                reply.put("DashboardValidationMessages", List.of());
            }
            case "GetDashboard" -> {
                String dashboard = dashboards.get((String) p.get("DashboardName"));
                if (dashboard == null) {
                    cbor(exchange, 404, Map.of("__type", "com.amazonaws.cloudwatch#DashboardNotFoundError",
                            "message", "Dashboard " + p.get("DashboardName") + " does not exist"));
                    return;
                }
                reply.put("DashboardName", p.get("DashboardName"));
                reply.put("DashboardBody", dashboard);
                reply.put("DashboardArn", "arn:aws:cloudwatch::" + ACCOUNT + ":dashboard/" + p.get("DashboardName"));
            }
            case "DeleteDashboards" -> ((List<String>) p.get("DashboardNames")).forEach(dashboards::remove);
            default -> throw new IllegalArgumentException("the fake CloudWatch does not know " + operation);
        }
        cbor(exchange, 200, reply);
    }

    private void cbor(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
        send(exchange, status, "application/cbor", CBOR.writeValueAsBytes(body));
    }

    // ---------------------------------------------------------------- helpers

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.getResponseHeaders().add("x-amzn-RequestId", "r");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                Function<String, String> decode = s -> URLDecoder.decode(s, StandardCharsets.UTF_8);
                params.put(decode.apply(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode.apply(pair.substring(eq + 1)));
            }
        }
        return params;
    }

    /** EC2 filters: Filter.N.Name / Filter.N.Value.1. */
    private static Map<String, String> filters(Map<String, String> p) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (int i = 1; p.containsKey("Filter." + i + ".Name"); i++) {
            filters.put(p.get("Filter." + i + ".Name"), p.get("Filter." + i + ".Value.1"));
        }
        return filters;
    }

    private static String tagValue(Map<String, String> p, String prefix, String key) {
        for (int i = 1; p.containsKey(prefix + ".Tag." + i + ".Key"); i++) {
            if (p.get(prefix + ".Tag." + i + ".Key").equals(key)) {
                return p.get(prefix + ".Tag." + i + ".Value");
            }
        }
        return null;
    }

    private static String x(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
