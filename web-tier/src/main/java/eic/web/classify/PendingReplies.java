package eic.web.classify;

import eic.common.messaging.ClassificationReply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/** Requests waiting for their reply, by request id: O(1) matching; late or duplicate replies are ignored. */
@Component
public class PendingReplies {
    private final ConcurrentMap<String, CompletableFuture<ClassificationReply>> waiting = new ConcurrentHashMap<>();

    public CompletableFuture<ClassificationReply> register(String requestId) {
        CompletableFuture<ClassificationReply> future = new CompletableFuture<>();
        waiting.put(requestId, future);
        future.whenComplete((reply, error) -> waiting.remove(requestId, future));
        return future;
    }

    /** @return false when nobody waits for this id (late, duplicate, or another instance's) */
    public boolean complete(ClassificationReply reply) {
        CompletableFuture<ClassificationReply> future = waiting.get(reply.requestId());
        return future != null && future.complete(reply);
    }

    public void forget(String requestId) {
        CompletableFuture<ClassificationReply> future = waiting.remove(requestId);
        if (future != null) {
            future.cancel(false);
        }
    }

    public int size() {
        return waiting.size();
    }
}
