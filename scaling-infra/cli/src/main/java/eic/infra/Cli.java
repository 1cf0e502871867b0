package eic.infra;

import eic.common.config.Env;
import eic.common.messaging.LogSafe;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import eic.infra.local.SdkCallBenchmark;
import eic.infra.scaling.sim.SimulationCommand;
import eic.infra.stack.StackCommand;
import eic.infra.stack.WorkerStack;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** The scaling-infra command. Exit codes: 0 done, 1 failed, 2 usage or missing settings. */
@Command(name = "scaling-infra", mixinStandardHelpOptions = true,
        subcommands = {Cli.LocalStackCommand.class, Cli.Aws.class, Cli.Simulate.class, Cli.SdkBench.class},
        description = "Runs the local stack, deploys to AWS, or simulates the scaling policies.")
public final class Cli implements Callable<Integer> {
    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    public static void main(String[] args) {
        // Before the first logger: the command's own logging (standard error), not the logback.xml that
        // ElasticMQ's jar carries (standard output); an explicit -Dlogback.configurationFile wins.
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            System.setProperty(LOGBACK_CONFIGURATION, "eic-cli-logback.xml");
        }
        System.exit(new CommandLine(new Cli()).setExecutionExceptionHandler(Cli::awsFailure).execute(args));
    }

    /**
     * An AWS call that fails says so in one line, not a stack trace: exit 2 when no credentials
     * were found (a setting the operator must give), else 1.
     */
    static int awsFailure(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof SdkException)) {
            throw e;
        }
        boolean noCredentials = e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials");
        command.getErr().println((noCredentials ? "no AWS credentials: " : "an AWS call failed: ")
                + LogSafe.text(e.getMessage()));
        return noCredentials ? 2 : 1;
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    @Command(name = "local-stack", mixinStandardHelpOptions = true,
            description = {"Run ElasticMQ, S3Proxy, the web tier and the worker fleet in the foreground; Ctrl-C or "
                    + "SIGTERM stops everything it started.",
                    "Settings: EIC_PORT (8080), EIC_DATA_DIR (.eic-local), EIC_LOCAL_MIN_WORKERS (1), "
                            + "EIC_LOCAL_MAX_WORKERS (cores), EIC_LOCAL_AUTOSCALE (true), EIC_LOCAL_SCALING_PERIOD "
                            + "(2s), EIC_MODEL (shapes); all in docs/configuration.md."})
    static final class LocalStackCommand implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            LocalStackOptions options = LocalStackOptions.from(Env.system());
            LocalStack stack = LocalStack.start(options);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stack.close();
                stopped.countDown();
            }, "local-stack-shutdown"));
            System.out.printf("%nEIC local stack is up: %s%n  SQS %s  S3 %s  data %s%n"
                            + "  try: curl -F myfile=@image.png %s/%nCtrl-C stops everything.%n",
                    stack.webUrl(), stack.awsSettings().sqsEndpoint().orElseThrow(),
                    stack.awsSettings().s3Endpoint().orElseThrow(), options.dataDir(), stack.webUrl());
            stopped.await();
            return 0;
        }
    }

    @Command(name = "aws", mixinStandardHelpOptions = true,
            description = "The deployment on AWS as one CloudFormation stack (docs/deploy-aws.md); credentials from "
                    + "the default chain.")
    static final class Aws implements Callable<Integer> {
        @Override
        public Integer call() {
            CommandLine.usage(this, System.err);
            return 2;
        }

        @Command(name = "template", mixinStandardHelpOptions = true,
                description = "Print the CloudFormation template of the data and the worker fleet, rendered from the "
                        + "scaling policy (needs no credentials).")
        int template() {
            System.out.println(WorkerStack.defaults().render().toJson());
            return 0;
        }

        @Command(name = "plan", mixinStandardHelpOptions = true,
                description = "Create a change set for the stack, print it, remove it: changes nothing.")
        int plan() throws InterruptedException {
            return StackCommand.run(StackCommand.Action.plan, false, Env.system(), System.out);
        }

        @Command(name = "deploy", mixinStandardHelpOptions = true,
                description = "Create a change set, execute it and follow the stack's events until done.")
        int deploy() throws InterruptedException {
            return StackCommand.run(StackCommand.Action.deploy, false, Env.system(), System.out);
        }

        @Command(name = "status", mixinStandardHelpOptions = true,
                description = "The stack's state and outputs, its groups' instances, the request queue's depth.")
        int status() throws InterruptedException {
            return StackCommand.run(StackCommand.Action.status, false, Env.system(), System.out);
        }

        @Command(name = "destroy", mixinStandardHelpOptions = true,
                description = "Delete the stack; its buckets, queues and log group are retained unless --delete-data.")
        int destroy(@Option(names = "--delete-data", description = "also delete the buckets, queues and log group and "
                + "what is in them; after an earlier destroy, finds them by their tag and names") boolean deleteData)
                throws InterruptedException {
            return StackCommand.run(StackCommand.Action.destroy, deleteData, Env.system(), System.out);
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = "Replay the seeds' burst and a ramp against the step policy on q - i and the backlog "
                    + "policy; print the comparison and write SVG plots to DIR.")
    static final class Simulate implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", defaultValue = "docs/elasticity", description = "(default: ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() throws Exception {
            SimulationCommand.run(dir, System.out);
            return 0;
        }
    }

    @Command(name = "sdk-bench", mixinStandardHelpOptions = true,
            description = "CPU per S3 and SQS call against the local servers, started in this JVM: the client's part "
                    + "and the server's, with the SDK's defaults and with the project's client settings.")
    static final class SdkBench implements Callable<Integer> {
        @Option(names = "--calls", defaultValue = "2000", description = "calls of each kind (default: ${DEFAULT-VALUE})")
        int calls;

        @Override
        public Integer call() throws Exception {
            SdkCallBenchmark.run(calls).forEach(System.out::println);
            return 0;
        }
    }
}
