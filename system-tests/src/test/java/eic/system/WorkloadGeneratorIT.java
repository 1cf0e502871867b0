package eic.system;

import eic.load.LoadReport;
import eic.load.Main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.messaging.Messages;
import eic.infra.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load client against the running local stack (with its fleet controller). */
class WorkloadGeneratorIT {
    static LocalStack stack;

    @BeforeAll
    static void start(@TempDir Path dataDir) throws Exception {
        stack = TestStacks.autoscaling(dataDir, 2);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void generatedBurstIsCountedAgainstGroundTruthAndReported(@TempDir Path out) throws Exception {
        LoadReport report = Main.run("--url", stack.webUrl(), "--generate", "24", "--requests", "30",
                "--concurrency", "6", "--seed", "5", "--no-progress", "--report", out.resolve("report.json").toString(),
                "--chart", out.resolve("chart.svg").toString(), "--save-images", out.resolve("images").toString());

        assertThat(report.sent()).isEqualTo(30);
        assertThat(report.failed()).isZero();
        assertThat(report.correct() + report.wrong()).isEqualTo(30);
        assertThat(report.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(report.model()).isEqualTo("shapes");
        assertThat(report.latencyMs().p50()).isPositive().isLessThanOrEqualTo(report.latencyMs().p95());
        assertThat(report.latencyMs().p99()).isLessThanOrEqualTo(report.latencyMs().max());
        assertThat(report.throughputPerSecond()).isPositive();
        assertThat(report.fleet()).as("sampled /api/v1/fleet").isNotEmpty();

        JsonNode json = Messages.json().readTree(Files.readString(out.resolve("report.json")));
        for (String field : new String[] {"sent", "correct", "wrong", "failed", "accuracy", "latencyMs", "throughputPerSecond",
                "wallSeconds", "outcomes", "fleet"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.path("latencyMs").has("p99")).isTrue();
        assertThat(json.path("outcomes")).hasSize(30);
        assertThat(Files.readString(out.resolve("chart.svg"))).startsWith("<svg").contains("latency");

        // the saved set replays through --images with its ground truth
        LoadReport second = Main.run("--url", stack.webUrl(), "--images", out.resolve("images").toString(),
                "--ground-truth", out.resolve("images/ground-truth.csv").toString(), "--concurrency", "4", "--rate", "20",
                "--no-progress");
        assertThat(second.sent()).isEqualTo(24);
        assertThat(second.unknownTruth()).isZero();
        assertThat(second.correct() + second.wrong()).isEqualTo(24);
        assertThat(second.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(second.wallSeconds()).as("24 requests at 20/s take at least 1.15 s").isGreaterThan(1.1);
    }

    @Test
    void theAsyncApiIsSubmittedAndPolledToTheSameAnswers() throws Exception {
        LoadReport report = Main.run("--url", stack.webUrl(), "--generate", "12", "--seed", "6", "--concurrency", "4",
                "--api", "async", "--no-progress");
        assertThat(report.api()).isEqualTo("async");
        assertThat(report.sent()).isEqualTo(12);
        assertThat(report.failed()).isZero();
        assertThat(report.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(report.model()).isEqualTo("shapes");
    }
}
