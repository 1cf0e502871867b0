package eic.common.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The door reads every accepted format's size from its header alone. */
class ImageHeaderTest {
    @Test
    void tiffAndWebpAreKnownByTheirMagicAndSizedFromTheirHeaders() throws Exception {
        byte[] tiff = TestImages.tiff(new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB));
        assertThat(ImageFormat.sniff(tiff)).hasValue(ImageFormat.TIFF);
        assertThat(ImageHeader.read(ImageFormat.TIFF, tiff)).isEqualTo(new ImageHeader(ImageFormat.TIFF, 120, 80));
        byte[] webp = TestImages.webp(true, new BufferedImage(90, 60, BufferedImage.TYPE_INT_RGB));
        assertThat(ImageFormat.sniff(webp)).hasValue(ImageFormat.WEBP);
        assertThat(ImageHeader.read(ImageFormat.WEBP, webp)).isEqualTo(new ImageHeader(ImageFormat.WEBP, 90, 60));
    }

    @Test
    void aBombHeaderInEachNewFormatGivesItsClaimedSizeFromAFewBytes() throws Exception {
        byte[] tiff = TestImages.tiffBomb(100_000, 100_000);
        assertThat(tiff.length).isLessThan(100);
        assertThat(ImageHeader.read(ImageFormat.TIFF, tiff).pixels()).isEqualTo(10_000_000_000L);
        byte[] webp = TestImages.webpBomb(16_000, 16_000);
        assertThat(webp.length).isLessThan(40);
        assertThat(ImageHeader.read(ImageFormat.WEBP, webp).pixels()).isEqualTo(256_000_000L);
    }

    @Test
    void heicAndAvifAreRefusedNamingWhatIsAcceptedAndHowToConvert() {
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0};
        byte[] avif = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f', 0, 0, 0, 0};
        assertThat(ImageFormat.sniff(heic)).isEmpty();
        assertThat(ImageFormat.refusal(heic)).contains("HEIC").contains(ImageFormat.ACCEPTED).contains("magick");
        assertThat(ImageFormat.refusal(avif)).contains("AVIF").contains(ImageFormat.ACCEPTED);
        assertThat(ImageFormat.refusal("text".getBytes())).isEqualTo("not a JPEG, PNG, GIF, BMP, WebP or TIFF image "
                + "(judged by its first bytes)");
    }
}
