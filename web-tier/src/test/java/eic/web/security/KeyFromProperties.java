package eic.web.security;

import eic.web.system.WebProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * For the MVC slice tests: the key as {@code ApiKey.Resolution} gives it when {@code EIC_API_KEY}
 * is set (the secret's path, which needs AWS, is ClosedDoorTest's).
 */
@TestConfiguration
public class KeyFromProperties {
    @Bean
    ApiKey apiKey(WebProperties properties) {
        return new ApiKey(properties.apiKey());
    }
}
