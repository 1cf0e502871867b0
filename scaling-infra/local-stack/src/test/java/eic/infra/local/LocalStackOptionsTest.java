package eic.infra.local;

import static org.assertj.core.api.Assertions.assertThat;

import eic.common.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local fleet's policy has the name the AWS stack gives it; its earlier name still works. */
class LocalStackOptionsTest {

    @Test
    void theStepPolicyIsQMinusIByDefaultAndByItsEarlierName() {
        assertThat(LocalStackOptions.from(new Env(Map.of())).scaling().policy()).isEqualTo("q-minus-i");
        assertThat(LocalStackOptions.from(new Env(Map.of("EIC_LOCAL_POLICY", "original"))).scaling().policy())
                .isEqualTo("q-minus-i");
        assertThat(LocalStackOptions.from(new Env(Map.of("EIC_LOCAL_POLICY", "idle-stop"))).scaling().policy())
                .isEqualTo("idle-stop");
    }
}
