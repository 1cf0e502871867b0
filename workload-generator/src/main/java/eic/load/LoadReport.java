package eic.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a run measured. Latencies are milliseconds from sending the request to the end of
 * its answer; {@code startMs} counts from the start of the run.
 */
public record LoadReport(Instant startedAt, String url, String api, int requests, int concurrency, double ratePerSecond,
                         int sent, int correct, int wrong, int failed, int unknownTruth, Double accuracy,
                         Latency latencyMs, double throughputPerSecond, double wallSeconds, String model,
                         Map<String, Double> stageMediansMs, List<Outcome> outcomes, List<FleetPoint> fleet) {

    /** One request; {@code stagesMs}: its answer's {@code Server-Timing}, empty when it had none. */
    public record Outcome(String name, String truth, int status, String answer, double startMs, double latencyMs,
                          Map<String, Double> stagesMs) {
        public Outcome(String name, String truth, int status, String answer, double startMs, double latencyMs) {
            this(name, truth, status, answer, startMs, latencyMs, Map.of());
        }

        public boolean ok() {
            return status == 200;
        }
    }

    /** Per stage, the median over the answers that reported it, in the order the server lists them. */
    static Map<String, Double> stageMedians(List<Outcome> outcomes) {
        Map<String, List<Double>> byStage = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (o.ok() && o.stagesMs() != null) {
                o.stagesMs().forEach((stage, ms) -> byStage.computeIfAbsent(stage, k -> new ArrayList<>()).add(ms));
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        byStage.forEach((stage, values) -> medians.put(stage,
                percentile(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), 0.50)));
        return medians;
    }

    public record Latency(double p50, double p95, double p99, double max, double mean) {
        static Latency of(double[] values) {
            if (values.length == 0) {
                return new Latency(0, 0, 0, 0, 0);
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Latency(percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99),
                    sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(0));
        }
    }

    /** The fleet as /api/v1/fleet showed it during the run. */
    public record FleetPoint(double tMs, int visible, int inFlight, int inService, int desired) {
    }

    /** Nearest-rank percentile of sorted values. */
    public static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    public String summary() {
        return String.format(Locale.ROOT, """
                sent %d   correct %d   wrong %d   failed %d%s
                accuracy   %s
                latency    p50 %.1f ms   p95 %.1f ms   p99 %.1f ms   max %.1f ms
                throughput %.1f images/s   wall time %.2f s   model %s""",
                sent, correct, wrong, failed, unknownTruth > 0 ? "   (no ground truth for " + unknownTruth + ")" : "",
                accuracy == null ? "n/a (no ground truth)" : String.format(Locale.ROOT, "%.2f%%", 100 * accuracy),
                latencyMs.p50(), latencyMs.p95(), latencyMs.p99(), latencyMs.max(), throughputPerSecond, wallSeconds,
                model == null ? "?" : model) + (stageMediansMs == null || stageMediansMs.isEmpty() ? ""
                : "\nstages     median ms (Server-Timing): " + stageMediansMs.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining("   ")));
    }
}
