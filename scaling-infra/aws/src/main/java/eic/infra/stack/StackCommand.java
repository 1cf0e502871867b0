package eic.infra.stack;

import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.aws.QueueDepth;
import eic.common.config.Env;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.cloudformation.waiters.CloudFormationWaiter;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code scaling-infra aws plan|deploy|status|destroy} on one CloudFormation stack: plan
 * creates a change set and prints it, deploy executes one and follows the stack's events
 * until it is done (a rollback said as such), status reads the stack, its groups and its
 * queue, destroy deletes the stack and keeps the data (buckets, queues and the log group are
 * retained) unless asked to delete it too, then or later. Nothing but the stack's is ever touched.
 */
public final class StackCommand implements AutoCloseable {
    /** What the command does. */
    public enum Action { plan, deploy, status, destroy }

    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofMinutes(45);

    private final StackSettings settings;
    private final AwsClients aws;
    private final CloudFormationClient cfn;
    private final AutoScalingClient autoscaling;
    private final CloudWatchClient cloudwatch;
    private final CloudWatchLogsClient logs;
    private final Ec2Client ec2;
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();

    public StackCommand(StackSettings settings, String region, PrintStream out) {
        this.settings = settings;
        this.aws = new AwsClients(new AwsSettings(Optional.of(region), settings.endpoint("s3"), settings.endpoint("sqs"),
                8, Duration.ofSeconds(35), Optional.empty()));
        this.cfn = aws.client(CloudFormationClient.builder(), settings.endpoint("cloudformation"));
        this.autoscaling = aws.client(AutoScalingClient.builder(), settings.endpoint("autoscaling"));
        this.cloudwatch = aws.client(CloudWatchClient.builder(), settings.endpoint("cloudwatch"));
        this.logs = aws.client(CloudWatchLogsClient.builder(), settings.endpoint("logs"));
        this.ec2 = aws.client(Ec2Client.builder(), settings.endpoint("ec2"));
        this.out = out;
    }

    /** @return the exit code: 0 done, 1 failed or rolled back, 2 missing settings */
    public static int run(Action action, boolean deleteData, Env env, PrintStream out) throws InterruptedException {
        StackSettings settings;
        try {
            settings = StackSettings.from(env);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return 2;
        }
        try (StackCommand command = new StackCommand(settings, settings.region(), out)) {
            if ((action == Action.plan || action == Action.deploy) && !command.subnetsServe()) {
                return 2;
            }
            return switch (action) {
                case plan -> {
                    command.plan(WorkerStack.defaults().render(), false);
                    yield 0;
                }
                case deploy -> command.deploy(WorkerStack.defaults().render());
                case status -> command.status();
                case destroy -> command.destroy(deleteData);
            };
        }
    }

    /**
     * The subnets checked against the VPC's routes (SubnetCheck), one line each; false when the
     * stack could not work there. Credentials that may not describe the VPC: said, and not checked.
     */
    boolean subnetsServe() {
        List<SubnetCheck.Finding> findings;
        try {
            findings = SubnetCheck.check(ec2, settings.parameters());
        } catch (SdkException e) {
            out.println("subnets: not checked (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return true;
        }
        findings.forEach(f -> out.println((f.fatal() ? "subnets, cannot work: " : "subnets, note: ") + f.line()));
        if (findings.isEmpty()) {
            out.println("subnets: the load balancer's are public in two zones or more, the instances' reach out");
        }
        return findings.stream().noneMatch(SubnetCheck.Finding::fatal);
    }

    /**
     * Creates a change set and prints it. Unless {@code keep}, the set is removed again (and the
     * empty stack a first plan makes), so a plan changes nothing. Empty when nothing would change.
     */
    public Optional<String> plan(Template template, boolean keep) throws InterruptedException {
        Optional<Stack> existing = stack();
        boolean create = existing.isEmpty() || "REVIEW_IN_PROGRESS".equals(existing.get().stackStatusAsString());
        String name = "eic-" + clock.millis();
        cfn.createChangeSet(b -> b.stackName(settings.stackName()).changeSetName(name)
                .changeSetType(create ? ChangeSetType.CREATE : ChangeSetType.UPDATE)
                .templateBody(template.toJson())
                .parameters(settings.parameters().entrySet().stream().map(p -> Parameter.builder()
                        .parameterKey(p.getKey()).parameterValue(p.getValue()).build()).toList())
                .capabilities(Capability.CAPABILITY_IAM));
        DescribeChangeSetResponse set = awaitChangeSet(name);
        String reason = String.valueOf(set.statusReason());
        if ("FAILED".equals(set.statusAsString()) || set.changes().isEmpty()) {
            if (set.changes().isEmpty() || reason.contains("didn't contain changes") || reason.contains("No updates")) {
                cfn.deleteChangeSet(b -> b.stackName(settings.stackName()).changeSetName(name));
                if (create) {
                    cfn.deleteStack(b -> b.stackName(settings.stackName()));
                }
                out.println("stack " + settings.stackName() + ": no changes");
                return Optional.empty();
            }
            throw new IllegalStateException("the change set failed: " + reason);
        }
        out.println("stack " + settings.stackName() + (create ? " (new)" : "") + ": change set " + name);
        settings.access().forEach(out::println);
        int add = 0;
        int modify = 0;
        int remove = 0;
        for (Change change : set.changes()) {
            var r = change.resourceChange();
            String action = r.actionAsString();
            switch (action) {
                case "Add" -> add++;
                case "Remove" -> remove++;
                default -> modify++;
            }
            String symbol = switch (action) {
                case "Add" -> "+";
                case "Remove" -> "-";
                default -> "~";
            };
            String replacement = "Modify".equals(action) && r.replacementAsString() != null
                    ? "  (replacement: " + r.replacementAsString() + ")" : "";
            out.printf("  %s %-28s %s%s%n", symbol, r.logicalResourceId(), r.resourceType(), replacement);
        }
        out.printf("%d to add, %d to change, %d to remove%n", add, modify, remove);
        if (!keep) {
            cfn.deleteChangeSet(b -> b.stackName(settings.stackName()).changeSetName(name));
            if (create) {
                cfn.deleteStack(b -> b.stackName(settings.stackName())); // the placeholder of a new stack's change set
            }
        }
        return Optional.of(name);
    }

    /**
     * Plans, executes, and follows the events until the stack is done; after an update that gave
     * the workers a new launch template, refreshes the warm pool's stopped workers too.
     */
    public int deploy(Template template) throws InterruptedException {
        Optional<String> changeSet = plan(template, true);
        if (changeSet.isEmpty()) {
            return 0;
        }
        boolean newWorkerImage = WarmPoolRefresh.needed(cfn.describeChangeSet(b -> b.stackName(settings.stackName())
                .changeSetName(changeSet.get())).changes());
        Instant started = clock.instant().minusSeconds(1);
        cfn.executeChangeSet(b -> b.stackName(settings.stackName()).changeSetName(changeSet.get()));
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            List<StackEvent> events = new ArrayList<>(cfn.describeStackEvents(b -> b.stackName(settings.stackName()))
                    .stackEvents());
            events.sort(Comparator.comparing(StackEvent::timestamp));
            for (StackEvent e : events) {
                if (!e.timestamp().isBefore(started) && seen.add(e.eventId())) {
                    out.printf("  %-28s %-24s %s%n", e.logicalResourceId(), e.resourceStatusAsString(),
                            e.resourceStatusReason() == null ? "" : e.resourceStatusReason());
                }
            }
            String status = stack().map(Stack::stackStatusAsString).orElse("GONE");
            if (!status.endsWith("_IN_PROGRESS")) {
                boolean ok = status.equals("CREATE_COMPLETE") || status.equals("UPDATE_COMPLETE");
                if (ok) {
                    out.println("the API key: " + settings.readKeyCommand());
                }
                if (status.equals("UPDATE_COMPLETE") && newWorkerImage) {
                    ok &= WarmPoolRefresh.start(autoscaling, settings.stackName() + "-workers", out);
                }
                out.println("stack " + settings.stackName() + ": " + status + (ok ? "" : " (rolled back or failed)"));
                return ok ? 0 : 1;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis()); // CloudFormation is polled; it has no push for this
        }
        out.println("stack " + settings.stackName() + ": still in progress after " + PATIENCE);
        return 1;
    }

    /**
     * The stack's state and outputs (the URL among them), its groups' instances - ready (in
     * service) or warming (launched, the worker still loading its model) - its queue's depth
     * and its alarms' states.
     */
    public int status() {
        Optional<Stack> stack = stack();
        if (stack.isEmpty()) {
            out.println("stack " + settings.stackName() + ": does not exist");
            return 1;
        }
        out.println("stack " + settings.stackName() + ": " + stack.get().stackStatusAsString());
        stack.get().outputs().forEach(o -> out.printf("  %-16s %s%n", o.outputKey(), o.outputValue()));
        Map<String, String> resources = resources();
        for (String group : List.of("WorkerGroup", "WebGroup")) {
            String name = resources.get(group);
            if (name == null) {
                continue;
            }
            autoscaling.describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)).autoScalingGroups()
                    .forEach(g -> out.printf("  %s %s: desired %d (%d..%d), %d ready, %d warming, instances %s%n",
                            group, name, g.desiredCapacity(), g.minSize(), g.maxSize(),
                            g.instances().stream().filter(i -> i.lifecycleStateAsString().equals("InService")).count(),
                            g.instances().stream().filter(i -> i.lifecycleStateAsString().startsWith("Pending"))
                                    .count(),
                            g.instances().stream().map(i -> i.instanceId() + " " + i.lifecycleStateAsString() + " "
                                    + i.healthStatus()).collect(Collectors.joining(", ", "[", "]"))));
        }
        Optional.ofNullable(resources.get("RequestQueue")).ifPresent(url -> {
            QueueDepth depth = QueueDepth.read(aws.sqs(), url);
            out.printf("  requests: %d waiting, %d in work%n", depth.visible(), depth.inFlight());
        });
        alarms();
        return 0;
    }

    /** The states of the stack's alarms (named from it), those in ALARM first; best effort. */
    private void alarms() {
        try {
            List<MetricAlarm> alarms = cloudwatch.describeAlarmsPaginator(b -> b.alarmNamePrefix(
                    settings.stackName() + "-")).metricAlarms().stream()
                    .sorted(Comparator.comparing((MetricAlarm a) -> !"ALARM".equals(a.stateValueAsString()))
                            .thenComparing(MetricAlarm::alarmName)).toList();
            out.printf("  alarms: %s%n", alarms.isEmpty() ? "none found" : alarms.stream()
                    .map(a -> a.alarmName() + " " + a.stateValueAsString()).collect(Collectors.joining(", ")));
        } catch (SdkException e) {
            out.printf("  alarms: cannot be read (%s)%n", e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * Deletes the stack; its buckets, queues and log group stay unless {@code deleteData}. With
     * it - also after an earlier destroy that kept them - what the stack left is found by its
     * names and its tag and deleted, each said as it goes.
     */
    public int destroy(boolean deleteData) throws InterruptedException {
        if (stack().isEmpty()) {
            out.println("stack " + settings.stackName() + ": does not exist" + (deleteData
                    ? "; looking for the data it left" : ""));
            if (deleteData) {
                retained().delete(out);
            }
            return 0;
        }
        cfn.deleteStack(b -> b.stackName(settings.stackName()));
        try (CloudFormationWaiter waiter = waiter(PATIENCE)) {
            // done when the stack reads DELETE_COMPLETE or is gone; its failure states throw
            waiter.waitUntilStackDeleteComplete(b -> b.stackName(settings.stackName()));
        } catch (SdkClientException e) {
            out.println("stack " + settings.stackName() + ": not deleted (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")");
            return 1;
        }
        out.println("stack " + settings.stackName() + ": deleted");
        if (deleteData) {
            retained().delete(out);
        } else {
            out.println(retained().kept());
        }
        return 0;
    }

    private RetainedData retained() {
        return new RetainedData(settings.stackName(), aws, logs);
    }

    private Optional<Stack> stack() {
        try {
            return cfn.describeStacks(b -> b.stackName(settings.stackName())).stacks().stream().findFirst();
        } catch (CloudFormationException e) {
            if (String.valueOf(e.getMessage()).contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Physical ids by logical id. */
    private Map<String, String> resources() {
        return cfn.describeStackResources(b -> b.stackName(settings.stackName())).stackResources().stream()
                .filter(r -> r.physicalResourceId() != null)
                .collect(Collectors.toMap(StackResource::logicalResourceId, StackResource::physicalResourceId,
                        (a, b) -> a));
    }

    /**
     * The change set once CloudFormation has made it, or failed to (a set with nothing to change
     * fails too): the SDK's waiter, polling every 2 s rather than its default 30 s.
     */
    private DescribeChangeSetResponse awaitChangeSet(String name) {
        try (CloudFormationWaiter waiter = waiter(Duration.ofMinutes(5))) {
            waiter.waitUntilChangeSetCreateComplete(b -> b.stackName(settings.stackName()).changeSetName(name));
        } catch (SdkClientException e) {
            // the waiter's failure state: FAILED, which the caller reads from the set itself
        }
        return cfn.describeChangeSet(b -> b.stackName(settings.stackName()).changeSetName(name));
    }

    /** The SDK's CloudFormation waiters, asking every {@link #POLL} for up to {@code patience}. */
    private CloudFormationWaiter waiter(Duration patience) {
        return CloudFormationWaiter.builder().client(cfn).overrideConfiguration(o -> o
                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(POLL))
                .maxAttempts((int) (patience.toMillis() / POLL.toMillis()))).build();
    }

    @Override
    public void close() {
        aws.close();
    }
}
