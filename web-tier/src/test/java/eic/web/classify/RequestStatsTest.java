package eic.web.classify;

import static org.assertj.core.api.Assertions.assertThat;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestStatsTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final ManualClock clock = new ManualClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final RequestStats stats = new RequestStats(registry, new PendingReplies(), clock);

    @Test
    void throughputAndPercentilesCoverTheLastMinuteOnly() {
        for (int i = 1; i <= 100; i++) {
            stats.answered(done(), Duration.ofMillis(i));
        }
        clock.advance(Duration.ofSeconds(61));
        for (int i = 1; i <= 30; i++) {
            stats.answered(done(), Duration.ofMillis(1000 + i));
        }
        RequestStats.Snapshot snapshot = stats.snapshot(Duration.ofSeconds(10));
        assertThat(snapshot.throughputPerSecond()).isEqualTo(0.5);
        assertThat(snapshot.latencyP50Ms()).isEqualTo(1015L);
        assertThat(snapshot.latencyP95Ms()).isEqualTo(1029L);
        assertThat(snapshot.series()).hasSize(30);
        assertThat(snapshot.series().stream().mapToDouble(RequestStats.Point::throughputPerSecond).sum() * 10)
                .as("every answer of the five-minute window is in one step").isEqualTo(130.0);
        assertThat(registry.counter("eic.requests", "outcome", "ok").count()).isEqualTo(130.0);
    }

    @Test
    void answersOlderThanTheWindowAreForgotten() {
        stats.answered(done(), Duration.ofMillis(5));
        clock.advance(RequestStats.WINDOW.plusSeconds(1));
        RequestStats.Snapshot snapshot = stats.snapshot(Duration.ofSeconds(10));
        assertThat(snapshot.latencyP50Ms()).isNull();
        assertThat(snapshot.series()).allMatch(p -> p.throughputPerSecond() == 0);
    }

    @Test
    void retryAfterIsTheBacklogAtTheRecentRateWithinBounds() {
        assertThat(stats.retryAfterSeconds(100)).as("no rate known yet").isEqualTo(5);
        for (int i = 0; i < 120; i++) {
            stats.answered(done(), Duration.ofMillis(50));
        }
        assertThat(stats.retryAfterSeconds(10)).as("2 answers/s").isEqualTo(5);
        assertThat(stats.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(stats.retryAfterSeconds(10_000)).isEqualTo(120);
    }

    @Test
    void failedRepliesCountAsFailedAndTheLatestModelIsRemembered() {
        stats.answered(ClassificationReply.failed("id", "x.png", "corrupt", "resnet18", "w"), Duration.ofMillis(9));
        assertThat(registry.counter("eic.requests", "outcome", "failed").count()).isEqualTo(1.0);
        assertThat(stats.lastModel()).isEqualTo("resnet18");
        assertThat(stats.snapshot(Duration.ofSeconds(10)).failedLastMinute()).isEqualTo(1);
    }

    private static ClassificationReply done() {
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, "id", "b", "k", "f.png", null,
                Instant.now(), Instant.now());
        return ClassificationReply.done(request, "red circle", 0.9, List.of(), "shapes", "w",
                ClassificationReply.Timings.NONE);
    }
}
