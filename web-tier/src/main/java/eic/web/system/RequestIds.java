package eic.web.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import eic.common.messaging.RequestContract;
import java.util.UUID;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Gives every HTTP request its id before anything else runs — the client's
 * {@code Idempotency-Key} when it is a UUID, else a new one — and puts it in the MDC for
 * every log line written while serving it (security, intake, errors, the async dispatch
 * that writes the answer), in the {@code X-Request-Id} header, and in a request attribute
 * that the intake takes as the classification's id.
 */
@Component
public class RequestIds extends EveryDispatchFilter implements Ordered {
    public static final String ATTRIBUTE = "eic.web.system.RequestIds";
    /** When the request arrived ({@link System#nanoTime()}), for the answer's {@code Server-Timing}. */
    public static final String ARRIVED = "eic.web.system.RequestIds.arrived";
    public static final String MDC_KEY = "requestId";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = (String) request.getAttribute(ATTRIBUTE);
        if (id == null) {
            request.setAttribute(ARRIVED, System.nanoTime());
            id = canonicalUuid(request.getHeader(IDEMPOTENCY_KEY)).orElseGet(() -> UUID.randomUUID().toString());
            request.setAttribute(ATTRIBUTE, id);
            response.setHeader("X-Request-Id", id);
        }
        MDC.put(MDC_KEY, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** The value as a canonical UUID (trimmed, lower case), if it is one. */
    public static java.util.Optional<String> canonicalUuid(String value) {
        return java.util.Optional.ofNullable(value).map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(RequestContract::isRequestId);
    }
}
