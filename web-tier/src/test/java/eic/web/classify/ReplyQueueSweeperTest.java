package eic.web.classify;

import static org.assertj.core.api.Assertions.assertThat;

import eic.infra.local.LocalStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Reply queues of instances that went uncleanly are swept, against ElasticMQ; the living keep theirs. */
class ReplyQueueSweeperTest {
    static LocalStack storage;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        storage = LocalStorage.start();
        sqs = storage.aws().sqs();
    }

    @AfterAll
    static void stop() {
        storage.close();
    }

    @Test
    void aQueueNotStampedForLongerThanTheLimitGoesTheOthersStay() {
        String prefix = "sweep-" + System.nanoTime() + "-";
        Instant now = Instant.now();
        String own = create(prefix + "own");
        String crashed = create(prefix + "crashed");
        String living = create(prefix + "living");
        String unrelated = create("other-" + System.nanoTime());
        Clock earlier = Clock.fixed(now.minus(Duration.ofHours(1)), ZoneOffset.UTC);
        new ReplyQueueSweeper(sqs, prefix, Duration.ofMinutes(30), earlier).stamp(crashed);
        new ReplyQueueSweeper(sqs, prefix, Duration.ofMinutes(30), Clock.fixed(now.minusSeconds(60), ZoneOffset.UTC))
                .stamp(living);

        ReplyQueueSweeper sweeper = new ReplyQueueSweeper(sqs, prefix, Duration.ofMinutes(30),
                Clock.fixed(now, ZoneOffset.UTC));
        assertThat(sweeper.sweep(own)).containsExactly(crashed);

        assertThat(sqs.listQueues(b -> b.queueNamePrefix(prefix)).queueUrls()).containsExactlyInAnyOrder(own, living);
        assertThat(sqs.listQueueTags(b -> b.queueUrl(own)).tags())
                .containsEntry(ReplyQueueSweeper.ALIVE_TAG, Long.toString(now.getEpochSecond()));
        assertThat(sqs.listQueues(b -> b.queueNamePrefix("other-")).queueUrls()).contains(unrelated);
    }

    @Test
    void aQueueNeverStampedCountsFromItsCreation() {
        String prefix = "unstamped-" + System.nanoTime() + "-";
        String own = create(prefix + "own");
        String fresh = create(prefix + "fresh");
        Instant now = Instant.now();
        assertThat(new ReplyQueueSweeper(sqs, prefix, Duration.ofMinutes(30), Clock.fixed(now, ZoneOffset.UTC))
                .sweep(own)).as("created a moment ago").isEmpty();
        assertThat(new ReplyQueueSweeper(sqs, prefix, Duration.ofMinutes(30),
                Clock.fixed(now.plus(Duration.ofHours(1)), ZoneOffset.UTC)).sweep(own)).containsExactly(fresh);
    }

    private static String create(String name) {
        return sqs.createQueue(b -> b.queueName(name).attributes(Map.of())).queueUrl();
    }
}
