package eic.tools.training;

import eic.app.classifier.Classifier;
import eic.app.classifier.ImageDecoder;
import eic.app.classifier.ImageDecodeException;
import eic.app.classifier.Classification;

import eic.common.shapes.ShapeImages;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** Held-out accuracy of a classifier on freshly generated shapes. */
public final class ShapesEvaluation {
    private ShapesEvaluation() {
    }

    public record Accuracy(int correct, int total, List<String> mistakes) {
        public double value() {
            return total == 0 ? 0 : (double) correct / total;
        }

        @Override
        public String toString() {
            return String.format("%d/%d = %.2f%%", correct, total, 100 * value());
        }
    }

    /** Encodes each generated image with {@code encoder} (PNG, JPEG, ...) and classifies the bytes in batches. */
    public static Accuracy evaluate(Classifier.Session session, ImageDecoder decoder, long seed, int count,
                                    int minSide, int maxSide, Function<BufferedImage, byte[]> encoder)
            throws ImageDecodeException {
        Random random = new Random(seed);
        int correct = 0;
        List<String> mistakes = new ArrayList<>();
        List<BufferedImage> batch = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ShapeImages.Sample sample = ShapeImages.random(random, minSide, maxSide);
            batch.add(decoder.decode(encoder.apply(sample.image())));
            truth.add(sample.label());
            if (batch.size() == 16 || i == count - 1) {
                List<Classification> results = session.classify(batch);
                for (int j = 0; j < results.size(); j++) {
                    if (results.get(j).label().equals(truth.get(j))) {
                        correct++;
                    } else {
                        mistakes.add(truth.get(j) + " -> " + results.get(j).label());
                    }
                }
                batch.clear();
                truth.clear();
            }
        }
        return new Accuracy(correct, count, mistakes);
    }
}
