package eic.load;

import eic.common.messaging.Messages;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The load client's command line. Exit 0 when every answer was right, 1 otherwise, 2 on bad arguments. */
@Command(name = "workload-generator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sends images to the web tier and reports latency, throughput and correctness.")
public final class Main implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "the web tier, e.g. http://127.0.0.1:8080/")
    URI url;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--generate", paramLabel = "N", description = "N synthetic shapes images with known labels")
        Integer generate;

        @Option(names = "--images", paramLabel = "DIR", description = "send the images in DIR")
        Path images;
    }

    @Option(names = "--ground-truth", paramLabel = "CSV", description = "with --images: file,label lines")
    Path groundTruth;

    @Option(names = "--seed", defaultValue = "1", description = "the generator's seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--requests", paramLabel = "N", description = "requests to send (default: one per image; images repeat)")
    Integer requests;

    @Option(names = "--concurrency", defaultValue = "10", description = "requests in flight at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--rate", defaultValue = "0", description = "requests per second (default: a burst as fast as the concurrency allows)")
    double rate;

    @Option(names = "--api", defaultValue = "classic", description = "classic: POST / answers the label; async: POST "
            + "/api/v1/classifications, then poll its status (default: ${DEFAULT-VALUE})")
    String api;

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON report")
    Path report;

    @Option(names = "--chart", paramLabel = "FILE", description = "write the SVG chart")
    Path chart;

    @Option(names = "--save-images", paramLabel = "DIR", description = "also write the generated images and ground-truth.csv")
    Path saveImages;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds per request (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--ignore-labels", description = "do not compare answers with ground truth (e.g. a model with random weights)")
    boolean ignoreLabels;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** Parses {@code args} as the command line would and runs the load; for tests and scripts. */
    public static LoadReport run(String... args) throws Exception {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.load();
    }

    @Override
    public Integer call() throws Exception {
        LoadReport result = load();
        System.out.println(result.summary());
        return result.failed() == 0 && result.wrong() == 0 ? 0 : 1;
    }

    private LoadReport load() throws Exception {
        List<Workload.Item> items;
        if (source.generate != null) {
            items = Workload.generate(source.generate, seed);
            if (saveImages != null) {
                Workload.write(items, saveImages);
            }
        } else {
            items = Workload.fromDirectory(source.images, groundTruth);
        }
        if (ignoreLabels) {
            items = items.stream().map(i -> new Workload.Item(i.name(), i.bytes(), null)).toList();
        }
        String base = url.toString();
        WorkloadGenerator.Options options = new WorkloadGenerator.Options(URI.create(base.endsWith("/") ? base : base + "/"),
                requests != null ? requests : items.size(), concurrency, rate, Duration.ofSeconds(timeoutSeconds),
                !noProgress, api);
        LoadReport result = WorkloadGenerator.run(options, items, System.err);
        if (report != null) {
            Files.writeString(report, Messages.json().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        }
        if (chart != null) {
            Files.writeString(chart, ReportChart.render(result));
        }
        return result;
    }
}
