package eic.common.shapes;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The synthetic image set the {@code shapes} model knows: one filled circle, square or
 * triangle in red, green or blue on a plain light background, with varied position,
 * size, rotation, background tint and image size. Deterministic for a given seed, so
 * ground truth can be regenerated anywhere.
 */
public final class ShapeImages {

    public enum Kind { CIRCLE, SQUARE, TRIANGLE }

    public enum Colour {
        RED(new Color(220, 30, 30)), GREEN(new Color(30, 170, 40)), BLUE(new Color(30, 60, 220));

        final Color base;

        Colour(Color base) {
            this.base = base;
        }
    }

    /** Class names in the model's output order. */
    public static final List<String> LABELS = labels();

    public record Sample(BufferedImage image, String label, Colour colour, Kind kind) {
    }

    private ShapeImages() {
    }

    public static String label(Colour colour, Kind kind) {
        return colour.name().toLowerCase(Locale.ROOT) + " " + kind.name().toLowerCase(Locale.ROOT);
    }

    private static List<String> labels() {
        return java.util.Arrays.stream(Colour.values())
                .flatMap(c -> java.util.Arrays.stream(Kind.values()).map(k -> label(c, k)))
                .toList();
    }

    /** A random sample with image sides between {@code minSide} and {@code maxSide} pixels. */
    public static Sample random(Random random, int minSide, int maxSide) {
        Colour colour = Colour.values()[random.nextInt(3)];
        Kind kind = Kind.values()[random.nextInt(3)];
        int width = minSide + random.nextInt(maxSide - minSide + 1);
        int height = Math.max(minSide, Math.min(maxSide, (int) (width * (0.75 + random.nextDouble() * 0.5))));
        return new Sample(draw(random, colour, kind, width, height), label(colour, kind), colour, kind);
    }

    public static BufferedImage draw(Random random, Colour colour, Kind kind, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(215 + random.nextInt(41), 215 + random.nextInt(41), 215 + random.nextInt(41)));
            g.fillRect(0, 0, width, height);
            int side = Math.min(width, height);
            double size = side * (0.3 + random.nextDouble() * 0.45);
            double cx = size / 2 + random.nextDouble() * (width - size);
            double cy = size / 2 + random.nextDouble() * (height - size);
            Shape shape = switch (kind) {
                case CIRCLE -> new Ellipse2D.Double(cx - size / 2, cy - size / 2, size, size);
                case SQUARE -> rotate(new Rectangle2D.Double(cx - size * 0.4, cy - size * 0.4, size * 0.8, size * 0.8),
                        random, cx, cy);
                case TRIANGLE -> rotate(triangle(cx, cy, size), random, cx, cy);
            };
            g.setColor(jitter(colour.base, random));
            g.fill(shape);
            if (random.nextInt(4) == 0) {
                g.setStroke(new BasicStroke(1 + random.nextInt(3)));
                g.setColor(jitter(colour.base, random).darker());
                g.draw(shape);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static Shape triangle(double cx, double cy, double size) {
        double h = size * 0.866;
        Polygon p = new Polygon();
        p.addPoint((int) Math.round(cx), (int) Math.round(cy - h * 0.6));
        p.addPoint((int) Math.round(cx - size / 2), (int) Math.round(cy + h * 0.4));
        p.addPoint((int) Math.round(cx + size / 2), (int) Math.round(cy + h * 0.4));
        return p;
    }

    private static Shape rotate(Shape shape, Random random, double cx, double cy) {
        double degrees = (random.nextDouble() - 0.5) * 40;
        return AffineTransform.getRotateInstance(Math.toRadians(degrees), cx, cy).createTransformedShape(shape);
    }

    private static Color jitter(Color c, Random random) {
        return new Color(clamp(c.getRed() + random.nextInt(41) - 20), clamp(c.getGreen() + random.nextInt(41) - 20),
                clamp(c.getBlue() + random.nextInt(41) - 20));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /**
     * A PNG signature and header that claim a {@code width x height} image, with no pixel
     * data at all: a decompression bomb's shape, for testing that it is refused unread.
     */
    public static byte[] pixelBombPng(int width, int height) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        return java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    public static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gradients and noise of the given amplitude, a stand-in for a photo's cost: at 40 a JPEG of
     * it (quality 0.9) takes about 3.9 bits a pixel, a photo full of detail; at 8 about 1.3 bits,
     * an ordinary one. (A flat drawing would compress to nothing.)
     */
    public static BufferedImage photoLike(Random random, int width, int height, int noise) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + random.nextInt(noise)) & 0xff;
                int g = (y * 255 / height + random.nextInt(noise)) & 0xff;
                int b = ((x + y) * 128 / (width + height) + random.nextInt(noise * 3 / 2)) & 0xff;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    public static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
