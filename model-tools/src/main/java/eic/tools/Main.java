package eic.tools;

import eic.app.classifier.ClassifierSettings;
import eic.common.config.Env;
import eic.tools.bench.DecodeBenchmark;
import eic.tools.bench.RawModelBenchmark;
import eic.tools.training.ShapesTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model tools: train the shapes model, benchmark the raw model loop, soak native memory. */
@Command(name = "model-tools", mixinStandardHelpOptions = true,
        subcommands = {Main.TrainShapes.class, Main.Bench.class, Main.DecodeBench.class, Main.Soak.class},
        description = "Tools that are not the service. The model comes from EIC_MODEL (docs/configuration.md).")
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    @Command(name = "train-shapes", mixinStandardHelpOptions = true,
            description = "Train the shapes model and write its parameters to DIR.")
    static final class TrainShapes implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", defaultValue = "app-tier/src/main/resources/models/shapes",
                description = "where the parameters go (default: ${DEFAULT-VALUE})")
        Path dir;

        @Override
        public Integer call() throws Exception {
            System.out.println("wrote " + ShapesTrainer.train(ShapesTrainer.Options.defaults(dir)));
            return 0;
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "The raw model loop at each batch size: images per second and latency.")
    static final class Bench implements Callable<Integer> {
        @Option(names = "--batches", split = ",", defaultValue = "1,4,8,16",
                description = "batch sizes (default: ${DEFAULT-VALUE})")
        List<Integer> batches;

        @Option(names = "--images", defaultValue = "64", description = "images per batch size (default: ${DEFAULT-VALUE})")
        int images;

        @Override
        public Integer call() throws Exception {
            ClassifierSettings settings = ClassifierSettings.from(Env.system());
            System.out.printf("cores=%d intra-op=%d inter-op=%d%n", Runtime.getRuntime().availableProcessors(),
                    settings.intraOpThreads(), settings.interOpThreads());
            for (RawModelBenchmark.Result r : RawModelBenchmark.run(settings,
                    batches.stream().mapToInt(Integer::intValue).toArray(), images)) {
                System.out.println(r);
            }
            return 0;
        }
    }

    @Command(name = "decode-bench", mixinStandardHelpOptions = true,
            description = "Decode + preprocess CPU-ms per image: a whole decode against one of what the network keeps.")
    static final class DecodeBench implements Callable<Integer> {
        @Option(names = "--iterations", defaultValue = "50", description = "per input (default: ${DEFAULT-VALUE})")
        int iterations;

        @Override
        public Integer call() throws Exception {
            System.out.println(DecodeBenchmark.scalesJpeg() ? "worker's JPEG decode: libturbojpeg, scaled"
                    : "worker's JPEG decode: ImageIO (libturbojpeg not installed)");
            DecodeBenchmark.run(iterations).forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "Classify N images and print the RSS as it goes: native memory stays flat.")
    static final class Soak implements Callable<Integer> {
        @Parameters(paramLabel = "N", defaultValue = "10000", description = "images (default: ${DEFAULT-VALUE})")
        int total;

        @Override
        public Integer call() throws Exception {
            RawModelBenchmark.soak(ClassifierSettings.from(Env.system()), total, System.out);
            return 0;
        }
    }
}
