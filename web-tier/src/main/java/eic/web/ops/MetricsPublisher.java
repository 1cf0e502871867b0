package eic.web.ops;

import eic.common.concurrent.Guarded;
import eic.web.system.WebProperties;
import eic.web.classify.RequestStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * On AWS ({@code EIC_CLOUDWATCH_NAMESPACE} set), publishes every minute what the dashboard
 * charts: {@code RequestLatency} as raw values with counts, so CloudWatch computes real
 * percentiles, and {@code Requests} per {@code Outcome}. Off when the namespace is unset.
 */
@Component
class MetricsPublisher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(MetricsPublisher.class);
    static final Duration PERIOD = Duration.ofMinutes(1);
    /** CloudWatch takes at most 150 distinct values per datum. */
    static final int MAX_VALUES = 150;

    private final RequestStats stats;
    private final ObjectProvider<CloudWatchClient> cloudWatchClient;
    private final String namespace;
    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService timer;
    private CloudWatchClient cloudWatch;
    private long publishedUpTo;
    private Map<String, Double> countedBefore = Map.of();

    MetricsPublisher(RequestStats stats, ObjectProvider<CloudWatchClient> cloudWatchClient, WebProperties properties) {
        this.stats = stats;
        this.cloudWatchClient = cloudWatchClient;
        this.namespace = properties.cloudwatch().namespace();
    }

    @Override
    public synchronized void start() {
        if (namespace.isBlank()) {
            return;
        }
        cloudWatch = cloudWatchClient.getObject();
        publishedUpTo = clock.millis();
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "metrics-publisher"));
        timer.scheduleWithFixedDelay(Guarded.task("metrics publication", log, this::publishQuietly), PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        log.info("publishing request metrics to CloudWatch namespace {} every {}", namespace, PERIOD);
    }

    private synchronized void publishQuietly() {
        try {
            long now = clock.millis();
            // One reading serves the deltas and the next baseline: a second reading would drop what
            // was counted in between.
            Map<String, Double> counted = stats.outcomes();
            List<MetricDatum> data = data(stats.answersBetween(publishedUpTo, now), counted, countedBefore,
                    Instant.ofEpochMilli(now));
            for (int from = 0; from < data.size(); from += 1000) {
                List<MetricDatum> chunk = data.subList(from, Math.min(data.size(), from + 1000));
                cloudWatch.putMetricData(b -> b.namespace(namespace).metricData(chunk));
            }
            publishedUpTo = now;
            countedBefore = counted;
        } catch (SdkException e) {
            log.warn("could not publish request metrics (will include them next time): {}", e.getMessage());
        }
    }

    /** The datums for one period: latencies as value/count pairs, outcome counts as deltas. */
    static List<MetricDatum> data(List<RequestStats.Answer> answers, Map<String, Double> counted,
                                  Map<String, Double> countedBefore, Instant at) {
        List<MetricDatum> data = new ArrayList<>();
        Map<Double, Double> histogram = new TreeMap<>();
        answers.forEach(a -> histogram.merge((double) a.latencyMillis(), 1.0, Double::sum));
        List<Double> values = new ArrayList<>(histogram.keySet());
        for (int from = 0; from < values.size(); from += MAX_VALUES) {
            List<Double> slice = values.subList(from, Math.min(values.size(), from + MAX_VALUES));
            data.add(MetricDatum.builder().metricName("RequestLatency").timestamp(at).unit(StandardUnit.MILLISECONDS)
                    .values(slice).counts(slice.stream().map(histogram::get).toList()).build());
        }
        Map<String, Double> before = new HashMap<>(countedBefore);
        counted.forEach((outcome, count) -> {
            double delta = count - before.getOrDefault(outcome, 0.0);
            if (delta > 0) {
                data.add(MetricDatum.builder().metricName("Requests").timestamp(at).unit(StandardUnit.COUNT)
                        .dimensions(Dimension.builder().name("Outcome").value(outcome).build()).value(delta).build());
            }
        });
        return data;
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdown();
            publishQuietly(); // the last partial minute
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
