package eic.web.security;

/** The principals a request can be authenticated as: who the rate limit and the logs can trust. */
public final class ApiPrincipal {
    /** Presented the configured API key. */
    public static final String KEY = "api-key";
    /** No key is configured: every request is let in as this (it says nothing of who the client is). */
    public static final String OPEN = "open";

    private ApiPrincipal() {
    }
}
