package eic.infra.stack;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * What {@code plan} checks of the deployment's subnets before anything is created, from the
 * VPC's own route tables: the load balancer's subnets are public (a default route to an
 * internet gateway) in two zones or more, and the instances' subnets reach AWS's services -
 * through a NAT gateway, or through an internet gateway with public addresses (the subnet's,
 * or the launch templates' when InstancePublicIps is true). One line each.
 */
final class SubnetCheck {
    /** One line to print; {@code fatal}: the stack would not work, so nothing is planned. */
    record Finding(boolean fatal, String line) {
    }

    private SubnetCheck() {
    }

    static List<Finding> check(Ec2Client ec2, Map<String, String> parameters) {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        roles.put("PublicSubnets", split(parameters.get("PublicSubnets")));
        roles.put("WebSubnets", split(parameters.get("WebSubnets")));
        roles.put("WorkerSubnets", split(parameters.get("WorkerSubnets")));
        Set<String> all = new HashSet<>();
        roles.values().forEach(all::addAll);
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        ec2.describeSubnets(b -> b.subnetIds(all)).subnets().forEach(s -> subnets.put(s.subnetId(), s));
        String vpc = parameters.get("VpcId");
        boolean publicIps = "true".equals(parameters.get("InstancePublicIps"));
        List<RouteTable> tables = ec2.describeRouteTables(b -> b.filters(Filter.builder().name("vpc-id").values(vpc)
                .build())).routeTables();
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, List<String>> role : roles.entrySet()) {
            boolean loadBalancer = role.getKey().equals("PublicSubnets");
            Set<String> zones = new HashSet<>();
            for (String id : role.getValue()) {
                Subnet subnet = subnets.get(id);
                if (subnet == null || !vpc.equals(subnet.vpcId())) {
                    findings.add(new Finding(true, role.getKey() + ": " + id + " is not a subnet of " + vpc));
                    continue;
                }
                zones.add(subnet.availabilityZone());
                Optional<Route> out = defaultRoute(tables, id);
                String gateway = out.map(r -> r.gatewayId() != null ? r.gatewayId() : r.natGatewayId() != null
                        ? r.natGatewayId() : String.valueOf(r.transitGatewayId())).orElse("");
                if (loadBalancer && !gateway.startsWith("igw-")) {
                    findings.add(new Finding(true, role.getKey() + ": " + id + " has no route to an internet gateway: "
                            + "an internet-facing load balancer there cannot be reached (give public subnets)"));
                } else if (!loadBalancer && gateway.startsWith("igw-") && !publicIps && !Boolean.TRUE.equals(
                        subnet.mapPublicIpOnLaunch())) {
                    findings.add(new Finding(true, role.getKey() + ": " + id + " routes out through " + gateway
                            + " but gives its instances no public address: they could not reach S3 or SQS (use "
                            + "private subnets behind a NAT gateway, or EIC_DEPLOY_INSTANCE_PUBLIC_IPS=true)"));
                } else if (!loadBalancer && out.isEmpty()) {
                    findings.add(new Finding(false, role.getKey() + ": " + id + " has no route out: its instances "
                            + "reach AWS only through VPC endpoints (S3, SQS, CloudWatch, Logs, Secrets Manager, "
                            + "Auto Scaling, CloudFormation)"));
                }
            }
            if (loadBalancer && zones.size() < 2) {
                findings.add(new Finding(true, role.getKey() + ": the load balancer needs subnets in two zones or "
                        + "more, these are in " + zones.size()));
            }
        }
        return findings;
    }

    /** The subnet's route to 0.0.0.0/0: in its own route table, else the VPC's main one. */
    private static Optional<Route> defaultRoute(List<RouteTable> tables, String subnet) {
        Optional<RouteTable> table = tables.stream().filter(t -> t.associations().stream()
                .anyMatch(a -> subnet.equals(a.subnetId()))).findFirst()
                .or(() -> tables.stream().filter(t -> t.associations().stream()
                        .anyMatch(a -> Boolean.TRUE.equals(a.main()))).findFirst());
        return table.flatMap(t -> t.routes().stream().filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock()))
                .findFirst());
    }

    private static List<String> split(String list) {
        return List.of(list.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
