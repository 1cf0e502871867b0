package eic.app.classifier;

import java.util.List;

/**
 * One image's answer.
 *
 * @param inferenceMs this image's share of its batch's forward pass (batch time / batch size)
 */
public record Classification(String label, double confidence, List<Prediction> top5, String model,
                             double inferenceMs) {

    public record Prediction(String label, double probability) {
    }
}
