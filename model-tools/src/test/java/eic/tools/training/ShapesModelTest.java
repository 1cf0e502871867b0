package eic.tools.training;

import eic.app.classifier.Classifier;
import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecoder;
import eic.app.classifier.ModelCatalog;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

import eic.common.shapes.ShapeImages;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed shapes model on images it has never seen: new seeds of the generator, and
 * shapes drawn the way another program would (a per-pixel rasteriser, no anti-aliasing,
 * pure CSS colours, no rotation) on square images from 32 to 512 px.
 */
class ShapesModelTest {
    private static final int[][] COLOURS = {{255, 0, 0}, {0, 128, 0}, {0, 0, 255}};
    private static final String[] COLOUR_NAMES = {"red", "green", "blue"};
    private static final int[] BACKGROUNDS = {0xFFFFFF, 0xF5F5DC, 0xEEEEEE, 0xFFFAF0, 0xE6F0FF};
    private static Classifier classifier;
    private static Classifier.Session session;

    @BeforeAll
    static void load() {
        classifier = Classifier.load(new ClassifierSettings(ModelCatalog.SHAPES, Optional.empty(), Optional.empty(), 2, 1,
                ImageDecoder.DEFAULT_MAX_PIXELS));
        session = classifier.newSession();
    }

    @AfterAll
    static void close() {
        session.close();
        classifier.close();
    }

    @Test
    void heldOutPngAccuracyIsAtLeast98Percent() throws Exception {
        ShapesEvaluation.Accuracy accuracy = ShapesEvaluation.evaluate(session, classifier.decoder(), 990001L, 300,
                32, 512, ShapeImages::png);
        assertThat(accuracy.value()).as("PNG %s, mistakes %s", accuracy, accuracy.mistakes()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void heldOutJpegQuality75AccuracyIsAtLeast98Percent() throws Exception {
        ShapesEvaluation.Accuracy accuracy = ShapesEvaluation.evaluate(session, classifier.decoder(), 990002L, 300,
                32, 512, image -> ShapeImages.jpeg(image, 0.75f));
        assertThat(accuracy.value()).as("JPEG %s, mistakes %s", accuracy, accuracy.mistakes()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void recognisesShapesFromAnotherRasteriserAt32To512Pixels() {
        Random random = new Random(555);
        int correct = 0;
        int total = 0;
        List<String> mistakes = new ArrayList<>();
        for (int side : new int[] {32, 48, 64, 100, 128, 200, 256, 384, 512}) {
            for (int i = 0; i < 18; i++) {
                int colour = i % 3;
                int kind = (i / 3) % 3;
                String truth = COLOUR_NAMES[colour] + " " + new String[] {"circle", "square", "triangle"}[kind];
                BufferedImage image = draw(random, side, colour, kind);
                String label = session.classify(List.of(image)).get(0).label();
                total++;
                if (label.equals(truth)) {
                    correct++;
                } else {
                    mistakes.add(side + "px " + truth + " -> " + label);
                }
            }
        }
        assertThat((double) correct / total).as("%d/%d, mistakes %s", correct, total, mistakes)
                .isGreaterThanOrEqualTo(0.95);
    }

    private static BufferedImage draw(Random random, int side, int colour, int kind) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int bg = BACKGROUNDS[random.nextInt(BACKGROUNDS.length)];
        int fg = (COLOURS[colour][0] << 16) | (COLOURS[colour][1] << 8) | COLOURS[colour][2];
        double size = side * (0.35 + random.nextDouble() * 0.4);
        double cx = size / 2 + random.nextDouble() * (side - size);
        double cy = size / 2 + random.nextDouble() * (side - size);
        double r = size / 2;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                boolean inside = switch (kind) {
                    case 0 -> dx * dx + dy * dy <= r * r;
                    case 1 -> Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
                    default -> dy <= r * 0.75 && dy >= -r && Math.abs(dx) <= (dy + r) / 1.75 * 0.866 * 1.15;
                };
                image.setRGB(x, y, inside ? fg : bg);
            }
        }
        return image;
    }
}
