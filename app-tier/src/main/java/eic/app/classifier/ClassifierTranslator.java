package eic.app.classifier;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Decoded image in, class probabilities out. Inputs are created in the per-call manager
 * of the context, so nothing outlives the call (no native memory growth).
 */
final class ClassifierTranslator implements Translator<BufferedImage, Classifications> {
    private final Preprocessing preprocessing;
    private final List<String> labels;

    ClassifierTranslator(Preprocessing preprocessing, List<String> labels) {
        this.preprocessing = preprocessing;
        this.labels = List.copyOf(labels);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, BufferedImage image) {
        int[] s = preprocessing.shape();
        NDArray array = ctx.getNDManager().create(preprocessing.toChw(image), new Shape(s[0], s[1], s[2]));
        return new NDList(array);
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        NDArray probabilities = list.singletonOrThrow().softmax(0);
        return new Classifications(labels, probabilities, 5);
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
