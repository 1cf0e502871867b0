package eic.app.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import eic.common.images.TestImages;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    @Test
    void imageNetGivesA3x224x224TensorNormalisedPerChannel() {
        BufferedImage image = TestImages.solid(400, 300, new Color(255, 128, 0));
        Preprocessing p = Preprocessing.imageNet();
        float[] chw = p.toChw(image);
        assertThat(p.shape()).containsExactly(3, 224, 224);
        assertThat(chw).hasSize(3 * 224 * 224);
        int plane = 224 * 224;
        int[] rgb = {255, 128, 0};
        for (int c = 0; c < 3; c++) {
            float expected = (rgb[c] / 255f - MEAN[c]) / STD[c];
            for (int i = c * plane; i < (c + 1) * plane; i += 997) {
                assertThat(chw[i]).as("channel %d", c).isCloseTo(expected, within(1e-5f));
            }
        }
    }

    @Test
    void imageNetResizesTheShortSideTo256AndCropsTheCentre() {
        // 512x256: short side already 256, so the crop keeps columns 144..367: red up to 256, blue after.
        BufferedImage image = new BufferedImage(512, 256, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 256, 256);
        g.setColor(Color.BLUE);
        g.fillRect(256, 0, 256, 256);
        g.dispose();
        BufferedImage seen = Preprocessing.imageNet().resize(image);
        assertThat(seen.getWidth()).isEqualTo(224);
        assertThat(new Color(seen.getRGB(100, 100))).isEqualTo(Color.RED);
        assertThat(new Color(seen.getRGB(124, 100))).isEqualTo(Color.BLUE);
    }

    @Test
    void stretchKeepsTheWholeFrameInZeroToOne() {
        BufferedImage image = TestImages.solid(640, 64, Color.WHITE);
        image.setRGB(639, 63, Color.BLACK.getRGB());
        float[] chw = Preprocessing.stretch(64).toChw(image);
        assertThat(chw).hasSize(3 * 64 * 64);
        for (float v : chw) {
            assertThat(v).isBetween(0f, 1f);
        }
        assertThat(chw[0]).isEqualTo(1f);
    }

    @Test
    void aDecoderReadsOnlyTheRegionTheNetworkSeesAtAFewTimesItsInput() {
        Preprocessing.SourceArea wide = Preprocessing.imageNet().sourceArea(8000, 2000);
        assertThat(wide).as("the centred square of the short side, every second pixel")
                .isEqualTo(new Preprocessing.SourceArea(3000, 0, 2000, 2000, 1, 1));
        Preprocessing.SourceArea limit = Preprocessing.imageNet().sourceArea(6316, 6316);
        assertThat(limit.stepX()).isEqualTo(6);
        assertThat(limit.decodedPixels()).isLessThan(1_200_000L);
        assertThat(Preprocessing.imageNet().sourceArea(300, 200))
                .isEqualTo(new Preprocessing.SourceArea(50, 0, 200, 200, 1, 1));
        Preprocessing.SourceArea stretched = Preprocessing.stretch(64).sourceArea(40000, 1000);
        assertThat(stretched).as("stretched: all of it, each axis on its own")
                .isEqualTo(new Preprocessing.SourceArea(0, 0, 40000, 1000, 156, 3));
        assertThat(stretched.decodedPixels()).isLessThan(4 * 64 * 8 * 64);
    }
}
