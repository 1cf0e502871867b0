package eic.tools.training;

import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecoder;
import eic.app.classifier.ImageDecodeException;
import eic.app.classifier.Networks;
import eic.app.classifier.Preprocessing;
import eic.app.classifier.ModelCatalog;
import eic.app.classifier.Engines;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import eic.common.shapes.ShapeImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the {@code shapes} model from scratch on images generated with a fixed seed.
 * Half of the training images go through a JPEG round trip at a random quality, so the
 * model is as good on JPEG uploads as on PNG.
 */
public final class ShapesTrainer {
    private static final Logger log = LoggerFactory.getLogger(ShapesTrainer.class);

    public record Options(Path outputDir, long seed, int samples, int epochs, int batchSize) {
        public static Options defaults(Path outputDir) {
            return new Options(outputDir, 20261123L, 6000, 12, 64);
        }
    }

    private ShapesTrainer() {
    }

    public static Path train(Options options) throws IOException, TranslateException {
        Engines.configure(ClassifierSettings.from(eic.common.config.Env.system()));
        Engine.getInstance().setRandomSeed((int) options.seed());
        Preprocessing preprocessing = Preprocessing.stretch(Networks.SHAPES_INPUT);
        int features = 3 * Networks.SHAPES_INPUT * Networks.SHAPES_INPUT;
        float[] data = new float[options.samples() * features];
        float[] labels = new float[options.samples()];
        Random random = new Random(options.seed());
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        for (int i = 0; i < options.samples(); i++) {
            ShapeImages.Sample sample = ShapeImages.random(random, 32, 512);
            BufferedImage image = sample.image();
            if (random.nextBoolean()) {
                image = roundTripJpeg(decoder, image, 0.4f + random.nextFloat() * 0.55f);
            }
            System.arraycopy(preprocessing.toChw(image), 0, data, i * features, features);
            labels[i] = ShapeImages.LABELS.indexOf(sample.label());
        }
        log.info("generated {} training images (seed {})", options.samples(), options.seed());

        try (Model model = Model.newInstance(ModelCatalog.SHAPES, "PyTorch")) {
            model.setBlock(Networks.shapes(ShapeImages.LABELS.size()));
            NDManager manager = model.getNDManager();
            int side = Networks.SHAPES_INPUT;
            ArrayDataset dataset = new ArrayDataset.Builder()
                    .setData(manager.create(data, new Shape(options.samples(), 3, side, side)))
                    .optLabels(manager.create(labels, new Shape(options.samples())))
                    .setSampling(options.batchSize(), true)
                    .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.003f)).build())
                    .addEvaluator(new Accuracy());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 3, side, side));
                for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                    for (Batch batch : trainer.iterateDataset(dataset)) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                        batch.close();
                    }
                    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                    log.info("epoch {}/{}: training accuracy {}", epoch, options.epochs(),
                            String.format("%.4f", trainer.getTrainingResult().getTrainEvaluation("Accuracy")));
                }
            }
            Files.createDirectories(options.outputDir());
            model.save(options.outputDir(), ModelCatalog.SHAPES);
        }
        return options.outputDir().resolve("shapes-0000.params");
    }

    private static BufferedImage roundTripJpeg(ImageDecoder decoder, BufferedImage image, float quality) {
        try {
            return decoder.decode(ShapeImages.jpeg(image, quality));
        } catch (ImageDecodeException e) {
            throw new IllegalStateException("our own JPEG did not decode", e);
        }
    }
}
