package eic.common.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/** No caller waits unbounded behind a send that never returns: a queue endpoint that accepts and never answers. */
class BatchingSenderTest {
    @Test
    void aCallerBehindASendThatNeverReturnsGivesUpAtItsBound() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1)
                     .endpointOverride(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                     .httpClient(ApacheHttpClient.builder().socketTimeout(Duration.ofMinutes(5)).build())
                     // the leader's own bound: the client's call timeout, as every client of the project has one
                     .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(3)))
                     .build()) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            BatchingSender sender = new BatchingSender(sqs, Duration.ofMillis(500));
            String queue = "http://127.0.0.1:" + silent.getLocalPort() + "/000000000000/q";
            Future<?> leader = callers.submit(() -> sender.send(queue, "first"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !held.isEmpty()); // the leader's send is on the wire
            Future<?> follower = callers.submit(() -> sender.send(queue, "second"));
            assertThatThrownBy(follower::get).hasCauseInstanceOf(SdkClientException.class)
                    .hasMessageContaining("not sent within PT0.5S");
            assertThatThrownBy(leader::get).as("the leader, at its client's call timeout")
                    .hasCauseInstanceOf(SdkClientException.class);
            assertThat(held).isNotEmpty();
        } finally {
            callers.shutdownNow();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
