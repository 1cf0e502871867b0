package eic.web.ops;

import static org.assertj.core.api.Assertions.assertThat;

import eic.web.classify.RequestStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

class MetricsPublisherTest {
    static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void latenciesGoAsValuesWithCountsSoCloudWatchComputesPercentiles() {
        List<RequestStats.Answer> answers = List.of(answer(40), answer(40), answer(55), answer(900));
        List<MetricDatum> data = MetricsPublisher.data(answers, Map.of(), Map.of(), AT);
        assertThat(data).hasSize(1);
        assertThat(data.get(0).metricName()).isEqualTo("RequestLatency");
        assertThat(data.get(0).values()).containsExactly(40.0, 55.0, 900.0);
        assertThat(data.get(0).counts()).containsExactly(2.0, 1.0, 1.0);
        assertThat(data.get(0).timestamp()).isEqualTo(AT);
    }

    @Test
    void moreThan150DistinctLatenciesAreSplitAcrossDatums() {
        List<RequestStats.Answer> answers = new ArrayList<>();
        for (int ms = 1; ms <= 400; ms++) {
            answers.add(answer(ms));
        }
        List<MetricDatum> data = MetricsPublisher.data(answers, Map.of(), Map.of(), AT);
        assertThat(data).hasSize(3).allSatisfy(d -> assertThat(d.values()).hasSizeLessThanOrEqualTo(150));
        assertThat(data.stream().mapToInt(d -> d.values().size()).sum()).isEqualTo(400);
    }

    @Test
    void outcomesAreTheCountsSinceTheLastPublication() {
        List<MetricDatum> data = MetricsPublisher.data(List.of(), Map.of("ok", 12.0, "failed", 3.0, "timeout", 1.0),
                Map.of("ok", 10.0, "timeout", 1.0), AT);
        assertThat(data).extracting(d -> d.dimensions().get(0).value() + "=" + d.value())
                .containsExactlyInAnyOrder("ok=2.0", "failed=3.0");
        assertThat(data).allSatisfy(d -> assertThat(d.metricName()).isEqualTo("Requests"));
    }

    private static RequestStats.Answer answer(long latencyMillis) {
        return new RequestStats.Answer(AT.toEpochMilli(), latencyMillis, true);
    }
}
