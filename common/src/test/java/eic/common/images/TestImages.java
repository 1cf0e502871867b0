package eic.common.images;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Test images in the formats beyond the JDK's own writers: TIFF (one page or several) through
 * ImageIO, WebP through Debian's {@code cwebp}/{@code img2webp} (installed by
 * scripts/install-test-tools.sh; a test that needs them skips where they are absent), and
 * headers that claim a huge image in a few bytes.
 */
public final class TestImages {
    private TestImages() {
    }

    /** One colour all over. */
    public static BufferedImage solid(int width, int height, java.awt.Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    /** A TIFF holding {@code pages}, one page each. */
    public static byte[] tiff(BufferedImage... pages) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (BufferedImage page : pages) {
                writer.writeToSequence(new IIOImage(page, null, null), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A WebP of the frames ({@code cwebp} for one, lossless or not; {@code img2webp} for an animation). */
    public static byte[] webp(boolean lossless, BufferedImage... frames) {
        assumeTrue(onPath("cwebp") && onPath("img2webp"),
                "skipped: cwebp and img2webp are absent (Debian's webp package; scripts/install-test-tools.sh)");
        try {
            Path dir = Files.createTempDirectory("eic-webp");
            List<String> command = new ArrayList<>();
            Path out = dir.resolve("out.webp");
            List<String> inputs = new ArrayList<>();
            for (int i = 0; i < frames.length; i++) {
                Path png = dir.resolve("frame-" + i + ".png");
                ImageIO.write(frames[i], "png", png.toFile());
                inputs.add(png.toString());
            }
            if (frames.length == 1) {
                command.addAll(List.of("cwebp", "-quiet", lossless ? "-lossless" : "-q"));
                if (!lossless) {
                    command.add("90");
                }
                command.addAll(List.of(inputs.get(0), "-o", out.toString()));
            } else {
                command.addAll(List.of("img2webp", "-loop", "0", lossless ? "-lossless" : "-lossy"));
                command.addAll(inputs);
                command.addAll(List.of("-o", out.toString()));
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed: " + output);
            }
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A little-endian TIFF whose only page claims {@code width x height}, with no pixel data. */
    public static byte[] tiffBomb(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 4 * 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) 4);
        entry(b, 256, 4, width);      // ImageWidth, LONG
        entry(b, 257, 4, height);     // ImageLength
        entry(b, 258, 3, 8);          // BitsPerSample
        entry(b, 262, 3, 1);          // PhotometricInterpretation: black is zero
        b.putInt(0);
        return b.array();
    }

    private static void entry(ByteBuffer b, int tag, int type, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(1);
        if (type == 3) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    /** An extended WebP (VP8X) whose canvas claims {@code width x height} (each at most 2^24), with no image. */
    public static byte[] webpBomb(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(22).put("WEBP".getBytes()).put("VP8X".getBytes()).putInt(10);
        b.putInt(0); // flags and reserved
        putUint24(b, width - 1);
        putUint24(b, height - 1);
        return b.array();
    }

    private static void putUint24(ByteBuffer b, int value) {
        b.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
