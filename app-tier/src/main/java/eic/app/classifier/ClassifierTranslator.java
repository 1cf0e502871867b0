package eic.app.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Decoded images in, one row of logits per image out, the same for every engine: the
 * batch is laid out in plain Java and handed to the engine as one tensor, and the logits
 * come back as floats (ONNX Runtime has no tensor operators, and neither end needs any).
 * Inputs live in the per-call manager of the context, so nothing outlives the call.
 */
final class ClassifierTranslator implements Translator<List<BufferedImage>, float[][]> {
    private final Preprocessing preprocessing;

    ClassifierTranslator(Preprocessing preprocessing) {
        this.preprocessing = preprocessing;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<BufferedImage> images) {
        int[] s = preprocessing.shape();
        int each = s[0] * s[1] * s[2];
        FloatBuffer batch = FloatBuffer.allocate(each * images.size());
        for (BufferedImage image : images) {
            batch.put(preprocessing.toChw(image));
        }
        batch.flip();
        NDArray array = ctx.getNDManager().create(batch, new Shape(images.size(), s[0], s[1], s[2]));
        return new NDList(array);
    }

    /** The batch is one tensor already: no stacking by DJL. */
    @Override
    public Batchifier getBatchifier() {
        return null;
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray output = list.get(0);
        int rows = (int) output.getShape().get(0);
        float[] flat = output.toFloatArray();
        int classes = flat.length / rows;
        float[][] logits = new float[rows][classes];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * classes, logits[r], 0, classes);
        }
        return logits;
    }
}
