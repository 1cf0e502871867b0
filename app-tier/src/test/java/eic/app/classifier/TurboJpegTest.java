package eic.app.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import eic.app.classifier.ImageDecodeException.Reason;
import eic.common.shapes.ShapeImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JPEG read by libturbojpeg at the scale the network's resize halves to gives the network
 * what ImageIO's read gives it, and everything ImageIO would refuse or convert is still
 * refused or converted.
 */
class TurboJpegTest {
    private static final long MAX = ImageDecoder.DEFAULT_MAX_PIXELS;

    @BeforeEach
    void libturbojpegIsInstalled() {
        assumeTrue(TurboJpeg.find().isPresent(),
                "libturbojpeg.so.0 not installed (Debian: libturbojpeg0; scripts/install-test-tools.sh installs it)");
    }

    @Test
    void aPhotoIsReadAtTheScaleTheResizeWouldHalveToAndTheNetworkGetsTheSameInput() throws Exception {
        byte[] jpeg = ShapeImages.jpeg(ShapeImages.photoLike(new Random(1), 1600, 1200, 40), 0.9f);
        for (Preprocessing network : new Preprocessing[] {Preprocessing.imageNet(), Preprocessing.stretch(64)}) {
            ImageDecoder scaled = new ImageDecoder(MAX, network);
            assertThat(scaled.scalesJpeg()).isTrue();
            BufferedImage reduced = scaled.decode(jpeg);
            int reduction = network.reduction(1600, 1200);
            assertThat(reduction).as("ImageNet halves 1200 px twice, shapes (64) three times")
                    .isEqualTo(network.size() == 224 ? 4 : 8);
            assertThat(reduced.getWidth()).isEqualTo(1600 / reduction);
            assertThat(reduced.getHeight()).isEqualTo(1200 / reduction);
            assertThat(reduced.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);

            float[] viaTurbo = network.toChw(reduced);
            float[] viaImageIo = network.toChw(ImageDecoder.imageIoOnly(MAX, network).decode(jpeg));
            double meanDifference = 0;
            for (int i = 0; i < viaTurbo.length; i++) {
                meanDifference += Math.abs(viaTurbo[i] - viaImageIo[i]) * network.std()[0];
            }
            meanDifference /= viaTurbo.length;
            assertThat(meanDifference).as("mean difference of the network's input, in units of full scale")
                    .isLessThan(0.02);
        }
    }

    @Test
    void aSmallJpegIsReadWholeAndItsColoursKept() throws Exception {
        BufferedImage red = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                red.setRGB(x, y, 0xd02020);
            }
        }
        BufferedImage decoded = new ImageDecoder(MAX, Preprocessing.imageNet()).decode(ShapeImages.jpeg(red, 0.95f));
        assertThat(decoded.getWidth()).isEqualTo(300);
        Color c = new Color(decoded.getRGB(150, 100));
        assertThat(c.getRed()).as("red, not BGR-swapped: %s", c).isGreaterThan(180);
        assertThat(c.getBlue()).isLessThan(60);
    }

    @Test
    void aBombHeaderIsRefusedAndWhatLibturbojpegCannotReadIsLeftToImageIo() throws Exception {
        ImageDecoder decoder = new ImageDecoder(MAX, Preprocessing.imageNet());
        byte[] jpeg = ShapeImages.jpeg(ShapeImages.photoLike(new Random(2), 64, 48, 40), 0.9f);
        byte[] bomb = withSize(jpeg, 60_000, 60_000);
        assertThatThrownBy(() -> decoder.decode(bomb)).isInstanceOf(ImageDecodeException.class)
                .extracting(e -> ((ImageDecodeException) e).reason()).isEqualTo(Reason.TOO_MANY_PIXELS);

        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        BufferedImage partial = decoder.decode(truncated);
        assertThat(partial.getWidth()).as("a truncated JPEG decodes as far as it goes, as ImageIO's does")
                .isEqualTo(new ImageDecoder(MAX).decode(truncated).getWidth());

        byte[] garbage = new byte[400];
        garbage[0] = (byte) 0xFF;
        garbage[1] = (byte) 0xD8;
        garbage[2] = (byte) 0xFF;
        assertThatThrownBy(() -> decoder.decode(garbage)).isInstanceOf(ImageDecodeException.class)
                .extracting(e -> ((ImageDecodeException) e).reason()).isEqualTo(Reason.CORRUPT);
    }

    /** The same JPEG with its frame header (SOF0) claiming another size. */
    private static byte[] withSize(byte[] jpeg, int width, int height) {
        byte[] copy = jpeg.clone();
        for (int i = 2; i + 8 < copy.length; i++) {
            if ((copy[i] & 0xff) == 0xFF && (copy[i + 1] & 0xff) == 0xC0) {
                copy[i + 5] = (byte) (height >> 8);
                copy[i + 6] = (byte) height;
                copy[i + 7] = (byte) (width >> 8);
                copy[i + 8] = (byte) width;
                return copy;
            }
        }
        throw new IllegalArgumentException("no SOF0 marker");
    }
}
