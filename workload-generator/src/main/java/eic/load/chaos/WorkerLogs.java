package eic.load.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the workers' logs ({@code worker-*.log}; the launcher's log repeats their lines) say was
 * done per request: how often each was classified (the
 * worker's {@code classified <name> as ...} line, with the request id in its MDC field) and
 * how many the reconciler enqueued again.
 *
 * @param enqueuedAgain   reconciler lines {@code ... enqueued again (attempt n)} or {@code (its queue was created again empty)}
 * @param classifiedTwice requests with more than one classification line
 */
record WorkerLogs(int enqueuedAgain, int classifiedTwice) {
    private static final Pattern CLASSIFIED = Pattern.compile("request=(\\S+) classified \\S+ as '");

    static WorkerLogs read(Path logs) throws IOException {
        int enqueuedAgain = 0;
        Map<String, Integer> classified = new HashMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(logs)) {
            files = listing.filter(f -> f.getFileName().toString().matches("worker-.*\\.log")).toList();
        }
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) { // any byte reads
                if (line.contains("; enqueued again (")) {
                    enqueuedAgain++;
                }
                Matcher m = CLASSIFIED.matcher(line);
                if (m.find()) {
                    classified.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        return new WorkerLogs(enqueuedAgain, (int) classified.values().stream().filter(n -> n > 1).count());
    }
}
