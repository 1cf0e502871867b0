package eic.app.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import eic.common.shapes.ShapeImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Runtime engine on the shared random-weight ResNet-18 in ONNX form (the same
 * weights as the TorchScript file): the recorded logits, and the same answers as PyTorch
 * on the same images. Skips where ../shared is absent.
 */
class OnnxEngineTest {

    @Test
    void knownInputReproducesTheRecordedLogits() throws Exception {
        Path dir = TorchScriptResNet18Test.sharedModel();
        double[] expected = Arrays.stream(Files.readString(dir.resolve("expected-logits.txt")).trim().split("\\s+"))
                .mapToDouble(Double::parseDouble).toArray();
        ModelCatalog.LoadedModel loaded = ModelCatalog.onnx(dir.resolve("resnet18-random.onnx"), "resnet18",
                settings(dir.resolve("resnet18-random.onnx").toString()));
        try (ai.djl.Model model = loaded.model();
             Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
             NDManager manager = model.getNDManager().newSubManager()) {
            float[] x = new float[3 * 224 * 224];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) i / (3 * 224 * 224);
            }
            float[] logits = predictor.predict(new NDList(manager.create(x, new Shape(1, 3, 224, 224))))
                    .singletonOrThrow().toFloatArray();
            assertThat(logits).hasSize(1000);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) logits[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-4));
            }
        }
    }

    @Test
    void bothEnginesGiveTheSameAnswersOnTheSameImages() throws Exception {
        Path dir = TorchScriptResNet18Test.sharedModel();
        Random random = new Random(21);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            images.add(ShapeImages.png(ShapeImages.random(random, 100, 300).image()));
        }
        List<Classification> torch = classifyAll(settings(dir.resolve("resnet18-random.pt").toString()), images);
        List<Classification> ort = classifyAll(settings(dir.resolve("resnet18-random.onnx").toString()), images);
        for (int i = 0; i < images.size(); i++) {
            assertThat(ort.get(i).label()).as("image %d", i).isEqualTo(torch.get(i).label());
            for (int k = 0; k < 5; k++) {
                assertThat(ort.get(i).top5().get(k).label()).isEqualTo(torch.get(i).top5().get(k).label());
                assertThat(ort.get(i).top5().get(k).probability())
                        .isCloseTo(torch.get(i).top5().get(k).probability(), within(1e-4));
            }
        }
    }

    @Test
    void aDirectoryServesTheFormTheEngineSettingNames() {
        Path dir = TorchScriptResNet18Test.sharedModel();
        // The shared folder holds both forms; the engine picks one.
        ClassifierSettings onnx = new ClassifierSettings(ModelCatalog.RESNET18, Optional.of(dir), Optional.empty(), 2,
                1, ImageDecoder.DEFAULT_MAX_PIXELS, ClassifierSettings.ONNX_RUNTIME);
        try (Classifier classifier = Classifier.load(onnx)) {
            assertThat(classifier.modelDescription()).contains("ONNX Runtime").contains("resnet18-random.onnx");
            assertThat(classifier.modelName()).isEqualTo(ModelCatalog.RESNET18);
        }
    }

    @Test
    void theJavaBuiltModelsRefuseAnotherEngineClearly() {
        assertThatThrownBy(() -> Classifier.load(TestSettings.model(ModelCatalog.SHAPES)
                .withEngine(ClassifierSettings.ONNX_RUNTIME)))
                .isInstanceOf(ModelUnavailableException.class).hasMessageContaining("PyTorch only");
        assertThatThrownBy(() -> TestSettings.model(ModelCatalog.SHAPES).withEngine("tensorflow"))
                .hasMessageContaining("EIC_ENGINE");
    }

    private static ClassifierSettings settings(String model) {
        return TestSettings.model(model);
    }

    private static List<Classification> classifyAll(ClassifierSettings settings, List<byte[]> images)
            throws ImageDecodeException {
        List<Classification> out = new ArrayList<>();
        try (Classifier classifier = Classifier.load(settings); Classifier.Session session = classifier.newSession()) {
            for (byte[] image : images) {
                out.add(session.classify(image));
            }
        }
        return out;
    }
}
