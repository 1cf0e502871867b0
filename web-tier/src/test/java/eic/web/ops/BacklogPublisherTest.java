package eic.web.ops;

import static org.assertj.core.api.Assertions.assertThat;

import eic.common.aws.QueueDepth;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

class BacklogPublisherTest {
    static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void theBacklogCountsVisibleAndInFlightAndIsSharedByTheWorkersInService() {
        List<MetricDatum> data = BacklogPublisher.data("eic-requests", new QueueDepth(90, 30), 4, AT);
        assertThat(data).extracting(MetricDatum::metricName).containsExactly("Backlog", "BacklogPerWorker");
        assertThat(data.get(0).value()).isEqualTo(120.0);
        assertThat(data.get(1).value()).isEqualTo(30.0);
        assertThat(data).allSatisfy(d -> {
            assertThat(d.storageResolution()).as("high resolution, for 10 s alarms").isEqualTo(1);
            assertThat(d.dimensions().get(0).value()).isEqualTo("eic-requests");
            assertThat(d.timestamp()).isEqualTo(AT);
        });
    }

    @Test
    void withNoWorkerInServiceTheWholeBacklogIsWhatOneWorkerWouldFace() {
        List<MetricDatum> data = BacklogPublisher.data("eic-requests", new QueueDepth(7, 0), 0, AT);
        assertThat(data.get(1).value()).isEqualTo(7.0);
    }

    @Test
    void aReadingIsPublishedEveryTenSecondsAndAtOnceWhenTheBacklogJumps() {
        assertThat(BacklogPublisher.due(AT, Instant.MIN, 0, 0)).as("the first reading").isTrue();
        assertThat(BacklogPublisher.due(AT.plusSeconds(9), AT, 5, 14)).as("9 s later, grown by 9").isFalse();
        assertThat(BacklogPublisher.due(AT.plusSeconds(1), AT, 5, 15)).as("1 s later, grown by 10: a burst")
                .isTrue();
        assertThat(BacklogPublisher.due(AT.plusSeconds(3), AT, 100, 0)).as("shrinking waits for the period")
                .isFalse();
        assertThat(BacklogPublisher.due(AT.plusSeconds(10), AT, 5, 5)).as("10 s later").isTrue();
    }
}
