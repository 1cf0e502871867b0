package eic.web.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private final ClientAddress behindBalancer = ClientAddress.trusting(List.of("10.0.0.0/8", "fd00::/8"));

    @Test
    void fromAnUntrustedPeerTheHeaderIsIgnored() {
        assertThat(behindBalancer.of("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
        assertThat(ClientAddress.trusting(List.of()).of("127.0.0.1", "198.51.100.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void fromTheBalancerTheAddressItAppendedCountsNotWhatTheClientWrote() {
        assertThat(behindBalancer.of("10.1.2.3", "198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(behindBalancer.of("10.1.2.3", "6.6.6.6, 198.51.100.1")).as("the client's own entry is left of it")
                .isEqualTo("198.51.100.1");
        assertThat(behindBalancer.of("10.1.2.3", "198.51.100.1, 10.9.9.9")).as("proxies inside are skipped")
                .isEqualTo("198.51.100.1");
        assertThat(behindBalancer.of("fd12::1", "2001:db8::5")).isEqualTo("2001:db8::5");
        assertThat(behindBalancer.of("10.1.2.3", null)).isEqualTo("10.1.2.3");
    }

    @Test
    void aNameIsNeverAnAddressNorLookedUp() {
        assertThat(behindBalancer.of("10.1.2.3", "localhost")).isEqualTo("localhost");
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("balancer.internal")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
