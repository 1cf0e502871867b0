package eic.infra.deploy;

import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.config.Env;
import java.io.PrintStream;

/** {@code scaling-infra aws plan|deploy|status|destroy [--delete-data]}: credentials from the default chain. */
public final class DeployCommand {
    /** What the command does; the command line parses it. */
    public enum Action { plan, deploy, status, destroy }

    private DeployCommand() {
    }

    /** @return the process exit code: 0 done, 2 a setting is missing */
    public static int run(Action action, boolean deleteData, Env env, PrintStream out) {
        DeploySpec spec;
        try {
            spec = DeploySpec.from(env);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return 2;
        }
        try (AwsClients aws = new AwsClients(AwsSettings.from(env))) {
            Deployment deployment = new Deployment(spec, DeployClients.from(aws, env));
            switch (action) {
                case plan -> out.print(deployment.render(deployment.plan()));
                case deploy -> deployment.deploy(out);
                case status -> deployment.status(out);
                case destroy -> deployment.destroy(deleteData, out);
            }
            return 0;
        }
    }
}
