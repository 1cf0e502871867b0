package eic.common.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileNamesTest {
    @Test
    void keepsOnlyTheLastSegmentAndSafeCharacters() {
        assertThat(FileNames.safe("../../etc/passwd")).isEqualTo("passwd");
        assertThat(FileNames.safe("C:\\Users\\me\\cat photo (1).JPG")).isEqualTo("cat_photo_1_.JPG");
        assertThat(FileNames.safe("a\u0000b\nc.png")).isEqualTo("abc.png");
        assertThat(FileNames.safe("résumé.png")).isEqualTo("resume.png");
        assertThat(FileNames.safe(".hidden")).isEqualTo("hidden");
        assertThat(FileNames.safe("results/x.json")).isEqualTo("x.json");
    }

    @Test
    void neverEmptyAndCappedKeepingTheExtension() {
        assertThat(FileNames.safe(null)).isEqualTo("image");
        assertThat(FileNames.safe("///")).isEqualTo("image");
        String name = FileNames.safe("x".repeat(300) + ".jpeg");
        assertThat(name).hasSize(FileNames.MAX_LENGTH).endsWith(".jpeg");
    }
}
