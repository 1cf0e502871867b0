package eic.infra.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** A tier's security group: the web port from one CIDR, or (workers) no inbound at all. */
final class SecurityGroupResource implements Resource {
    private final DeploySpec spec;
    private final Ec2Client ec2;
    private final String name;
    private final Integer port;

    /** @param port the one inbound TCP port (from the spec's web CIDR), or null for none */
    SecurityGroupResource(DeploySpec spec, Ec2Client ec2, String name, Integer port) {
        this.spec = spec;
        this.ec2 = ec2;
        this.name = name;
        this.port = port;
    }

    @Override
    public String describe() {
        return "security group " + name + " (" + wanted() + ")";
    }

    @Override
    public Change plan() {
        Optional<SecurityGroup> group = find();
        if (group.isEmpty()) {
            return Change.create("in " + spec.vpcId());
        }
        List<String> differences = new ArrayList<>();
        Change.compare(differences, "inbound", rules(group.get().ipPermissions()), wanted());
        return Change.of(differences);
    }

    @Override
    public void apply(Change change) {
        Optional<SecurityGroup> group = find();
        String id;
        if (group.isEmpty()) {
            id = ec2.createSecurityGroup(b -> b.groupName(name).vpcId(spec.vpcId())
                    .description("EIC " + name + ": " + wanted())
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SECURITY_GROUP)
                            .tags(tags()).build())).groupId();
        } else {
            id = group.get().groupId();
            if (!group.get().ipPermissions().isEmpty()) {
                ec2.revokeSecurityGroupIngress(b -> b.groupId(id).ipPermissions(group.get().ipPermissions()));
            }
        }
        if (port != null) {
            IpPermission web = IpPermission.builder().ipProtocol("tcp").fromPort(port).toPort(port)
                    .ipRanges(IpRange.builder().cidrIp(spec.webCidr()).description("EIC web tier").build()).build();
            ec2.authorizeSecurityGroupIngress(b -> b.groupId(id).ipPermissions(web));
        }
    }

    @Override
    public String destroy() {
        Optional<SecurityGroup> group = find();
        group.ifPresent(g -> ec2.deleteSecurityGroup(b -> b.groupId(g.groupId())));
        return group.isPresent() ? describe() : null;
    }

    @Override
    public String status() {
        return describe() + ": " + find().map(SecurityGroup::groupId).orElse("absent");
    }

    /** The group's id, for the launch templates; empty until it exists. */
    Optional<String> id() {
        return find().map(SecurityGroup::groupId);
    }

    private Optional<SecurityGroup> find() {
        return ec2.describeSecurityGroups(b -> b.filters(
                        Filter.builder().name("vpc-id").values(spec.vpcId()).build(),
                        Filter.builder().name("group-name").values(name).build(),
                        Filter.builder().name("tag:" + DeploySpec.STACK_TAG).values(spec.prefix()).build()))
                .securityGroups().stream().findFirst();
    }

    private String wanted() {
        return port == null ? "no inbound" : "tcp " + port + " from " + spec.webCidr();
    }

    private static String rules(List<IpPermission> permissions) {
        if (permissions.isEmpty()) {
            return "no inbound";
        }
        return String.join(", ", permissions.stream().flatMap(p -> p.ipRanges().stream()
                .map(r -> p.ipProtocol() + " " + (p.fromPort().equals(p.toPort()) ? p.fromPort()
                        : p.fromPort() + "-" + p.toPort()) + " from " + r.cidrIp()))
                .toList());
    }

    private List<Tag> tags() {
        return List.of(Tag.builder().key("Name").value(name).build(),
                Tag.builder().key(DeploySpec.STACK_TAG).value(spec.prefix()).build());
    }
}
