package eic.app.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.util.Pair;
import eic.common.shapes.ShapeImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSelectionTest {

    @Test
    void batchResultsEqualSingleResults() throws Exception {
        try (Classifier classifier = Classifier.load(TestSettings.model(ModelCatalog.SHAPES));
             Classifier.Session session = classifier.newSession()) {
            Random random = new Random(31);
            List<BufferedImage> images = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                images.add(classifier.decoder().decode(ShapeImages.png(ShapeImages.random(random, 48, 300).image())));
            }
            List<Classification> batch = session.classify(images);
            assertThat(batch).hasSize(8);
            for (int i = 0; i < images.size(); i++) {
                Classification single = session.classify(List.of(images.get(i))).get(0);
                assertThat(batch.get(i).label()).isEqualTo(single.label());
                assertThat(batch.get(i).model()).isEqualTo("shapes");
                for (int k = 0; k < 5; k++) {
                    assertThat(batch.get(i).top5().get(k).label()).isEqualTo(single.top5().get(k).label());
                    assertThat(batch.get(i).top5().get(k).probability())
                            .isCloseTo(single.top5().get(k).probability(), within(1e-4));
                }
            }
        }
    }

    @Test
    void resnet18WithoutReachableWeightsSaysSoAndNamesTheAlternatives() {
        assertThatThrownBy(() -> ModelCatalog.load(TestSettings.model(ModelCatalog.RESNET18)))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("pretrained ResNet-18 weights cannot be had here")
                .hasMessageContaining("EIC_MODEL=shapes")
                .hasMessageContaining("EIC_RESNET18_DIR");
    }

    @Test
    void aPathWithoutAModelIsAClearError(@TempDir Path empty) {
        assertThatThrownBy(() -> ModelCatalog.load(TestSettings.model(empty.toString())))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("expected exactly one .pt file")
                .hasMessageContaining("EIC_MODEL=resnet18-untrained");
    }

    @Test
    void untrainedResNet18IsTorchvisionShapedAndSaysItsLabelsAreMeaningless() throws Exception {
        try (Classifier classifier = Classifier.load(TestSettings.model(ModelCatalog.RESNET18_UNTRAINED));
             Classifier.Session session = classifier.newSession()) {
            ModelCatalog.LoadedModel loaded = ModelCatalog.resnet18Untrained();
            long learnable = 0;
            for (Pair<String, ai.djl.nn.Parameter> p : loaded.model().getBlock().getParameters()) {
                String name = p.getKey();
                if (!name.endsWith("runningMean") && !name.endsWith("runningVar")) {
                    NDArray array = p.getValue().getArray();
                    learnable += array.size();
                }
            }
            loaded.model().close();
            assertThat(learnable).as("torchvision resnet18 has 11,689,512 parameters").isEqualTo(11_689_512L);
            assertThat(classifier.modelDescription()).contains("RANDOM weights");
            Classification c = session.classify(ShapeImages.png(ShapeImages.random(new Random(1), 224, 300).image()));
            assertThat(c.label()).startsWith("untrained-class-");
            assertThat(c.top5()).hasSize(5);
        }
    }
}
