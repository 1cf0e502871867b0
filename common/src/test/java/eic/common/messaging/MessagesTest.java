package eic.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
    private final ClassificationRequest request = new ClassificationRequest(Messages.VERSION, "id-1", "in", "uploads/a.png",
            "a.png", "http://q/replies", Instant.parse("2026-11-23T12:01:00Z"), Instant.parse("2026-11-23T12:00:00Z"));

    @Test
    void requestsAndRepliesRoundTripAsJson() {
        String json = Messages.toJson(request);
        assertThat(json).contains("\"deadline\":\"2026-11-23T12:01:00Z\"").contains("\"replyTo\":\"http://q/replies\"");
        assertThat(Messages.parseRequest(json)).isEqualTo(request);
        ClassificationReply reply = ClassificationReply.done(request, "red circle", 0.99,
                List.of(new ClassificationReply.Prediction("red circle", 0.99)), "shapes", "w-1",
                new ClassificationReply.Timings(1, 2, 3, 4, 10));
        ClassificationReply parsed = Messages.parseReply(Messages.toJson(reply));
        assertThat(parsed).isEqualTo(reply);
        assertThat(parsed.isDone()).isTrue();
    }

    @Test
    void unknownFieldsAreIgnoredButAnotherVersionOrGarbageIsRejected() {
        assertThat(Messages.parseRequest(Messages.toJson(request).replace("{", "{\"extra\":1,")).requestId())
                .isEqualTo("id-1");
        assertThatThrownBy(() -> Messages.parseRequest(Messages.toJson(request).replace("\"version\":1", "\"version\":2")))
                .isInstanceOf(Messages.MalformedMessageException.class).hasMessageContaining("version-1");
        assertThatThrownBy(() -> Messages.parseReply("not json")).isInstanceOf(Messages.MalformedMessageException.class);
    }
}
