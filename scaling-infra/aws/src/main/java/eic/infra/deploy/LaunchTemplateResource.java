package eic.infra.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateHttpTokensState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateTagSpecificationRequest;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * A tier's launch template: the AMI, instance type, role, security group and user data.
 * A change adds a version; the group launches {@code $Latest}.
 */
final class LaunchTemplateResource implements Resource {
    private final DeploySpec spec;
    private final Ec2Client ec2;
    private final String name;
    private final String ami;
    private final String instanceType;
    private final String instanceProfile;
    private final SecurityGroupResource securityGroup;
    private final String userData;

    LaunchTemplateResource(DeploySpec spec, Ec2Client ec2, String name, String ami, String instanceType,
                           String instanceProfile, SecurityGroupResource securityGroup, String userData) {
        this.spec = spec;
        this.ec2 = ec2;
        this.name = name;
        this.ami = ami;
        this.instanceType = instanceType;
        this.instanceProfile = instanceProfile;
        this.securityGroup = securityGroup;
        this.userData = UserData.base64(userData);
    }

    @Override
    public String describe() {
        return "launch template " + name + " (" + ami + ", " + instanceType + ")";
    }

    @Override
    public Change plan() {
        if (find().isEmpty()) {
            return Change.create("profile " + instanceProfile, "IMDSv2 only");
        }
        ResponseLaunchTemplateData latest = latest();
        List<String> differences = new ArrayList<>();
        Change.compare(differences, "image", latest.imageId(), ami);
        Change.compare(differences, "instance type", latest.instanceTypeAsString(), instanceType);
        Change.compare(differences, "instance profile", latest.iamInstanceProfile() == null ? null
                : latest.iamInstanceProfile().name(), instanceProfile);
        Change.compare(differences, "security groups", latest.securityGroupIds(),
                securityGroup.id().map(List::of).orElse(List.of()));
        if (!userData.equals(latest.userData())) {
            differences.add("user data: changed");
        }
        return Change.of(differences);
    }

    @Override
    public void apply(Change change) {
        String groupId = securityGroup.id().orElseThrow(() -> new IllegalStateException(
                "security group of " + name + " does not exist; deploy creates it first"));
        RequestLaunchTemplateData data = RequestLaunchTemplateData.builder()
                .imageId(ami).instanceType(instanceType)
                .iamInstanceProfile(p -> p.name(instanceProfile))
                .securityGroupIds(groupId)
                .userData(userData)
                .metadataOptions(m -> m.httpTokens(LaunchTemplateHttpTokensState.REQUIRED))
                .tagSpecifications(LaunchTemplateTagSpecificationRequest.builder().resourceType(ResourceType.INSTANCE)
                        .tags(tags()).build())
                .build();
        if (find().isEmpty()) {
            ec2.createLaunchTemplate(b -> b.launchTemplateName(name).launchTemplateData(data)
                    .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.LAUNCH_TEMPLATE)
                            .tags(tags()).build()));
        } else {
            ec2.createLaunchTemplateVersion(b -> b.launchTemplateName(name).launchTemplateData(data)
                    .versionDescription("deploy"));
        }
    }

    @Override
    public String destroy() {
        Optional<LaunchTemplate> template = find();
        template.ifPresent(t -> ec2.deleteLaunchTemplate(b -> b.launchTemplateId(t.launchTemplateId())));
        return template.isPresent() ? describe() : null;
    }

    @Override
    public String status() {
        return describe() + ": " + find().map(t -> "version " + t.latestVersionNumber()).orElse("absent");
    }

    private Optional<LaunchTemplate> find() {
        return ec2.describeLaunchTemplates(b -> b.filters(
                        Filter.builder().name("launch-template-name").values(name).build(),
                        Filter.builder().name("tag:" + DeploySpec.STACK_TAG).values(spec.prefix()).build()))
                .launchTemplates().stream().findFirst();
    }

    private ResponseLaunchTemplateData latest() {
        return ec2.describeLaunchTemplateVersions(b -> b.launchTemplateName(name).versions("$Latest"))
                .launchTemplateVersions().get(0).launchTemplateData();
    }

    private List<Tag> tags() {
        return List.of(Tag.builder().key("Name").value(name).build(),
                Tag.builder().key(DeploySpec.STACK_TAG).value(spec.prefix()).build());
    }
}
