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

    @Test
    void serverTimingIsReadInOrderAndEachStageIsReportedByItsMedianOverTheAnswers() {
        assertThat(ClassicClient.stages("intake;dur=1.5, store;desc=\"upload\";dur=3, enqueue;dur=x, total;dur=9"))
                .containsExactly(java.util.Map.entry("intake", 1.5), java.util.Map.entry("store", 3.0),
                        java.util.Map.entry("total", 9.0));
        List<LoadReport.Outcome> outcomes = List.of(
                new LoadReport.Outcome("a", null, 200, "x", 0, 10, ClassicClient.stages("store;dur=1, model;dur=4")),
                new LoadReport.Outcome("b", null, 200, "x", 1, 10, ClassicClient.stages("store;dur=3, model;dur=5")),
                new LoadReport.Outcome("c", null, 200, "x", 2, 10, ClassicClient.stages("store;dur=2")),
                new LoadReport.Outcome("d", null, 504, "late", 3, 10, ClassicClient.stages("store;dur=99")));
        LoadReport r = WorkloadGenerator.report(new WorkloadGenerator.Options(URI.create("http://x/"), 4, 1, 0,
                Duration.ofSeconds(1), false, "classic"), Instant.EPOCH, outcomes, List.of(), 1.0, "shapes");
        assertThat(r.stageMediansMs()).as("answered ones only").containsExactly(java.util.Map.entry("store", 2.0),
                java.util.Map.entry("model", 4.0));
        assertThat(r.summary()).contains("stages     median ms (Server-Timing): store 2.0   model 4.0");
    }
}
