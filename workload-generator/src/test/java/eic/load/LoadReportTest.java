package eic.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadReportTest {
    @Test
    void countsAgainstGroundTruthAndTakesNearestRankPercentiles() {
        List<LoadReport.Outcome> outcomes = List.of(
                new LoadReport.Outcome("a", "red circle", 200, "red circle", 0, 10),
                new LoadReport.Outcome("b", "red square", 200, "red circle", 1, 20),
                new LoadReport.Outcome("c", null, 200, "blue square", 2, 30),
                new LoadReport.Outcome("d", "blue square", 504, "no answer", 3, 1000),
                new LoadReport.Outcome("e", "green circle", 200, "green circle", 4, 40));
        WorkloadGenerator.Options options = new WorkloadGenerator.Options(URI.create("http://127.0.0.1:1/"), 5, 2, 0,
                Duration.ofSeconds(1), false, "classic");
        LoadReport r = WorkloadGenerator.report(options, Instant.EPOCH, outcomes, List.of(), 2.0, "shapes");
        assertThat(r.sent()).isEqualTo(5);
        assertThat(r.correct()).isEqualTo(2);
        assertThat(r.wrong()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.unknownTruth()).isEqualTo(1);
        assertThat(r.accuracy()).isEqualTo(2.0 / 3);
        assertThat(r.latencyMs().p50()).as("of the 4 answered: 10 20 30 40").isEqualTo(20);
        assertThat(r.latencyMs().p95()).isEqualTo(40);
        assertThat(r.latencyMs().max()).isEqualTo(40);
        assertThat(r.throughputPerSecond()).isEqualTo(2.0);
        assertThat(r.summary()).contains("accuracy   66.67%").contains("failed 1");
    }

    @Test
    void noGroundTruthMeansNoAccuracy() {
        LoadReport r = WorkloadGenerator.report(new WorkloadGenerator.Options(URI.create("http://x/"), 1, 1, 0,
                Duration.ofSeconds(1), false, "classic"), Instant.EPOCH,
                List.of(new LoadReport.Outcome("a", null, 200, "x", 0, 5)), List.of(), 1.0, null);
        assertThat(r.accuracy()).isNull();
        assertThat(r.summary()).contains("n/a (no ground truth)");
    }
}
