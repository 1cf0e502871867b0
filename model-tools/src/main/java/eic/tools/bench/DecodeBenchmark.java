package eic.tools.bench;

import eic.app.classifier.ImageDecodeException;
import eic.app.classifier.ImageDecoder;
import eic.app.classifier.Preprocessing;
import eic.common.shapes.ShapeImages;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What an upload costs a worker before the model: decode + preprocess CPU-ms per image, for
 * a whole decode (what the worker did before) and for the decode of what the network keeps
 * ({@link Preprocessing#sourceArea} through ImageIO; {@link Preprocessing#reduction} through
 * libturbojpeg for a JPEG), on the inputs that matter: a 64 x 64 PNG, a 2-megapixel
 * JPEG and a 2-megapixel PNG (photo-sized, 1632 x 1224), for the ImageNet and the shapes
 * preprocessing. CPU time of this thread, after a warm-up: the median of five rounds taken in turn.
 */
public final class DecodeBenchmark {
    private DecodeBenchmark() {
    }

    /**
     * One input under one preprocessing: CPU-ms per image for a whole decode, for the read of
     * what the network keeps by ImageIO alone, and by the worker's decoder (libturbojpeg's
     * scaled decode for JPEG where installed; else the same as ImageIO).
     */
    public record Result(String input, String preprocessing, double wholeCpuMs, double imageIoCpuMs,
            double workerCpuMs) {
        @Override
        public String toString() {
            return String.format("%-18s %-9s whole %6.2f  ImageIO read %6.2f (%.1fx)  worker's read %6.2f (%.1fx)"
                    + "  CPU-ms", input, preprocessing, wholeCpuMs, imageIoCpuMs, wholeCpuMs / imageIoCpuMs,
                    workerCpuMs, wholeCpuMs / workerCpuMs);
        }
    }

    /** Whether the worker's decoder here scales JPEGs (libturbojpeg found). */
    public static boolean scalesJpeg() {
        return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, Preprocessing.imageNet()).scalesJpeg();
    }

    private static final int ROUNDS = 5;

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    public static List<Result> run(int iterations) throws ImageDecodeException {
        Random random = new Random(3);
        BufferedImage small = ShapeImages.random(random, 64, 64).image();
        BufferedImage photo = ShapeImages.photoLike(random, 1632, 1224, 40);
        List<Object[]> inputs = List.of(new Object[] {"64x64 PNG", ShapeImages.png(small)},
                new Object[] {"2-Mpx JPEG", ShapeImages.jpeg(photo, 0.9f)},
                new Object[] {"2-Mpx JPEG, smooth", ShapeImages.jpeg(ShapeImages.photoLike(random, 1632, 1224, 8), 0.9f)},
                new Object[] {"2-Mpx PNG", ShapeImages.png(photo)});
        List<Result> results = new ArrayList<>();
        for (Object[] input : inputs) {
            for (Object[] p : List.of(new Object[] {"imagenet", Preprocessing.imageNet()},
                    new Object[] {"shapes", Preprocessing.stretch(64)})) {
                Preprocessing preprocessing = (Preprocessing) p[1];
                byte[] bytes = (byte[]) input[1];
                List<ImageDecoder> decoders = List.of(new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS),
                        ImageDecoder.imageIoOnly(ImageDecoder.DEFAULT_MAX_PIXELS, preprocessing),
                        new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, preprocessing));
                for (ImageDecoder decoder : decoders) { // warm-up: the JIT (the resize compiles late), the readers
                    cpuMs(decoder, preprocessing, bytes, Math.max(50, iterations));
                }
                // Rounds in turn, the median of each: a slower moment of the machine touches all three alike.
                double[][] rounds = new double[decoders.size()][ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    for (int d = 0; d < decoders.size(); d++) {
                        rounds[d][round] = cpuMs(decoders.get(d), preprocessing, bytes,
                                Math.max(1, iterations / ROUNDS));
                    }
                }
                results.add(new Result((String) input[0], (String) p[0], median(rounds[0]), median(rounds[1]),
                        median(rounds[2])));
            }
        }
        return results;
    }

    private static double cpuMs(ImageDecoder decoder, Preprocessing preprocessing, byte[] bytes, int iterations)
            throws ImageDecodeException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        float sink = 0;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < iterations; i++) {
            sink += preprocessing.toChw(decoder.decode(bytes))[0];
        }
        long cpuNanos = threads.getCurrentThreadCpuTime() - start;
        if (Float.isNaN(sink)) {
            throw new IllegalStateException("the preprocessing gave NaN");
        }
        return cpuNanos / 1e6 / iterations;
    }
}
