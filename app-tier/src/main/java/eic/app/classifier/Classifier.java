package eic.app.classifier;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * One loaded model per JVM. Each thread that classifies opens its own {@link Session}
 * (one DJL predictor), which is not shared between threads.
 */
public final class Classifier implements AutoCloseable {
    private final ModelCatalog.LoadedModel loaded;
    private final ClassifierTranslator translator;
    private final ImageDecoder decoder;

    public Classifier(ModelCatalog.LoadedModel loaded, long maxPixels) {
        this.loaded = loaded;
        this.translator = new ClassifierTranslator(loaded.preprocessing());
        this.decoder = new ImageDecoder(maxPixels, loaded.preprocessing());
    }

    public static Classifier load(ClassifierSettings settings) {
        return new Classifier(ModelCatalog.load(settings), settings.maxPixels());
    }

    public String modelName() {
        return loaded.name();
    }

    public String modelDescription() {
        return loaded.description();
    }

    /** How the network's input is made from a decoded image. */
    public Preprocessing preprocessing() {
        return loaded.preprocessing();
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    public Session newSession() {
        return new Session(loaded.model().newPredictor(translator));
    }

    @Override
    public void close() {
        loaded.model().close();
    }

    /** A predictor owned by one thread. */
    public final class Session implements AutoCloseable {
        private final Predictor<List<BufferedImage>, float[][]> predictor;

        private Session(Predictor<List<BufferedImage>, float[][]> predictor) {
            this.predictor = predictor;
        }

        public Classification classify(byte[] image) throws ImageDecodeException {
            return classify(List.of(decoder.decode(image))).get(0);
        }

        /** All images in one forward pass. */
        public List<Classification> classify(List<BufferedImage> images) {
            if (images.isEmpty()) {
                return List.of();
            }
            long start = System.nanoTime();
            float[][] logits;
            try {
                logits = predictor.predict(images);
            } catch (TranslateException e) {
                throw new IllegalStateException("inference failed on " + loaded.name() + ": " + e.getMessage(), e);
            }
            double perImageMs = (System.nanoTime() - start) / 1e6 / images.size();
            List<Classification> results = new ArrayList<>(logits.length);
            for (float[] row : logits) {
                List<Classification.Prediction> top5 = topK(softmax(row), 5);
                results.add(new Classification(top5.get(0).label(), top5.get(0).probability(), top5, loaded.name(),
                        perImageMs));
            }
            return results;
        }

        /**
         * One forward pass of {@code batch} blank images of the network's input size, before the
         * first message: the engine's first run (its memory arenas, PyTorch's graph passes) and the
         * cold code of this path are paid here, not by the first requests of a burst.
         */
        public void warmUp(int batch) {
            int size = loaded.preprocessing().size();
            List<BufferedImage> blank = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                blank.add(new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB));
            }
            classify(blank);
        }

        @Override
        public void close() {
            predictor.close();
        }
    }

    static double[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The k most probable classes, most probable first (a partial selection, no full sort). */
    List<Classification.Prediction> topK(double[] probabilities, int k) {
        int n = Math.min(k, probabilities.length);
        int[] best = new int[n];
        int filled = 0;
        for (int i = 0; i < probabilities.length; i++) {
            int at;
            if (filled < n) {
                at = filled++;
            } else if (probabilities[i] > probabilities[best[n - 1]]) {
                at = n - 1; // the least of the best so far drops out
            } else {
                continue;
            }
            while (at > 0 && probabilities[best[at - 1]] < probabilities[i]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        List<Classification.Prediction> top = new ArrayList<>(n);
        for (int i : best) {
            top.add(new Classification.Prediction(loaded.labels().get(i), probabilities[i]));
        }
        return top;
    }
}
