package eic.app.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import eic.common.shapes.ShapeImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The real TorchScript path with the shared random-weight ResNet-18 (same format and graph as
 * the zoo's pretrained one). Skips where ../shared is absent.
 */
class TorchScriptResNet18Test {

    static Path sharedModel() {
        Path home = Path.of(System.getProperty("eic.home", "..")).toAbsolutePath().normalize();
        Path dir = home.resolveSibling("shared").resolve("models/resnet18-random");
        assumeTrue(Files.isRegularFile(dir.resolve("resnet18-random.pt")),
                "skipped: ../shared/models/resnet18-random is absent on this machine (it is never copied into the project)");
        return dir;
    }

    @Test
    void knownInputReproducesTheRecordedLogits() throws Exception {
        Path dir = sharedModel();
        double[] expected = Arrays.stream(Files.readString(dir.resolve("expected-logits.txt")).trim().split("\\s+"))
                .mapToDouble(Double::parseDouble).toArray();
        ModelCatalog.LoadedModel loaded = ModelCatalog.torchScript(dir, ModelCatalog.RESNET18);
        try (ai.djl.Model model = loaded.model();
             Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
             NDManager manager = model.getNDManager().newSubManager()) {
            assertThat(model.getName()).isEqualTo("resnet18-random");
            float[] x = new float[3 * 224 * 224];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) i / (3 * 224 * 224);
            }
            NDArray input = manager.create(x, new Shape(1, 3, 224, 224));
            float[] logits = predictor.predict(new NDList(input)).singletonOrThrow().toFloatArray();
            assertThat(logits).hasSize(1000);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) logits[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-4));
            }
        }
    }

    @Test
    void aDirectoryWithTorchScriptAndSynsetServesImageNetLabels() throws Exception {
        Path dir = sharedModel();
        ClassifierSettings settings = TestSettings.model(ModelCatalog.RESNET18);
        settings = new ClassifierSettings(ModelCatalog.RESNET18, java.util.Optional.of(dir), settings.cacheDir(), 2, 1,
                settings.maxPixels());
        try (Classifier classifier = Classifier.load(settings); Classifier.Session session = classifier.newSession()) {
            Classification c = session.classify(ShapeImages.png(ShapeImages.random(new Random(3), 300, 400).image()));
            assertThat(ModelCatalog.readSynset(dir)).hasSize(1000).startsWith("tench", "goldfish");
            assertThat(ModelCatalog.readSynset(dir)).contains(c.label());
            assertThat(c.model()).isEqualTo(ModelCatalog.RESNET18);
        }
    }
}
