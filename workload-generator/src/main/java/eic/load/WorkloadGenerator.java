package eic.load;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.concurrent.DaemonThreads;
import eic.common.messaging.Messages;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a workload with bounded concurrency, as a burst or at a fixed rate, over the
 * classic contract, and measures every answer against ground truth. While it runs it
 * samples {@code /api/v1/fleet} for the report's fleet plot.
 */
public final class WorkloadGenerator {

    /** @param api {@code classic} (POST /, plain-text label) or {@code async} (JSON API, polled) */
    public record Options(URI url, int requests, int concurrency, double ratePerSecond, Duration timeout,
                          boolean progress, String api) {
    }

    private WorkloadGenerator() {
    }

    public static LoadReport run(Options options, List<Workload.Item> items, PrintStream console)
            throws InterruptedException {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no images to send");
        }
        ImageClient client = switch (options.api()) {
            case "classic" -> new ClassicClient(options.url(), options.timeout());
            case "async" -> new AsyncClient(options.url(), options.timeout());
            default -> throw new IllegalArgumentException("--api must be classic or async, not " + options.api());
        };
        ExecutorService senders = Executors.newFixedThreadPool(options.concurrency());
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2, DaemonThreads.named("load-ticker"));
        List<LoadReport.Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        List<LoadReport.FleetPoint> fleet = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        String[] model = new String[1];
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        ProgressBar bar = new ProgressBar(options.requests(), console);
        if (options.progress()) {
            ticker.scheduleWithFixedDelay(() -> bar.draw(outcomes.size(), failures.get()), 0, 200, TimeUnit.MILLISECONDS);
        }
        HttpClient http = HttpClient.newHttpClient();
        URI fleetUri = options.url().resolve("/api/v1/fleet");
        ticker.scheduleWithFixedDelay(() -> sampleFleet(http, fleetUri, start, fleet), 0, 1, TimeUnit.SECONDS);

        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < options.requests(); i++) {
            Workload.Item item = items.get(i % items.size());
            if (options.ratePerSecond() > 0) {
                long due = start + (long) (i * 1e9 / options.ratePerSecond());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the open-loop arrival rate, not waiting for a condition
                }
            }
            sent.add(CompletableFuture.runAsync(() -> {
                long t0 = System.nanoTime();
                LoadReport.Outcome outcome;
                try {
                    ClassicClient.Answer a = client.classify(item.name(), item.bytes());
                    if (a.model() != null) {
                        model[0] = a.model();
                    }
                    outcome = new LoadReport.Outcome(item.name(), item.truth(), a.status(), a.body(), ms(t0 - start),
                            ms(a.latencyNanos()), a.stages());
                } catch (Exception e) {
                    outcome = new LoadReport.Outcome(item.name(), item.truth(), 0, e.getClass().getSimpleName() + ": "
                            + e.getMessage(), ms(t0 - start), ms(System.nanoTime() - t0));
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (!outcome.ok()) {
                    failures.incrementAndGet();
                }
                outcomes.add(outcome);
            }, senders));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        double wall = (System.nanoTime() - start) / 1e9;
        sampleFleet(http, fleetUri, start, fleet);
        ticker.shutdownNow();
        senders.shutdown();
        if (options.progress()) {
            bar.draw(outcomes.size(), failures.get());
            console.println();
        }
        return report(options, startedAt, outcomes, fleet, wall, model[0]);
    }

    static LoadReport report(Options options, Instant startedAt, List<LoadReport.Outcome> outcomes,
                             List<LoadReport.FleetPoint> fleet, double wall, String model) {
        int correct = 0;
        int wrong = 0;
        int failed = 0;
        int unknown = 0;
        List<Double> latencies = new ArrayList<>();
        for (LoadReport.Outcome o : outcomes) {
            if (!o.ok()) {
                failed++;
                continue;
            }
            latencies.add(o.latencyMs());
            if (o.truth() == null) {
                unknown++;
            } else if (o.truth().equals(o.answer())) {
                correct++;
            } else {
                wrong++;
            }
        }
        Double accuracy = correct + wrong == 0 ? null : (double) correct / (correct + wrong);
        List<LoadReport.Outcome> ordered = new ArrayList<>(outcomes);
        ordered.sort((a, b) -> Double.compare(a.startMs(), b.startMs()));
        return new LoadReport(startedAt, options.url().toString(), options.api(), options.requests(), options.concurrency(),
                options.ratePerSecond(), outcomes.size(), correct, wrong, failed, unknown, accuracy,
                LoadReport.Latency.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()),
                (outcomes.size() - failed) / wall, wall, model, LoadReport.stageMedians(outcomes), ordered,
                List.copyOf(fleet));
    }

    private static void sampleFleet(HttpClient http, URI uri, long start, List<LoadReport.FleetPoint> fleet) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode current = Messages.json().readTree(response.body()).path("current");
            if (response.statusCode() == 200 && current.isObject()) {
                fleet.add(new LoadReport.FleetPoint(ms(System.nanoTime() - start), current.path("visible").asInt(),
                        current.path("inFlight").asInt(), current.path("inService").asInt(),
                        current.path("desired").asInt()));
            }
        } catch (Exception e) {
            // no fleet endpoint (or not yet): the report simply has no fleet plot
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
