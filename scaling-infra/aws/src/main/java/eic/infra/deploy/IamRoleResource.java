package eic.infra.deploy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;

/** A tier's role: trusted by EC2, one inline least-privilege policy, and its instance profile. */
final class IamRoleResource implements Resource {
    static final String POLICY_NAME = "eic-access";
    static final String PATH = "/eic/";

    private final DeploySpec spec;
    private final IamClient iam;
    private final String name;
    private final String policy;

    IamRoleResource(DeploySpec spec, IamClient iam, String name, String policy) {
        this.spec = spec;
        this.iam = iam;
        this.name = name;
        this.policy = policy;
    }

    @Override
    public String describe() {
        return "iam role " + name + " (+ instance profile, policy " + POLICY_NAME + ")";
    }

    @Override
    public Change plan() {
        if (!roleExists()) {
            return Change.create(statements(policy) + " policy statements");
        }
        List<String> differences = new ArrayList<>();
        Optional<String> actual = inlinePolicy();
        if (actual.isEmpty()) {
            differences.add("policy " + POLICY_NAME + ": missing");
        } else if (!Change.sameJson(actual.get(), policy)) {
            differences.add("policy " + POLICY_NAME + ": differs from the wanted " + statements(policy) + " statements");
        }
        Optional<InstanceProfile> profile = profile();
        if (profile.isEmpty()) {
            differences.add("instance profile: missing");
        } else if (profile.get().roles().stream().noneMatch(r -> r.roleName().equals(name))) {
            differences.add("instance profile: role not attached");
        }
        return Change.of(differences);
    }

    @Override
    public void apply(Change change) {
        if (!roleExists()) {
            iam.createRole(b -> b.roleName(name).path(PATH).assumeRolePolicyDocument(IamDocuments.assumeByEc2())
                    .description("EIC " + name).tags(Tag.builder().key(DeploySpec.STACK_TAG).value(spec.prefix()).build()));
        }
        Optional<String> actual = inlinePolicy();
        if (actual.isEmpty() || !Change.sameJson(actual.get(), policy)) {
            iam.putRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME).policyDocument(policy));
        }
        Optional<InstanceProfile> profile = profile();
        if (profile.isEmpty()) {
            iam.createInstanceProfile(b -> b.instanceProfileName(name).path(PATH)
                    .tags(Tag.builder().key(DeploySpec.STACK_TAG).value(spec.prefix()).build()));
        }
        if (profile.isEmpty() || profile.get().roles().stream().noneMatch(r -> r.roleName().equals(name))) {
            iam.addRoleToInstanceProfile(b -> b.instanceProfileName(name).roleName(name));
        }
    }

    @Override
    public String destroy() {
        boolean deleted = false;
        Optional<InstanceProfile> profile = profile();
        if (profile.isPresent()) {
            profile.get().roles().forEach(r -> iam.removeRoleFromInstanceProfile(b -> b.instanceProfileName(name)
                    .roleName(r.roleName())));
            iam.deleteInstanceProfile(b -> b.instanceProfileName(name));
            deleted = true;
        }
        if (roleExists()) {
            if (inlinePolicy().isPresent()) {
                iam.deleteRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME));
            }
            iam.deleteRole(b -> b.roleName(name));
            deleted = true;
        }
        return deleted ? describe() : null;
    }

    @Override
    public String status() {
        return describe() + ": " + (roleExists() ? "present" : "absent");
    }

    private boolean roleExists() {
        try {
            var role = iam.getRole(b -> b.roleName(name)).role();
            return StackTags.owned(spec, "iam role " + name, true, role.tags().stream()
                    .anyMatch(t -> DeploySpec.STACK_TAG.equals(t.key()) && spec.prefix().equals(t.value())));
        } catch (NoSuchEntityException e) {
            return false;
        }
    }

    /** IAM hands policy documents back URL-encoded. */
    private Optional<String> inlinePolicy() {
        try {
            return Optional.of(URLDecoder.decode(iam.getRolePolicy(b -> b.roleName(name).policyName(POLICY_NAME))
                    .policyDocument(), StandardCharsets.UTF_8));
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }

    private Optional<InstanceProfile> profile() {
        try {
            return Optional.of(iam.getInstanceProfile(b -> b.instanceProfileName(name)).instanceProfile());
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }

    private static int statements(String document) {
        return Change.json(document).path("Statement").size();
    }
}
