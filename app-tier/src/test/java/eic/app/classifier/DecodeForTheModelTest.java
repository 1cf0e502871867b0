package eic.app.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import eic.common.shapes.ShapeImages;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A worker decodes only what its network's preprocessing keeps: the decoded image is bounded
 * by the network's input, not the upload, and the labels are those of a full decode.
 */
class DecodeForTheModelTest {

    @Test
    void aLargeUploadDecodesToAFewTimesTheNetworksInput() throws Exception {
        byte[] png = ShapeImages.png(ShapeImages.random(new Random(5), 6000, 6000).image());
        BufferedImage imageNet = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.imageNet()).decode(png);
        assertThat((long) imageNet.getWidth() * imageNet.getHeight()).as("at most (2 x 4 x 256)^2 pixels")
                .isLessThanOrEqualTo(2048L * 2048);
        assertThat(imageNet.getWidth()).isGreaterThanOrEqualTo(Preprocessing.READ_MARGIN * 256);
        BufferedImage shapes = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.stretch(64)).decode(png);
        assertThat(shapes.getWidth()).isBetween(4 * 64, 8 * 64);
        assertThat(shapes.getHeight()).isBetween(4 * 64, 8 * 64);
        BufferedImage small = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.imageNet())
                .decode(ShapeImages.png(ShapeImages.random(new Random(6), 300, 300).image()));
        assertThat(small.getWidth()).as("a small image is read whole").isEqualTo(300);
    }

    @Test
    void theShapesModelIsAtLeastAsRightAsWithAFullDecode() throws Exception {
        Agreement a = compare(TestSettings.model(ModelCatalog.SHAPES), 60);
        System.out.printf("shapes, 60 uploads of 500-3000 px: full decode %d right, the model's decode %d right, "
                + "same label %d%n", a.wholeRight(), a.readRight(), a.same());
        assertThat(a.readRight()).as("right answers (the drawn shape)").isGreaterThanOrEqualTo(a.wholeRight());
        assertThat(a.same()).as("the same label as a full decode").isGreaterThanOrEqualTo(a.images() * 9 / 10);
    }

    @Test
    void resNet18MostlyGivesTheTop1OfAFullDecode() throws Exception {
        Agreement a = compare(TestSettings.model(TorchScriptResNet18Test.sharedModel().resolve("resnet18-random.onnx")
                .toString()), 16);
        System.out.printf("resnet18-random, 16 uploads of 500-3000 px: same top-1 as a full decode %d%n", a.same());
        assertThat(a.same()).as("the same top-1 as a full decode").isGreaterThanOrEqualTo(a.images() * 9 / 10);
    }

    private record Agreement(int images, int same, int wholeRight, int readRight) {
    }

    /** PNG and JPEG uploads of 500 to 3000 px a side, some far from square: a full decode and the model's. */
    private static Agreement compare(ClassifierSettings settings, int images) throws Exception {
        Random random = new Random(7);
        ImageDecoder full = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        int same = 0;
        int wholeRight = 0;
        int readRight = 0;
        try (Classifier classifier = Classifier.load(settings); Classifier.Session session = classifier.newSession()) {
            for (int i = 0; i < images; i++) {
                ShapeImages.Colour colour = ShapeImages.Colour.values()[i % 3];
                ShapeImages.Kind kind = ShapeImages.Kind.values()[i / 3 % 3];
                BufferedImage image = ShapeImages.draw(random, colour, kind, 500 + random.nextInt(2500),
                        500 + random.nextInt(2500));
                byte[] upload = i % 2 == 0 ? ShapeImages.png(image) : ShapeImages.jpeg(image, 0.9f);
                String truth = ShapeImages.label(colour, kind);
                String whole = session.classify(List.of(full.decode(upload))).get(0).label();
                String read = session.classify(List.of(classifier.decoder().decode(upload))).get(0).label();
                same += whole.equals(read) ? 1 : 0;
                wholeRight += whole.equals(truth) ? 1 : 0;
                readRight += read.equals(truth) ? 1 : 0;
            }
        }
        return new Agreement(images, same, wholeRight, readRight);
    }
}
