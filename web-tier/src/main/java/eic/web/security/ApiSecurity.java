package eic.web.security;

import eic.web.classify.RequestStats;
import eic.web.system.EveryDispatchFilter;
import eic.web.system.WebProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Who may call what, decided by Spring Security on the path the application routes (never
 * a prefix test on the raw URI): with {@code EIC_API_KEY} set, everything needs the key in
 * {@code X-Api-Key} except what a browser or a load balancer must reach without one — the
 * classic {@code POST /} (unless {@code EIC_CLASSIC_OPEN=false}), the pages and their files, {@code /api/v1/info} (which tells a page
 * that a key is needed) and the liveness and readiness probes, which say UP or DOWN and
 * nothing else. Default deny: a spelling or a path nobody listed needs the key.
 * Spring Security's firewall refuses paths that are not in normal form ({@code ;}, {@code //},
 * {@code /./}, {@code /../}, encoded separators) with 400 before anything routes them.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurity {
    static final String HEADER = "X-Api-Key";
    private static final String ROLE = "API";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, WebProperties properties, ApiKey key,
                                            RequestStats stats) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new ApiKeyFilter(key.value()), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint((request, response, denied) -> {
                    stats.outcome("unauthorized");
                    String presented = request.getHeader(HEADER);
                    response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
                    problem(response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized", presented == null
                            ? "this API needs a key: send it in the " + HEADER + " header"
                            : "the " + HEADER + " header does not hold a valid key");
                }))
                .authorizeHttpRequests(a -> {
                    if (!key.required()) {
                        a.anyRequest().permitAll();
                        return;
                    }
                    if (properties.classicOpen()) {
                        a.requestMatchers(HttpMethod.POST, "/").permitAll();
                    }
                    a.requestMatchers(HttpMethod.GET, "/", "/ops", "/index.html", "/ops.html", "/*.css", "/*.js",
                                    "/favicon.ico", "/api/v1/info", "/actuator/health/liveness",
                                    "/actuator/health/readiness").permitAll()
                            .requestMatchers("/error").permitAll()
                            .anyRequest().hasRole(ROLE);
                });
        return http.build();
    }

    /** A path the firewall refuses gets a problem body that says why, not an empty 400. */
    @Bean
    RequestRejectedHandler requestRejectedHandler(RequestStats stats) {
        return (request, response, rejected) -> {
            stats.outcome("rejected");
            problem(response, HttpServletResponse.SC_BAD_REQUEST, "Bad Request",
                    "the request path is not in normal form (no ';', '//', '.' or '..' segments, "
                            + "encoded slashes or percent signs)");
        };
    }

    /** No user accounts: the only credential is the API key. Keeps Boot from generating a password. */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Authenticates a request that presents the key (compared in constant time: digests of
     * equal length, so neither the time nor the length says how much matched). Without a
     * configured key every request is let in as the open service it then is.
     */
    static final class ApiKeyFilter extends EveryDispatchFilter {
        private final byte[] keyDigest;

        ApiKeyFilter(String key) {
            this.keyDigest = key.isBlank() ? null : sha256(key);
        }

            @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String presented = request.getHeader(HEADER);
            if (keyDigest == null || presented != null && MessageDigest.isEqual(keyDigest, sha256(presented))) {
                var context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                        keyDigest == null ? ApiPrincipal.OPEN : ApiPrincipal.KEY, null, List.of(new SimpleGrantedAuthority("ROLE_" + ROLE))));
                SecurityContextHolder.setContext(context);
            }
            chain.doFilter(request, response);
        }

        private static byte[] sha256(String text) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JVM", e);
            }
        }
    }
}
