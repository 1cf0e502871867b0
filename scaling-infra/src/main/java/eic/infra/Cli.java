package eic.infra;

import eic.common.config.Env;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.util.concurrent.CountDownLatch;

/** The scaling-infra commands. */
public final class Cli {
    private static final String USAGE = """
            usage: scaling-infra COMMAND
              local-stack    run ElasticMQ, S3Proxy, the web tier and the worker fleet in the foreground;
                             Ctrl-C or SIGTERM stops everything it started
              aws plan|deploy|status|destroy [--delete-data]
                             provision the stack on AWS (docs/deploy-aws.md); plan changes nothing
              simulate [DIR] replay the seeds' burst and a ramp against the original and the backlog policy;
                             prints the comparison and writes SVG plots to DIR (docs/elasticity)
            settings: EIC_PORT (8080), EIC_DATA_DIR (.eic-local), EIC_LOCAL_MIN_WORKERS (1), EIC_LOCAL_MAX_WORKERS (2 x cores),
              EIC_LOCAL_AUTOSCALE (true), EIC_LOCAL_SCALING_PERIOD (2s), EIC_MODEL (shapes)
            """;

    private Cli() {
    }

    public static void main(String[] args) throws InterruptedException, java.io.IOException {
        String command = args.length == 0 ? "" : args[0];
        switch (command) {
            case "local-stack" -> runLocalStack(LocalStackOptions.from(Env.system()));
            case "aws" -> System.exit(eic.infra.deploy.DeployCommand.run(java.util.List.of(args).subList(1, args.length),
                    Env.system(), System.out));
            case "simulate" -> eic.infra.scaling.sim.SimulationCommand.run(
                    java.nio.file.Path.of(args.length > 1 ? args[1] : "docs/elasticity"), System.out);
            default -> {
                System.err.print(USAGE);
                System.exit(2);
            }
        }
    }

    private static void runLocalStack(LocalStackOptions options) throws InterruptedException {
        LocalStack stack = LocalStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        System.out.printf("%nEIC local stack is up: %s%n  SQS %s  S3 %s  data %s%n"
                        + "  try: curl -F myfile=@image.png %s/%nCtrl-C stops everything.%n",
                stack.webUrl(), stack.awsSettings().sqsEndpoint().orElseThrow(),
                stack.awsSettings().s3Endpoint().orElseThrow(), options.dataDir(),
                stack.webUrl());
        stopped.await();
    }
}
