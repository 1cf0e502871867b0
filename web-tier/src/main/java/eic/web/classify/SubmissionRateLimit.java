package eic.web.classify;

import eic.web.classify.ClassificationException.Kind;
import eic.web.security.ApiPrincipal;
import eic.web.system.ClientAddress;
import eic.web.system.WebProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * An optional rate per client for submissions ({@code EIC_RATE_LIMIT} per second, off at 0):
 * a token bucket per client, holding one second's worth. The client is who security
 * verified (the API key's principal), else its address as the load balancer reports it
 * ({@link ClientAddress}); never a header nobody checked. It runs after Spring Security, so
 * the principal is known. Beyond it 429 + Retry-After, before the upload is read. Reads are
 * never limited.
 */
@Component
class SubmissionRateLimit extends OncePerRequestFilter {
    private static final int MAX_CLIENTS = 10_000;

    private final double perSecond;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final HandlerExceptionResolver errors;
    private final ClientAddress addresses;

    SubmissionRateLimit(WebProperties properties,
                        @org.springframework.beans.factory.annotation.Qualifier("handlerExceptionResolver")
                        HandlerExceptionResolver errors) {
        this.perSecond = properties.rateLimit();
        this.errors = errors;
        this.addresses = ClientAddress.trusting(properties.trustedProxies());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return perSecond <= 0 || !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String client = client(request);
        if (buckets.size() > MAX_CLIENTS) {
            buckets.clear(); // a flood of distinct clients resets the table rather than growing it
        }
        long waitNanos = buckets.computeIfAbsent(client, c -> new Bucket(perSecond, System.nanoTime()))
                .take(System.nanoTime());
        if (waitNanos == 0) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
        errors.resolveException(request, response, null, new ClassificationException(Kind.RATE_LIMITED,
                "more than " + perSecond + " submissions per second from this client; slow down", null, seconds));
    }

    /** The verified principal of an API key, else the client's address; an open service has no principals. */
    private String client(HttpServletRequest request) {
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        if (who != null && who.isAuthenticated() && ApiPrincipal.KEY.equals(who.getName())) {
            return "principal:" + who.getName();
        }
        return "address:" + addresses.of(request);
    }

    /** Tokens refill at {@code rate} per second up to one second's worth (at least one). */
    static final class Bucket {
        private final double rate;
        private final double capacity;
        private double tokens;
        private long lastNanos;

        Bucket(double rate, long nowNanos) {
            this.rate = rate;
            this.capacity = Math.max(1, rate);
            this.tokens = capacity;
            this.lastNanos = nowNanos;
        }

        /** Takes a token at {@code nowNanos}: 0 when granted, else how long until one is there. */
        synchronized long take(long nowNanos) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) / 1e9 * rate);
            lastNanos = nowNanos;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) ((1 - tokens) / rate * 1e9);
        }
    }
}
