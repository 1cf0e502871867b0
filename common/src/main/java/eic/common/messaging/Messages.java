package eic.common.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** JSON encoding of the message contract; rejects a version it does not know. */
public final class Messages {
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Messages() {
    }

    public static ObjectMapper json() {
        return JSON;
    }

    public static String toJson(Object message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public static ClassificationRequest parseRequest(String json) {
        ClassificationRequest request = parse(json, ClassificationRequest.class);
        if (request.version() != VERSION || request.requestId() == null || request.bucket() == null
                || request.key() == null) {
            throw new MalformedMessageException("not a version-" + VERSION + " classification request: " + abbreviate(json));
        }
        return request;
    }

    public static ClassificationReply parseReply(String json) {
        ClassificationReply reply = parse(json, ClassificationReply.class);
        if (reply.version() != VERSION || reply.requestId() == null || reply.status() == null) {
            throw new MalformedMessageException("not a version-" + VERSION + " classification reply: " + abbreviate(json));
        }
        return reply;
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("unreadable " + type.getSimpleName() + ": " + abbreviate(json), e);
        }
    }

    private static String abbreviate(String text) {
        return LogSafe.text(text);
    }

    /** A message that can never be processed, however often it is redelivered. */
    public static final class MalformedMessageException extends RuntimeException {
        public MalformedMessageException(String message) {
            super(message);
        }

        public MalformedMessageException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
