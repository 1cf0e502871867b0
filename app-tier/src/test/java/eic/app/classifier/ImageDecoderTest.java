package eic.app.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eic.app.classifier.ImageDecodeException.Reason;
import eic.common.shapes.ShapeImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

    @Test
    void emptyInputIsRejected() {
        assertReason(new byte[0], Reason.EMPTY);
        assertReason(null, Reason.EMPTY);
    }

    @Test
    void bytesThatAreNoImageAreRejectedByMagic() {
        assertReason("hello, I am a text file".getBytes(StandardCharsets.UTF_8), Reason.UNSUPPORTED_FORMAT);
        assertReason(new byte[] {0x49, 0x49, 0x2A, 0x00, 1, 2, 3, 4}, Reason.UNSUPPORTED_FORMAT); // TIFF
    }

    @Test
    void truncatedOrGarbledImagesAreCorrupt() {
        byte[] png = ShapeImages.png(sample(100, 80));
        assertReason(Arrays.copyOf(png, 30), Reason.CORRUPT);
        byte[] garbage = new byte[400];
        garbage[0] = (byte) 0xFF;
        garbage[1] = (byte) 0xD8;
        garbage[2] = (byte) 0xFF;
        assertReason(garbage, Reason.CORRUPT);
        assertReason(new byte[] {'G', 'I', 'F', '8', '9', 'a', 0, 0}, Reason.CORRUPT);
    }

    @Test
    void aPixelBombIsRejectedFromItsHeaderAlone() throws Exception {
        byte[] bomb = ShapeImages.pixelBombPng(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);
        assertThatThrownBy(() -> decoder.decode(bomb)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("10,000,000,000 pixels")
                .extracting(e -> ((ImageDecodeException) e).reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
        assertThat(new ImageDecoder(1000).inspect(ShapeImages.png(sample(20, 20))).pixels()).isEqualTo(400);
        assertReason(new ImageDecoder(1000), ShapeImages.png(sample(40, 40)), Reason.TOO_MANY_PIXELS);
    }

    @Test
    void grayscaleAlphaPaletteAndBmpDecodeToRgb() throws Exception {
        BufferedImage gray = new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage alpha = new BufferedImage(30, 20, BufferedImage.TYPE_INT_ARGB); // fully transparent
        for (var entry : new Object[][] {{gray, "png"}, {alpha, "png"}, {sample(30, 20), "gif"},
                {sample(30, 20), "bmp"}, {sample(30, 20), "jpeg"}}) {
            byte[] bytes = encode((BufferedImage) entry[0], (String) entry[1]);
            BufferedImage decoded = decoder.decode(bytes);
            assertThat(decoded.getType()).as((String) entry[1]).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(decoded.getWidth()).isEqualTo(30);
            assertThat(decoded.getHeight()).isEqualTo(20);
        }
        assertThat(decoder.decode(encode(alpha, "png")).getRGB(5, 5) & 0xffffff)
                .as("transparent pixels are flattened onto white").isEqualTo(0xffffff);
    }

    @Test
    void cmykJpegIsConverted() throws Exception {
        int w = 16;
        int h = 8;
        WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, new int[] {255, 40, 40, 255}); // stored inverted: red ink-free, full K white
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        }
        BufferedImage decoded = decoder.decode(out.toByteArray());
        assertThat(decoded.getWidth()).isEqualTo(w);
        Color c = new Color(decoded.getRGB(8, 4));
        assertThat(c.getRed()).as("reddish after conversion: %s", c).isGreaterThan(c.getGreen() + 100);
    }

    private void assertReason(byte[] bytes, Reason reason) {
        assertReason(decoder, bytes, reason);
    }

    private static void assertReason(ImageDecoder decoder, byte[] bytes, Reason reason) {
        assertThatThrownBy(() -> decoder.decode(bytes)).isInstanceOf(ImageDecodeException.class)
                .extracting(e -> ((ImageDecodeException) e).reason()).isEqualTo(reason);
    }

    private static BufferedImage sample(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 2, h);
        g.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("writer for " + format).isTrue();
        return out.toByteArray();
    }
}
