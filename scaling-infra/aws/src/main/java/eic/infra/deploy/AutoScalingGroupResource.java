package eic.infra.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Tag;

/**
 * A tier's Auto Scaling group over the chosen subnets: the workers 1..20 with group
 * metrics on (the alarms read GroupInServiceInstances), the web tier 1..1, which replaces
 * an unhealthy web instance like any other.
 */
final class AutoScalingGroupResource implements Resource {
    static final List<String> GROUP_METRICS = List.of("GroupInServiceInstances", "GroupDesiredCapacity",
            "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances");
    private static final Duration DELETE_WAIT = Duration.ofMinutes(10);
    private static final Duration DELETE_POLL = Duration.ofSeconds(10);

    private final DeploySpec spec;
    private final AutoScalingClient autoScaling;
    private final String name;
    private final String launchTemplate;
    private final int min;
    private final int max;

    AutoScalingGroupResource(DeploySpec spec, AutoScalingClient autoScaling, String name, String launchTemplate,
                             int min, int max) {
        this.spec = spec;
        this.autoScaling = autoScaling;
        this.name = name;
        this.launchTemplate = launchTemplate;
        this.min = min;
        this.max = max;
    }

    @Override
    public String describe() {
        return "auto scaling group " + name + " (" + min + ".." + max + ")";
    }

    @Override
    public Change plan() {
        Optional<AutoScalingGroup> group = find();
        if (group.isEmpty()) {
            return Change.create("subnets " + subnets(), "launch template " + launchTemplate + " $Latest",
                    "group metrics " + String.join(", ", GROUP_METRICS));
        }
        List<String> differences = new ArrayList<>();
        Change.compare(differences, "min", group.get().minSize(), min);
        Change.compare(differences, "max", group.get().maxSize(), max);
        Change.compare(differences, "subnets", group.get().vpcZoneIdentifier(), subnets());
        Change.compare(differences, "launch template", group.get().launchTemplate() == null ? null
                : group.get().launchTemplate().launchTemplateName(), launchTemplate);
        if (group.get().enabledMetrics().isEmpty()) {
            differences.add("group metrics: off -> on");
        }
        return Change.of(differences);
    }

    @Override
    public void apply(Change change) {
        Optional<AutoScalingGroup> group = find();
        if (group.isEmpty()) {
            autoScaling.createAutoScalingGroup(b -> b.autoScalingGroupName(name)
                    .launchTemplate(t -> t.launchTemplateName(launchTemplate).version("$Latest"))
                    .minSize(min).maxSize(max).desiredCapacity(min)
                    .vpcZoneIdentifier(subnets())
                    .healthCheckType("EC2").healthCheckGracePeriod(120)
                    .tags(tag("Name", name), tag(DeploySpec.STACK_TAG, spec.prefix())));
        } else {
            autoScaling.updateAutoScalingGroup(b -> b.autoScalingGroupName(name)
                    .launchTemplate(t -> t.launchTemplateName(launchTemplate).version("$Latest"))
                    .minSize(min).maxSize(max).vpcZoneIdentifier(subnets()));
        }
        if (group.isEmpty() || group.get().enabledMetrics().isEmpty()) {
            autoScaling.enableMetricsCollection(b -> b.autoScalingGroupName(name).granularity("1Minute")
                    .metrics(GROUP_METRICS));
        }
    }

    /** Terminates the instances with the group and waits until it is gone, so what it used can be deleted. */
    @Override
    public String destroy() {
        if (find().isEmpty()) {
            return null;
        }
        autoScaling.deleteAutoScalingGroup(b -> b.autoScalingGroupName(name).forceDelete(true));
        long deadline = System.nanoTime() + DELETE_WAIT.toNanos();
        while (find().isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " is still being deleted after " + DELETE_WAIT.toMinutes()
                        + " minutes; run destroy again later");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(DELETE_POLL.toMillis()); // AWS takes minutes to terminate instances
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name + " to be deleted", e);
            }
        }
        return describe();
    }

    @Override
    public String status() {
        return describe() + ": " + find().map(g -> g.instances().stream()
                .filter(i -> "InService".equals(i.lifecycleStateAsString())).count() + " in service, desired "
                + g.desiredCapacity()).orElse("absent");
    }

    private Optional<AutoScalingGroup> find() {
        return autoScaling.describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)).autoScalingGroups().stream()
                .findFirst().map(g -> StackTags.owned(spec, "auto scaling group " + name, g, g.tags().stream()
                        .anyMatch(t -> DeploySpec.STACK_TAG.equals(t.key()) && spec.prefix().equals(t.value()))));
    }

    private String subnets() {
        return String.join(",", spec.subnets());
    }

    private Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).propagateAtLaunch(true).resourceId(name)
                .resourceType("auto-scaling-group").build();
    }
}
