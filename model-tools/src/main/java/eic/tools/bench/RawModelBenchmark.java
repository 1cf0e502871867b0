package eic.tools.bench;

import eic.app.classifier.Classifier;
import eic.app.classifier.ClassifierSettings;
import eic.app.classifier.ImageDecodeException;
import eic.common.shapes.ShapeImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The raw model loop: decoded images straight into the predictor, no queue, no S3. It is
 * the reference the end-to-end benchmark is measured against.
 */
public final class RawModelBenchmark {

    /**
     * One batch size's row. {@code cpuMsPerImage}: this process's CPU time (every thread, the engine's
     * included) per image - what the end-to-end benchmark subtracts from a worker's CPU per request to
     * find the worker's own overhead.
     */
    public record Result(String model, int batch, int images, double seconds, double imagesPerSecond,
                         double msPerImage, double cpuMsPerImage, long rssMb) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "model=%s batch=%d images=%d images/s=%.1f ms/image=%.1f cpu-ms/image=%.2f rss=%dMB", model, batch,
                    images, imagesPerSecond, msPerImage, cpuMsPerImage, rssMb);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private RawModelBenchmark() {
    }

    public static List<Result> run(ClassifierSettings settings, int[] batches, int imagesPerBatchSize)
            throws ImageDecodeException {
        List<Result> results = new ArrayList<>();
        try (Classifier classifier = Classifier.load(settings); Classifier.Session session = classifier.newSession()) {
            Random random = new Random(7);
            List<BufferedImage> pool = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                pool.add(classifier.decoder().decode(ShapeImages.png(ShapeImages.random(random, 200, 400).image())));
            }
            for (int batch : batches) {
                List<BufferedImage> input = pool.subList(0, batch);
                for (int i = 0; i < 3; i++) {
                    session.classify(input); // warm-up
                }
                int rounds = Math.max(1, imagesPerBatchSize / batch);
                long start = System.nanoTime();
                long cpuStart = processCpuNanos();
                for (int i = 0; i < rounds; i++) {
                    session.classify(input);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
                int images = rounds * batch;
                results.add(new Result(classifier.modelName(), batch, images, seconds, images / seconds,
                        seconds * 1000 / images, cpuMs / images, rssMb()));
            }
        }
        return results;
    }

    /**
     * Classifies {@code total} images (batches of 8, each image decoded from PNG bytes) and
     * prints the RSS every {@code total / 10}: native memory must stay flat.
     */
    public static void soak(ClassifierSettings settings, int total, java.io.PrintStream out)
            throws ImageDecodeException {
        try (Classifier classifier = Classifier.load(settings); Classifier.Session session = classifier.newSession()) {
            Random random = new Random(11);
            List<byte[]> pngs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                pngs.add(ShapeImages.png(ShapeImages.random(random, 64, 256).image()));
            }
            out.printf("model=%s rss after load=%dMB%n", classifier.modelName(), rssMb());
            int step = Math.max(8, total / 10);
            for (int done = 0; done < total; done += 8) {
                List<BufferedImage> batch = new ArrayList<>(8);
                for (int j = 0; j < 8; j++) {
                    batch.add(classifier.decoder().decode(pngs.get((done + j) % pngs.size())));
                }
                session.classify(batch);
                if ((done + 8) % step < 8) {
                    out.printf("classified=%d rss=%dMB%n", done + 8, rssMb());
                }
            }
        }
    }

    /** Resident set size of this JVM (heap, native libtorch and tensors), from /proc. */
    public static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
