package eic.web.security;

import eic.common.aws.AwsClients;
import eic.web.system.WebProperties;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The API key this instance checks: {@code EIC_API_KEY}, else the value of the secret
 * {@code EIC_API_KEY_SECRET} names, read once at start. A secret that cannot be read stops
 * the start: a door that was meant to be locked never opens by accident. Blank: no key, an
 * open service (said at start by {@link OpenDoorWarning} when it listens beyond loopback).
 */
public record ApiKey(String value) {
    private static final Logger log = LoggerFactory.getLogger(ApiKey.class);

    public boolean required() {
        return !value.isBlank();
    }

    @Override
    public String toString() {
        return required() ? "ApiKey[set]" : "ApiKey[none]"; // never the key itself in a log
    }

    @Configuration(proxyBeanMethods = false)
    static class Resolution {
        @Bean
        ApiKey apiKey(WebProperties properties, AwsClients aws) {
            if (!properties.apiKey().isBlank() || properties.apiKeySecret().isBlank()) {
                return new ApiKey(properties.apiKey());
            }
            return read(aws.client(SecretsManagerClient.builder(),
                    Optional.ofNullable(properties.secretsmanager().endpoint())), properties.apiKeySecret());
        }
    }

    /** The key held by a secret; an unreadable or empty secret is an exception that says which and why. */
    public static ApiKey read(SecretsManagerClient secrets, String secret) {
        try {
            String key = secrets.getSecretValue(b -> b.secretId(secret)).secretString();
            if (key == null || key.isBlank()) {
                throw new IllegalStateException("the secret " + secret + " (EIC_API_KEY_SECRET) holds no key; "
                        + "not starting without it");
            }
            log.info("API key read from the secret {}", secret);
            return new ApiKey(key.trim());
        } catch (SdkException e) {
            throw new IllegalStateException("cannot read the API key from the secret " + secret
                    + " (EIC_API_KEY_SECRET): " + e.getMessage() + "; not starting without it", e);
        }
    }
}
