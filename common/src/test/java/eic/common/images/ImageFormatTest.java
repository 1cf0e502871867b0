package eic.common.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageFormatTest {
    @Test
    void recognisesFormatsByMagicBytesOnly() {
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0})).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}))
                .contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff("GIF89a".getBytes())).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff("BM0123456789ab".getBytes())).contains(ImageFormat.BMP);
        assertThat(ImageFormat.sniff("BM".getBytes())).isEmpty();
        assertThat(ImageFormat.sniff("<html>".getBytes())).isEmpty();
        assertThat(ImageFormat.sniff(new byte[0])).isEmpty();
    }
}
