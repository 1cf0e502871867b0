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
import java.util.List;
import eic.common.images.TestImages;
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
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0};
        assertThatThrownBy(() -> decoder.decode(heic)).isInstanceOf(ImageDecodeException.class)
                .hasMessageContaining("HEIC").hasMessageContaining("JPEG, PNG, GIF, BMP, WebP or TIFF");
        assertReason(heic, Reason.UNSUPPORTED_FORMAT);
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
        assertReason(new byte[] {0x49, 0x49, 0x2A, 0x00, 1, 2, 3, 4}, Reason.CORRUPT); // a TIFF header, then nothing
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
        for (ImageDecoder each : List.of(decoder, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS,
                Preprocessing.imageNet()))) { // the second reads YCbCr JPEGs with libturbojpeg where installed
            BufferedImage decoded = each.decode(out.toByteArray());
            assertThat(decoded.getWidth()).as("whole, or the centred square ImageNet sees").isEqualTo(
                    each == decoder ? w : h);
            Color c = new Color(decoded.getRGB(4, 4));
            assertThat(c.getRed()).as("reddish after conversion: %s", c).isGreaterThan(c.getGreen() + 100);
        }
    }

    @Test
    void webpLosslessLossyAndAnimatedDecodeToRgbTheFirstFrameSaidSo() throws Exception {
        BufferedImage red = sample(40, 30);
        for (byte[] webp : List.of(TestImages.webp(true, red), TestImages.webp(false, red))) {
            BufferedImage decoded = decoder.decode(webp);
            assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(decoded.getWidth()).isEqualTo(40);
            assertThat(new Color(decoded.getRGB(5, 15)).getRed()).as("the red half").isGreaterThan(200);
            assertThat(decoder.note(webp)).isEmpty();
        }
        BufferedImage blue = TestImages.solid(40, 30, Color.BLUE);
        byte[] animated = TestImages.webp(true, red, blue);
        assertThat(new Color(decoder.decode(animated).getRGB(5, 15)).getRed()).as("the first frame").isGreaterThan(200);
        assertThat(decoder.note(animated)).hasValue("the first of its 2 frames was classified");
    }

    @Test
    void tiffOneOrManyPagesSixteenBitAndCmykDecodeToRgbTheFirstPageSaidSo() throws Exception {
        BufferedImage red = sample(40, 30);
        assertThat(new Color(decoder.decode(TestImages.tiff(red)).getRGB(5, 15))).isEqualTo(Color.RED);
        byte[] twoPages = TestImages.tiff(red, TestImages.solid(40, 30, Color.BLUE));
        assertThat(new Color(decoder.decode(twoPages).getRGB(5, 15))).as("the first page").isEqualTo(Color.RED);
        assertThat(decoder.note(twoPages)).hasValue("the first of its 2 pages was classified");
        assertThat(decoder.note(TestImages.tiff(red))).isEmpty();

        BufferedImage gray16 = new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(5, 5, 0, 65535);
        BufferedImage fromSixteen = decoder.decode(TestImages.tiff(gray16));
        assertThat(fromSixteen.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(fromSixteen.getRGB(5, 5) & 0xffffff).as("16-bit white").isEqualTo(0xffffff);
        assertThat(fromSixteen.getRGB(6, 6) & 0xffffff).as("16-bit black").isEqualTo(0);

        java.awt.color.ColorSpace cmyk = com.twelvemonkeys.imageio.color.ColorSpaces.getColorSpace(
                com.twelvemonkeys.imageio.color.ColorSpaces.CS_GENERIC_CMYK);
        java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(cmyk, false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(20, 10);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 20; x++) {
                raster.setPixel(x, y, new int[] {0, 255, 255, 0}); // no cyan, full magenta and yellow: red
            }
        }
        BufferedImage fromCmyk = decoder.decode(TestImages.tiff(new BufferedImage(model, raster, false, null)));
        Color c = new Color(fromCmyk.getRGB(10, 5));
        assertThat(c.getRed()).as("reddish after conversion: %s", c).isGreaterThan(c.getGreen() + 100);
    }

    @Test
    void anAnimatedGifIsReadByItsFirstFrameSaidSo() throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(sample(40, 30), null, null), null);
            writer.writeToSequence(new IIOImage(TestImages.solid(40, 30, Color.BLUE), null, null), null);
            writer.writeToSequence(new IIOImage(TestImages.solid(40, 30, Color.GREEN), null, null), null);
            writer.endWriteSequence();
        }
        assertThat(new Color(decoder.decode(out.toByteArray()).getRGB(5, 15))).isEqualTo(Color.RED);
        assertThat(decoder.note(out.toByteArray())).hasValue("the first of its 3 frames was classified");
        assertThat(decoder.note(encode(sample(40, 30), "gif"))).as("one frame: nothing to say").isEmpty();
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
