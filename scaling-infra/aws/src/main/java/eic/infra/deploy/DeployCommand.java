package eic.infra.deploy;

import eic.common.aws.AwsClients;
import eic.common.aws.AwsSettings;
import eic.common.config.Env;
import java.io.PrintStream;
import java.util.List;

/** {@code scaling-infra aws plan|deploy|status|destroy [--delete-data]}: credentials from the default chain. */
public final class DeployCommand {
    private DeployCommand() {
    }

    /** @return the process exit code */
    public static int run(List<String> args, Env env, PrintStream out) {
        String verb = args.isEmpty() ? "" : args.get(0);
        if (!List.of("plan", "deploy", "status", "destroy").contains(verb)) {
            out.println("usage: scaling-infra aws plan|deploy|status|destroy [--delete-data]  (docs/deploy-aws.md)");
            return 2;
        }
        DeploySpec spec;
        try {
            spec = DeploySpec.from(env);
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return 2;
        }
        try (AwsClients aws = new AwsClients(AwsSettings.from(env))) {
            Deployment deployment = new Deployment(spec, DeployClients.from(aws, env));
            switch (verb) {
                case "plan" -> out.print(deployment.render(deployment.plan()));
                case "deploy" -> deployment.deploy(out);
                case "status" -> deployment.status(out);
                default -> deployment.destroy(args.contains("--delete-data"), out);
            }
            return 0;
        }
    }
}
