package eic.app.classifier;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
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
        this.translator = new ClassifierTranslator(loaded.preprocessing(), loaded.labels());
        this.decoder = new ImageDecoder(maxPixels);
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
        private final Predictor<BufferedImage, Classifications> predictor;

        private Session(Predictor<BufferedImage, Classifications> predictor) {
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
            List<Classifications> outputs;
            try {
                outputs = predictor.batchPredict(images);
            } catch (TranslateException e) {
                throw new IllegalStateException("inference failed on " + loaded.name() + ": " + e.getMessage(), e);
            }
            double perImageMs = (System.nanoTime() - start) / 1e6 / images.size();
            List<Classification> results = new ArrayList<>(outputs.size());
            for (Classifications output : outputs) {
                List<Classification.Prediction> top5 = output.topK(5).stream()
                        .map(c -> new Classification.Prediction(c.getClassName(), c.getProbability()))
                        .toList();
                results.add(new Classification(top5.get(0).label(), top5.get(0).probability(), top5, loaded.name(),
                        perImageMs));
            }
            return results;
        }

        @Override
        public void close() {
            predictor.close();
        }
    }
}
