package eic.infra.deploy;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DashboardNotFoundErrorException;
import software.amazon.awssdk.services.cloudwatch.model.ResourceNotFoundException;

/** The stack's CloudWatch dashboard; the ops page links to it on AWS. */
final class DashboardResource implements Resource {
    private final DeploySpec spec;
    private final CloudWatchClient cloudWatch;
    private final List<AlarmResource> alarms;

    DashboardResource(DeploySpec spec, CloudWatchClient cloudWatch, List<AlarmResource> alarms) {
        this.spec = spec;
        this.cloudWatch = cloudWatch;
        this.alarms = alarms;
    }

    @Override
    public String describe() {
        return "dashboard " + spec.dashboardName();
    }

    @Override
    public Change plan() {
        Optional<String> body = find();
        if (body.isEmpty()) {
            return Change.create(spec.dashboardUrl());
        }
        return Change.sameJson(body.get(), wanted()) ? Change.keep() : Change.update(List.of("widgets differ"));
    }

    @Override
    public void apply(Change change) {
        cloudWatch.putDashboard(b -> b.dashboardName(spec.dashboardName()).dashboardBody(wanted()));
    }

    @Override
    public String destroy() {
        if (find().isEmpty()) {
            return null;
        }
        cloudWatch.deleteDashboards(b -> b.dashboardNames(spec.dashboardName()));
        return describe();
    }

    @Override
    public String status() {
        return describe() + ": " + (find().isPresent() ? spec.dashboardUrl() : "absent");
    }

    String wanted() {
        return DashboardBody.render(spec, alarms.stream().flatMap(a -> a.arn().stream()).toList());
    }

    private Optional<String> find() {
        try {
            return Optional.of(cloudWatch.getDashboard(b -> b.dashboardName(spec.dashboardName())).dashboardBody());
        } catch (DashboardNotFoundErrorException | ResourceNotFoundException e) {
            return Optional.empty();
        }
    }
}
