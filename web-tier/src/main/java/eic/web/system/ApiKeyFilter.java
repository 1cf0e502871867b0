package eic.web.system;

import eic.web.classify.RequestStats;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The optional API key of the JSON API ({@code EIC_API_KEY}; off when empty). The classic
 * {@code POST /}, the pages and {@code /api/v1/info} (which tells a page that a key is
 * needed) stay open.
 */
@Component
class ApiKeyFilter extends OncePerRequestFilter {
    static final String HEADER = "X-Api-Key";
    private static final String OPEN_PATH = "/api/v1/info";

    private final byte[] key;
    private final RequestStats stats;

    ApiKeyFilter(WebProperties properties, RequestStats stats) {
        this.key = properties.apiKey().getBytes(StandardCharsets.UTF_8);
        this.stats = stats;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return key.length == 0 || !path.startsWith("/api/") || path.equals(OPEN_PATH);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        // Constant-time comparison: the time taken says nothing about how much of the key matched.
        if (presented != null && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        stats.outcome("unauthorized");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\""
                + (presented == null ? "this API needs a key: send it in the " + HEADER + " header"
                : "the " + HEADER + " header does not hold a valid key") + "\",\"instance\":\""
                + request.getRequestURI().replaceAll("[^A-Za-z0-9/._-]", "_") + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
