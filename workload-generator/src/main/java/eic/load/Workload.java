package eic.load;

import eic.common.shapes.ShapeImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** The images to send, each with its ground truth when known. */
public final class Workload {

    public record Item(String name, byte[] bytes, String truth) {
    }

    private Workload() {
    }

    /** Synthetic images the shapes model knows; names and labels are reproducible from the seed. */
    public static List<Item> generate(int count, long seed) {
        Random random = new Random(seed);
        List<Item> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ShapeImages.Sample sample = ShapeImages.random(random, 96, 320);
            items.add(new Item(String.format(Locale.ROOT, "gen-%d-%05d.png", seed, i), ShapeImages.png(sample.image()),
                    sample.label()));
        }
        return items;
    }

    /**
     * Every image file in {@code dir}; labels from a CSV of {@code file,label} lines when given
     * (a header line and lines for other files are allowed).
     */
    public static List<Item> fromDirectory(Path dir, Path groundTruth) throws IOException {
        Map<String, String> truth = groundTruth == null ? Map.of() : readGroundTruth(groundTruth);
        List<Item> items = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|gif|bmp)$")) {
                    items.add(new Item(name, Files.readAllBytes(file), truth.get(name)));
                }
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no .jpg, .png, .gif or .bmp files in " + dir);
        }
        return items;
    }

    static Map<String, String> readGroundTruth(Path csv) throws IOException {
        Map<String, String> truth = new HashMap<>();
        for (String line : Files.readAllLines(csv)) {
            int comma = line.indexOf(',');
            if (comma > 0) {
                truth.put(line.substring(0, comma).strip(), line.substring(comma + 1).strip());
            }
        }
        return truth;
    }

    /** Writes the images and a ground-truth CSV, so a generated set can be replayed with --images. */
    public static void write(List<Item> items, Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("file,label\n");
        for (Item item : items) {
            Files.write(dir.resolve(item.name()), item.bytes());
            csv.append(item.name()).append(',').append(item.truth()).append('\n');
        }
        Files.writeString(dir.resolve("ground-truth.csv"), csv);
    }
}
