import eic.common.shapes.ShapeImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes one synthetic shape image the shapes model knows and prints its true label. */
public class MakeShape {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "shape.png");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        ShapeImages.Sample sample = ShapeImages.random(new Random(seed), 128, 320);
        Files.write(out, ShapeImages.png(sample.image()));
        System.out.println(sample.label());
    }
}
