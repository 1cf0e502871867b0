package eic.app;

import eic.app.classifier.Classification;
import eic.app.classifier.Classifier;
import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecodeException;
import eic.app.classifier.ModelCatalog;
import eic.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The worker's jar: what serves, and nothing else (training and benchmarks live in
 * model-tools). Without a command it runs the worker. Exit codes: 0 done, 1 failed, 2 usage.
 */
@Command(name = "app-tier", mixinStandardHelpOptions = true, subcommands = {Main.Worker.class, Main.Classify.class,
        Main.PrefetchResNet18.class},
        description = "The EIC worker. Settings come from the environment: EIC_MODEL, EIC_RESNET18_DIR, "
                + "EIC_THREADS_INTRA_OP, ... (docs/configuration.md).")
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        String[] command = args.length == 0 ? new String[] {"worker"} : args;
        System.exit(new CommandLine(new Main()).execute(command));
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = "Run the worker (the default): long-poll the request queue and classify.")
    static final class Worker implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            // halt, not exit: a signal may come while another thread is inside the native engine (loading the model),
            // whose teardown at exit then crashes the JVM; whoever exits this way holds nothing that a hook would save
            eic.app.worker.WorkerMain.run(Env.system(), Runtime.getRuntime()::halt);
            return 0;
        }
    }

    @Command(name = "classify", mixinStandardHelpOptions = true,
            description = "Classify files with the configured model, one line per file: FILE<TAB>LABEL<TAB>CONFIDENCE, "
                    + "or FILE<TAB>ERROR<TAB>REASON. Exit 1 when any file could not be classified.")
    static final class Classify implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Override
        public Integer call() throws Exception {
            int failures = 0;
            try (Classifier classifier = Classifier.load(ClassifierSettings.from(Env.system()));
                 Classifier.Session session = classifier.newSession()) {
                System.err.println("model: " + classifier.modelName() + " (" + classifier.modelDescription() + ")");
                for (Path file : files) {
                    try {
                        Classification c = session.classify(Files.readAllBytes(file));
                        System.out.printf("%s\t%s\t%.3f%n", file, c.label(), c.confidence());
                    } catch (ImageDecodeException e) {
                        failures++;
                        System.out.printf("%s\tERROR\t%s: %s%n", file, e.reason().summary(), e.getMessage());
                    }
                }
            }
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "prefetch-resnet18", mixinStandardHelpOptions = true,
            description = "Download the model zoo's ResNet-18 into DIR (needs the internet: for the AMI bake).")
    static final class PrefetchResNet18 implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws Exception {
            System.out.println("ResNet-18 ready in " + ModelCatalog.prefetchResNet18(dir));
            return 0;
        }
    }
}
