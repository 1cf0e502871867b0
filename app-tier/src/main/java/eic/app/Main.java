package eic.app;

import eic.app.bench.RawModelBenchmark;
import eic.app.classifier.Classification;
import eic.app.classifier.Classifier;
import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecodeException;
import eic.app.classifier.ModelCatalog;
import eic.app.classifier.ShapesTrainer;
import eic.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The app-tier commands. Without arguments it runs the worker. */
public final class Main {
    private static final String USAGE = """
            usage: app-tier [command]
              worker                      run the worker (default): long-poll the request queue and classify
              classify FILE...            classify files, one line per file
              bench [BATCH,...] [IMAGES]  raw model loop at each batch size (default 1,4,8,16 and 64 images)
              soak [N]                    classify N images (default 10000) and print RSS: native memory stays flat
              train-shapes [DIR]          train the shapes model (default app-tier/src/main/resources/models/shapes)
              prefetch-resnet18 DIR       download the zoo's ResNet-18 into DIR (needs internet; for the AMI bake)
            settings: EIC_MODEL, EIC_RESNET18_DIR, EIC_THREADS_INTRA_OP, ... (see docs/configuration.md)
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "worker" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        ClassifierSettings settings = ClassifierSettings.from(Env.system());
        switch (command) {
            case "worker" -> eic.app.worker.WorkerMain.run(Env.system());
            case "classify" -> System.exit(classify(settings, rest));
            case "bench" -> bench(settings, rest);
            case "soak" -> RawModelBenchmark.soak(settings, rest.length > 0 ? Integer.parseInt(rest[0]) : 10_000,
                    System.out);
            case "train-shapes" -> {
                Path dir = Path.of(rest.length > 0 ? rest[0] : "app-tier/src/main/resources/models/shapes");
                System.out.println("wrote " + ShapesTrainer.train(ShapesTrainer.Options.defaults(dir)));
            }
            case "prefetch-resnet18" -> {
                if (rest.length != 1) {
                    usage();
                }
                System.setProperty("eic.djl.online", "true");
                System.out.println("ResNet-18 ready in " + ModelCatalog.prefetchResNet18(Path.of(rest[0])));
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.print(USAGE);
        System.exit(2);
    }

    private static int classify(ClassifierSettings settings, String[] files) throws Exception {
        int failures = 0;
        try (Classifier classifier = Classifier.load(settings); Classifier.Session session = classifier.newSession()) {
            System.err.println("model: " + classifier.modelName() + " (" + classifier.modelDescription() + ")");
            for (String file : files) {
                try {
                    Classification c = session.classify(Files.readAllBytes(Path.of(file)));
                    System.out.printf("%s\t%s\t%.3f%n", file, c.label(), c.confidence());
                } catch (ImageDecodeException e) {
                    failures++;
                    System.out.printf("%s\tERROR\t%s: %s%n", file, e.reason().summary(), e.getMessage());
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static void bench(ClassifierSettings settings, String[] args) throws Exception {
        int[] batches = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 4, 8, 16};
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        System.out.printf("cores=%d intra-op=%d inter-op=%d%n", Runtime.getRuntime().availableProcessors(),
                settings.intraOpThreads(), settings.interOpThreads());
        for (RawModelBenchmark.Result r : RawModelBenchmark.run(settings, batches, images)) {
            System.out.println(r);
        }
    }
}
