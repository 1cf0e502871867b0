package eic.load;

import eic.common.messaging.Messages;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The load client's command line. */
public final class Main {
    static final String USAGE = """
            usage: workload-generator --url URL (--generate N | --images DIR [--ground-truth CSV]) [options]
              --url URL            the web tier, e.g. http://127.0.0.1:8080/ (POST / with field myfile)
              --generate N         N synthetic shapes images with known labels (--seed S, default 1)
              --images DIR         send the images in DIR; --ground-truth CSV gives file,label lines
              --requests N         requests to send (default: the number of images; images repeat)
              --concurrency C      requests in flight at once (default 10)
              --rate R             send R requests per second (default: a burst, as fast as C allows)
              --api classic|async  classic: POST / answers the label; async: POST /api/v1/classifications,
                                   then poll GET /api/v1/classifications/{id} (default classic)
              --report FILE        write the JSON report; --chart FILE writes the SVG chart
              --save-images DIR    also write the generated images and ground-truth.csv to DIR
              --timeout SECONDS    per request (default 120)
              --ignore-labels      do not compare answers with ground truth (e.g. a model with random weights)
              --no-progress        no progress bar
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a;
        try {
            a = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        LoadReport report = run(a);
        System.out.println(report.summary());
        System.exit(report.failed() == 0 && report.wrong() == 0 ? 0 : 1);
    }

    static LoadReport run(Map<String, String> a) throws Exception {
        List<Workload.Item> items;
        if (a.containsKey("generate")) {
            items = Workload.generate(Integer.parseInt(a.get("generate")), Long.parseLong(a.getOrDefault("seed", "1")));
            if (a.containsKey("save-images")) {
                Workload.write(items, Path.of(a.get("save-images")));
            }
        } else if (a.containsKey("images")) {
            items = Workload.fromDirectory(Path.of(a.get("images")),
                    a.containsKey("ground-truth") ? Path.of(a.get("ground-truth")) : null);
        } else {
            throw new IllegalArgumentException("give --generate N or --images DIR");
        }
        if (a.containsKey("ignore-labels")) {
            items = items.stream().map(i -> new Workload.Item(i.name(), i.bytes(), null)).toList();
        }
        String url = a.get("url");
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        WorkloadGenerator.Options options = new WorkloadGenerator.Options(URI.create(url.endsWith("/") ? url : url + "/"),
                Integer.parseInt(a.getOrDefault("requests", Integer.toString(items.size()))),
                Integer.parseInt(a.getOrDefault("concurrency", "10")),
                Double.parseDouble(a.getOrDefault("rate", "0")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout", "120"))),
                !a.containsKey("no-progress"),
                a.getOrDefault("api", "classic"));
        LoadReport report = WorkloadGenerator.run(options, items, System.err);
        if (a.containsKey("report")) {
            Files.writeString(Path.of(a.get("report")), Messages.json().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(report));
        }
        if (a.containsKey("chart")) {
            Files.writeString(Path.of(a.get("chart")), ReportChart.render(report));
        }
        return report;
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("no-progress") || name.equals("ignore-labels")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        return options;
    }
}
