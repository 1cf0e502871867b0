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

    /**
     * The wait for this id's reply. Clients racing under one idempotency key share one wait: the
     * one whose upload is accepted sends the request, the others are answered by its reply.
     */
    public CompletableFuture<ClassificationReply> register(String requestId) {
        return waiting.computeIfAbsent(requestId, id -> {
            CompletableFuture<ClassificationReply> future = new CompletableFuture<>();
            future.whenComplete((reply, error) -> waiting.remove(id, future));
            return future;
        });
    }

    /** The reply a request of this instance waits for, while it waits. */
    public java.util.Optional<CompletableFuture<ClassificationReply>> find(String requestId) {
        return java.util.Optional.ofNullable(waiting.get(requestId));
    }

    /** @return false when nobody waits for this id (late, duplicate, or another instance's) */
    public boolean complete(ClassificationReply reply) {
        CompletableFuture<ClassificationReply> future = waiting.get(reply.requestId());
        return future != null && future.complete(reply);
    }

    /** This request's wait is over before it began (it was not accepted); another's under the id stays. */
    public void forget(String requestId, CompletableFuture<ClassificationReply> future) {
        if (waiting.remove(requestId, future)) {
            future.cancel(false);
        }
    }

    public int size() {
        return waiting.size();
    }
}
