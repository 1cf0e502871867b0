package eic.app.group;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The EC2 instance metadata service, version 2 only (the launch template requires tokens):
 * this instance's id and the Auto Scaling group's target lifecycle state for it.
 */
public final class InstanceMetadata {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long TOKEN_SECONDS = 6 * 3600;

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private String token;
    private long tokenExpiresAt;

    public InstanceMetadata(URI endpoint) {
        this.endpoint = endpoint;
    }

    public String instanceId() throws IOException, InterruptedException {
        return get("meta-data/instance-id").orElseThrow(() -> new IOException("no instance id in the metadata"));
    }

    /**
     * What the group intends for this instance: {@code InService}, {@code Terminated}, or a
     * warm pool's {@code Warmed:Stopped} and so on; empty outside a group.
     */
    public Optional<String> targetLifecycleState() throws IOException, InterruptedException {
        return get("meta-data/autoscaling/target-lifecycle-state");
    }

    /**
     * A Spot instance's interruption notice ({@code {"action":"terminate","time":...}}), given
     * two minutes before EC2 takes the instance back; empty when none (or not Spot).
     */
    public Optional<String> spotInstanceAction() throws IOException, InterruptedException {
        return get("meta-data/spot/instance-action");
    }

    private Optional<String> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/latest/" + path))
                .header("X-aws-ec2-metadata-token", token()).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() == 401) {
            token = null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("instance metadata " + path + " answered " + response.statusCode());
        }
        return Optional.of(response.body().trim());
    }

    private synchronized String token() throws IOException, InterruptedException {
        if (token == null || System.nanoTime() - tokenExpiresAt > 0) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/latest/api/token"))
                    .header("X-aws-ec2-metadata-token-ttl-seconds", Long.toString(TOKEN_SECONDS)).timeout(TIMEOUT)
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("instance metadata refused a token: " + response.statusCode());
            }
            token = response.body().trim();
            tokenExpiresAt = System.nanoTime() + Duration.ofSeconds(TOKEN_SECONDS - 60).toNanos();
        }
        return token;
    }
}
