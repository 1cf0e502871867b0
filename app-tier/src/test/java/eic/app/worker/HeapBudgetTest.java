package eic.app.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eic.app.classifier.ImageDecoder;
import eic.app.classifier.Preprocessing;
import eic.common.aws.StackNames;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The heap a worker needs follows from the door's limits: its batch fits, is lowered, or it refuses to start. */
class HeapBudgetTest {
    private static final long MB = 1L << 20;
    private static final long UPLOAD = 10 * MB;
    private final WorkerSettings tenPerBatch = new WorkerSettings("w", StackNames.of("eic", null, null, null, null,
            null), 10, Duration.ofSeconds(20), Duration.ofSeconds(30), 1, 2, Duration.ofSeconds(60),
            Duration.ofMinutes(15), 16_000_000L, new Reconciler.Settings(Duration.ofMinutes(5), Duration.ofMinutes(15),
            3));

    @Test
    void theShapesModelsLargestBatchFitsTheLocalHeap() {
        HeapBudget budget = HeapBudget.of(512 * MB, UPLOAD, ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.stretch(64));
        assertThat(budget.perImageBytes()).as("the upload, 512^2 pixels decoded twice over, the tensor")
                .isEqualTo(UPLOAD + 512L * 512 * 8 + 3 * 64 * 64 * 4);
        assertThat(budget.fit(tenPerBatch)).isSameAs(tenPerBatch);
    }

    @Test
    void aHeapThatCannotHoldTheLargestBatchLowersIt() {
        HeapBudget resNet = HeapBudget.of(512 * MB, UPLOAD, ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.imageNet());
        assertThat(resNet.perImageBytes()).isEqualTo(UPLOAD + 2048L * 2048 * 8 + 3 * 224 * 224 * 4);
        assertThat(resNet.fit(tenPerBatch).maxMessages()).as("384 MiB / 42.6 MiB").isEqualTo(9);
        assertThat(HeapBudget.of(64 * MB, UPLOAD, ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.imageNet())
                .fit(tenPerBatch).maxMessages()).isEqualTo(1);
    }

    @Test
    void aHeapThatCannotHoldOneImageRefusesToStartSayingWhatToChange() {
        HeapBudget tiny = HeapBudget.of(32 * MB, UPLOAD, ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.imageNet());
        assertThatThrownBy(() -> tiny.fit(tenPerBatch)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot hold one image").hasMessageContaining("EIC_WORKER_HEAP");
    }
}
