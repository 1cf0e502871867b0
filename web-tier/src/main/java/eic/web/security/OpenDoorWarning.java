package eic.web.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Says so at start when the web tier listens beyond this machine without an API key: then
 * anyone who reaches it may fill the backlog, read the fleet and the stats, and read any result
 * whose id they know. Loopback alone (the local default) is quiet.
 */
@Component
class OpenDoorWarning {
    private static final Logger log = LoggerFactory.getLogger(OpenDoorWarning.class);

    private final ApiKey key;
    private final String address;

    OpenDoorWarning(ApiKey key, @Value("${server.address:}") String address) {
        this.key = key;
        this.address = address;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnIfOpen() {
        warning(address, key.required()).ifPresent(log::warn);
    }

    /** The warning for a server bound to {@code address} (blank: every interface), if it deserves one. */
    static Optional<String> warning(String address, boolean keyRequired) {
        if (keyRequired || loopback(address)) {
            return Optional.empty();
        }
        return Optional.of("listening on " + (address == null || address.isBlank() ? "every interface" : address)
                + " without an API key: anyone who reaches it can submit work, read the fleet and stats and any "
                + "result by its id; set EIC_API_KEY, or bind to 127.0.0.1 (EIC_BIND_ADDRESS)");
    }

    private static boolean loopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
