package eic.app.worker;

import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import static org.assertj.core.api.Assertions.assertThat;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Replies that are ready together go as batches, against ElasticMQ: every reply arrives
 * exactly once, in fewer calls than replies; a lone reply goes at once, alone.
 */
class RepliesTest {
    static LocalStack stack;
    static SqsClient sqs;
    static final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dir) {
        stack = LocalStack.startStorage(new LocalStackOptions(dir, dir, 0, 0, Duration.ofSeconds(30), Map.of(), false));
        sqs = SqsClient.builder()
                .credentialsProvider(StaticCredentialsProvider.create(stack.awsSettings().localIdentity().orElseThrow()))
                .endpointOverride(stack.awsSettings().sqsEndpoint().orElseThrow())
                .region(Region.US_EAST_1)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
                        calls.add(context.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("?"));
                    }
                })).build();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        stack.close();
    }

    @Test
    void repliesReadyTogetherGoInBatchesAndEachArrivesOnce() throws Exception {
        String queue = sqs.createQueue(b -> b.queueName(stack.names().replyQueuePrefix() + "batch")).queueUrl();
        Replies replies = new Replies(sqs, Clock.systemUTC());
        int count = 60;
        ExecutorService threads = Executors.newFixedThreadPool(12);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> sent = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        calls.clear();
        for (int i = 0; i < count; i++) {
            ClassificationReply reply = reply();
            ids.add(reply.requestId());
            sent.add(threads.submit(() -> {
                go.await();
                replies.send(queue, reply, Instant.now().plusSeconds(30));
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : sent) {
            f.get();
        }
        threads.shutdown();

        assertThat(calls).as("fewer calls than replies").hasSizeLessThan(count)
                .anyMatch(c -> c.endsWith("SendMessageBatch"));
        Set<String> received = new HashSet<>();
        List<Message> all = new ArrayList<>();
        while (received.size() < count) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages();
            assertThat(batch).as("received %d of %d", received.size(), count).isNotEmpty();
            for (Message m : batch) {
                all.add(m);
                received.add(Messages.parseReply(m.body()).requestId());
            }
        }
        assertThat(received).isEqualTo(ids);
        assertThat(all).as("each exactly once").hasSize(count);
    }

    @Test
    void aLoneReplyGoesAtOnceByItself() {
        String queue = sqs.createQueue(b -> b.queueName(stack.names().replyQueuePrefix() + "alone")).queueUrl();
        calls.clear();
        new Replies(sqs, Clock.systemUTC()).send(queue, reply(), Instant.now().plusSeconds(30));
        assertThat(calls).singleElement().satisfies(c -> assertThat(c).endsWith("SendMessage"));
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).hasSize(1);
    }

    @Test
    void aGoneReplyQueueIsNoFault() {
        String gone = stack.awsSettings().sqsEndpoint().orElseThrow() + "/000000000000/" + stack.names()
                .replyQueuePrefix() + "never-created";
        calls.clear();
        // Nobody waits there any more: the send returns (the record is in the bucket), no exception.
        new Replies(sqs, Clock.systemUTC()).send(gone, reply(), Instant.now().plusSeconds(5));
        assertThat(calls).singleElement().satisfies(c -> assertThat(c).endsWith("SendMessage"));
    }

    private static ClassificationReply reply() {
        String id = UUID.randomUUID().toString();
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, id, "in", "uploads/" + id,
                "a.png", null, Instant.now().plusSeconds(60), Instant.now());
        return ClassificationReply.done(request, "red circle", 0.9, List.of(), "shapes", "w",
                ClassificationReply.Timings.NONE);
    }
}
