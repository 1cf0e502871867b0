package eic.web.classify;

import eic.common.messaging.ClassificationReply;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * What this instance's requests did: Prometheus meters (requests by outcome, latency and
 * queue-wait histograms, requests waiting) and a five-minute window of answers that feeds
 * the ops page and the Retry-After estimate when the instance is full.
 */
@Component
public class RequestStats {
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final Duration RECENT = Duration.ofSeconds(60);
    private static final int DEFAULT_RETRY_AFTER_SECONDS = 5;
    private static final int MAX_RETRY_AFTER_SECONDS = 120;

    private final MeterRegistry registry;
    private final Clock clock;
    private final Timer latency;
    private final Timer queueWait;
    /** Answers in the window, oldest first; guarded by itself. */
    private final Deque<Answer> answers = new ArrayDeque<>();
    private volatile String lastModel;

    /** One answered request: when, how long from acceptance, and whether it has a label. */
    public record Answer(long atMillis, long latencyMillis, boolean labelled) {
    }

    @Autowired
    public RequestStats(MeterRegistry registry, PendingReplies pending) {
        this(registry, pending, Clock.systemUTC());
    }

    RequestStats(MeterRegistry registry, PendingReplies pending, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        Gauge.builder("eic.requests.waiting", pending, PendingReplies::size)
                .description("requests this instance holds open for their reply").register(registry);
        latency = Timer.builder("eic.request.latency").description("from an accepted upload to its reply")
                .publishPercentileHistogram().register(registry);
        queueWait = Timer.builder("eic.queue.wait").description("time a request spent in the request queue")
                .publishPercentileHistogram().register(registry);
    }

    /** A reply arrived for a request this instance accepted {@code latency} ago. */
    public void answered(ClassificationReply reply, Duration latency) {
        outcome(switch (reply.status()) {
            case DONE -> "ok";
            case FAILED -> "failed";
            case EXPIRED -> "expired";
        });
        if (reply.sameAs() != null) {
            registry.counter("eic.requests.deduplicated").increment();
        }
        this.latency.record(latency);
        if (reply.timings() != null && reply.isDone()) {
            queueWait.record(reply.timings().queueWaitMs(), TimeUnit.MILLISECONDS);
        }
        if (reply.model() != null) {
            lastModel = reply.model();
        }
        long now = clock.millis();
        synchronized (answers) {
            answers.addLast(new Answer(now, latency.toMillis(), reply.isDone()));
            evict(now);
        }
    }

    /** Counts a request by how it ended: ok, failed, timeout, rejected, overloaded, unauthorized or error. */
    public void outcome(String outcome) {
        registry.counter("eic.requests", "outcome", outcome).increment();
    }

    /** The model named by the latest reply, if any came yet. */
    public String lastModel() {
        return lastModel;
    }

    /** Answers per second over the last minute. */
    public double throughput() {
        long now = clock.millis();
        return answersBetween(now - RECENT.toMillis(), now).size() / (double) RECENT.toSeconds();
    }

    /**
     * How long a client turned away now should wait: the time this instance needs to work
     * off {@code backlog} requests at its recent rate, within 1 s and 2 min.
     */
    public int retryAfterSeconds(int backlog) {
        double rate = throughput();
        if (rate <= 0) {
            return DEFAULT_RETRY_AFTER_SECONDS;
        }
        return (int) Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, Math.ceil(backlog / rate)));
    }

    /** The last minute in figures, and the window in {@code bucket}-wide steps for the charts. */
    public Snapshot snapshot(Duration bucket) {
        long now = clock.millis();
        List<Answer> window;
        synchronized (answers) {
            evict(now);
            window = List.copyOf(answers);
        }
        List<Answer> lastMinute = window.stream().filter(a -> a.atMillis() > now - RECENT.toMillis()).toList();
        List<Point> series = new ArrayList<>();
        long width = bucket.toMillis();
        long start = now - WINDOW.toMillis();
        for (long from = start; from < now; from += width) {
            long lo = from;
            long hi = Math.min(now, from + width);
            List<Answer> in = window.stream().filter(a -> a.atMillis() > lo && a.atMillis() <= hi).toList();
            series.add(new Point(hi, in.size() * 1000.0 / width, percentile(in, 50), percentile(in, 95)));
        }
        return new Snapshot(lastMinute.size() / (double) RECENT.toSeconds(), percentile(lastMinute, 50),
                percentile(lastMinute, 95), lastMinute.stream().filter(a -> !a.labelled()).count(), series);
    }

    /** Throughput in answers/s and latency percentiles in ms (null when nothing was answered). */
    public record Snapshot(double throughputPerSecond, Long latencyP50Ms, Long latencyP95Ms, long failedLastMinute,
                           List<Point> series) {
    }

    public record Point(long atMillis, double throughputPerSecond, Long latencyP50Ms, Long latencyP95Ms) {
    }

    private void evict(long now) {
        while (!answers.isEmpty() && answers.peekFirst().atMillis() <= now - WINDOW.toMillis()) {
            answers.removeFirst();
        }
    }

    /** The answers in (fromMillis, toMillis], oldest first, while they are in the window. */
    public List<Answer> answersBetween(long fromMillis, long toMillis) {
        synchronized (answers) {
            return answers.stream().filter(a -> a.atMillis() > fromMillis && a.atMillis() <= toMillis).toList();
        }
    }

    /** Requests counted so far by outcome (ok, failed, timeout, ...). */
    public Map<String, Double> outcomes() {
        Map<String, Double> counts = new TreeMap<>();
        registry.find("eic.requests").counters().forEach(c -> counts.put(c.getId().getTag("outcome"), c.count()));
        return counts;
    }

    /** Nearest-rank percentile of the answers' latencies. */
    static Long percentile(List<Answer> in, int p) {
        if (in.isEmpty()) {
            return null;
        }
        long[] sorted = in.stream().mapToLong(Answer::latencyMillis).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
