package eic.infra.deploy;

import eic.infra.scaling.StepPolicy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One EIC stack on AWS as an ordered list of resources: {@code plan} reads and says
 * what {@code deploy} would do, {@code deploy} converges (a second run changes nothing),
 * {@code destroy} removes in the reverse order, {@code status} reports.
 */
public final class Deployment {
    private final DeploySpec spec;
    private final StorageResource storage;
    private final List<Resource> resources = new ArrayList<>();

    /** One resource and what deploy would do to it. */
    public record Planned(String resource, Change change) {
    }

    public Deployment(DeploySpec spec, DeployClients clients) {
        this.spec = spec;
        storage = new StorageResource(spec, clients);
        resources.add(storage);
        IamRoleResource workerRole = new IamRoleResource(spec, clients.iam(), spec.name("worker"),
                IamDocuments.worker(spec));
        IamRoleResource webRole = new IamRoleResource(spec, clients.iam(), spec.name("web"), IamDocuments.web(spec));
        SecurityGroupResource workerGroup = new SecurityGroupResource(spec, clients.ec2(), spec.name("worker"), null);
        SecurityGroupResource webGroup = new SecurityGroupResource(spec, clients.ec2(), spec.name("web"),
                spec.webPort());
        resources.addAll(List.of(workerRole, webRole, workerGroup, webGroup));
        resources.add(new LaunchTemplateResource(spec, clients.ec2(), spec.name("worker"), spec.workerAmi(),
                spec.workerInstanceType(), spec.name("worker"), workerGroup, UserData.worker(spec)));
        resources.add(new LaunchTemplateResource(spec, clients.ec2(), spec.name("web"), spec.webAmi(),
                spec.webInstanceType(), spec.name("web"), webGroup, UserData.web(spec)));
        resources.add(new AutoScalingGroupResource(spec, clients.autoScaling(), spec.workerAsg(), spec.name("worker"),
                spec.policy().min(), spec.policy().max()));
        resources.add(new AutoScalingGroupResource(spec, clients.autoScaling(), spec.webAsg(), spec.name("web"), 1, 1));
        List<AlarmResource> alarms = new ArrayList<>();
        for (StepPolicy step : List.of(spec.policy().scaleOut(), spec.policy().scaleIn())) {
            ScalingPolicyResource policy = new ScalingPolicyResource(spec, clients.autoScaling(), step);
            resources.add(policy);
            alarms.add(new AlarmResource(spec, clients.cloudWatch(), step, policy));
        }
        resources.addAll(alarms);
        resources.add(new DashboardResource(spec, clients.cloudWatch(), alarms));
    }

    public List<Planned> plan() {
        return resources.stream().map(r -> new Planned(r.describe(), r.plan())).toList();
    }

    /** Plans each resource just before applying it: later ones see what earlier ones made. */
    public List<Planned> deploy(PrintStream out) {
        List<Planned> done = new ArrayList<>();
        for (Resource resource : resources) {
            Change change = resource.plan();
            if (change.kind() != Change.Kind.KEEP) {
                resource.apply(change);
            }
            Planned planned = new Planned(resource.describe(), change);
            out.println(line(planned));
            done.add(planned);
        }
        out.println(summary(done));
        out.println("dashboard: " + spec.dashboardUrl());
        return done;
    }

    /** Deletes in the reverse order of deploy; the buckets only with {@code deleteBuckets}. */
    public List<String> destroy(boolean deleteBuckets, PrintStream out) {
        storage.deleteBuckets(deleteBuckets);
        List<String> deleted = new ArrayList<>();
        List<Resource> reversed = new ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        for (Resource resource : reversed) {
            String gone = resource.destroy();
            if (gone != null) {
                out.println("- deleted " + gone);
                deleted.add(gone);
            }
        }
        if (!deleteBuckets) {
            out.println("kept buckets " + spec.names().inputBucket() + " and " + spec.names().outputBucket()
                    + " (images and results); destroy --delete-data removes them too");
        }
        out.println(deleted.size() + " deleted");
        return deleted;
    }

    public void status(PrintStream out) {
        out.println("stack '" + spec.prefix() + "' in " + spec.region() + ":");
        resources.forEach(r -> out.println("  " + r.status()));
    }

    /** The plan as a person reads it. */
    public String render(List<Planned> plan) {
        StringBuilder text = new StringBuilder("plan for stack '" + spec.prefix() + "' in " + spec.region()
                + " (nothing is changed):\n");
        plan.forEach(p -> text.append(line(p)).append('\n'));
        return text.append(summary(plan)).append('\n').toString();
    }

    private static String line(Planned p) {
        String verb = switch (p.change().kind()) {
            case CREATE -> "+ create";
            case UPDATE -> "~ update";
            case KEEP -> "= keep  ";
        };
        StringBuilder line = new StringBuilder("  " + verb + "  " + p.resource());
        p.change().details().forEach(d -> line.append("\n              ").append(d));
        return line.toString();
    }

    private static String summary(List<Planned> plan) {
        long create = plan.stream().filter(p -> p.change().kind() == Change.Kind.CREATE).count();
        long update = plan.stream().filter(p -> p.change().kind() == Change.Kind.UPDATE).count();
        return create + " to create, " + update + " to update, " + (plan.size() - create - update) + " unchanged";
    }
}
