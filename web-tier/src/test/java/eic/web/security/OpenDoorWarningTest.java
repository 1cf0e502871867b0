package eic.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenDoorWarningTest {

    @Test
    void beyondLoopbackWithoutAKeyIsSaidAtStart() {
        assertThat(OpenDoorWarning.warning("0.0.0.0", false)).get().asString().contains("0.0.0.0")
                .contains("without an API key").contains("EIC_API_KEY");
        assertThat(OpenDoorWarning.warning("", false)).get().asString().contains("every interface");
        assertThat(OpenDoorWarning.warning("10.0.1.7", false)).isPresent();
    }

    @Test
    void aKeyOrLoopbackIsQuiet() {
        assertThat(OpenDoorWarning.warning("0.0.0.0", true)).isEmpty();
        assertThat(OpenDoorWarning.warning("127.0.0.1", false)).isEmpty();
        assertThat(OpenDoorWarning.warning("::1", false)).isEmpty();
        assertThat(OpenDoorWarning.warning("localhost", false)).isEmpty();
    }
}
