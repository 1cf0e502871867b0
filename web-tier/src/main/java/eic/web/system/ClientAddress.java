package eic.web.system;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who the client is by address: the peer of the connection, unless that peer is one of the
 * trusted proxies (the load balancer: {@code EIC_TRUSTED_PROXIES}, CIDR blocks), in which
 * case the address the proxy reported in {@code X-Forwarded-For}. A proxy appends the
 * address it received from, so the list is read from the right, skipping trusted proxies:
 * whatever a client writes into the header itself stands to the left of its real address
 * and is never read. From an untrusted peer the header is ignored.
 */
public final class ClientAddress {
    private final List<Block> trusted;

    private ClientAddress(List<Block> trusted) {
        this.trusted = trusted;
    }

    /** @param trustedProxies CIDR blocks ({@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1/128}) */
    public static ClientAddress trusting(List<String> trustedProxies) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : trustedProxies) {
            if (!cidr.isBlank()) {
                blocks.add(Block.parse(cidr.trim()));
            }
        }
        return new ClientAddress(List.copyOf(blocks));
    }

    public String of(HttpServletRequest request) {
        return of(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
    }

    String of(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            client = hops[i].trim();
            if (!isTrusted(client)) {
                return client;
            }
        }
        return client; // proxies all the way: the leftmost is the best there is
    }

    private boolean isTrusted(String address) {
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && trusted.stream().anyMatch(b -> b.contains(bytes.get()));
    }

    /** An IP literal's bytes; never a DNS look-up (a name is not an address and is not trusted). */
    private static Optional<byte[]> literal(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String bare = address.replace("[", "").replace("]", "");
        boolean v4 = bare.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = bare.contains(":") && bare.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare).getAddress()); // a literal: no look-up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private record Block(byte[] network, int prefix) {
        static Block parse(String cidr) {
            int slash = cidr.indexOf('/');
            byte[] network = literal(slash < 0 ? cidr : cidr.substring(0, slash)).orElseThrow(
                    () -> new IllegalArgumentException("not an IP address or CIDR block: " + cidr));
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("not a CIDR block: " + cidr);
            }
            return new Block(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
