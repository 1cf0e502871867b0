package eic.common.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the AWS calls of one {@link AwsClients}, by service and operation ("S3 PutObject"):
 * each call once, however many attempts it took. What a request costs in calls is then read,
 * not guessed (the benchmark prints it from the line {@link #summary()} logs at exit).
 */
public final class AwsCalls implements ExecutionInterceptor {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String call = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " "
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(call, k -> new LongAdder()).increment();
    }

    /** The calls so far, by "service operation", sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((call, n) -> copy.put(call, n.sum()));
        return copy;
    }

    /** One line: "S3 GetObject=12, SQS SendMessageBatch=3" (empty when nothing was called). */
    public String summary() {
        return snapshot().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
