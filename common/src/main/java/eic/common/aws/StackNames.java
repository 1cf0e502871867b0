package eic.common.aws;

import eic.common.config.Env;

/** Names of the buckets and queues one EIC deployment uses. */
public record StackNames(String inputBucket, String outputBucket, String requestQueue, String deadLetterQueue,
                         String replyQueuePrefix) {

    public static StackNames from(Env env) {
        return of(env.get("eic.name-prefix", "eic"), env.find("eic.input-bucket").orElse(null),
                env.find("eic.output-bucket").orElse(null), env.find("eic.request-queue").orElse(null),
                env.find("eic.dead-letter-queue").orElse(null), env.find("eic.reply-queue-prefix").orElse(null));
    }

    /** Each name as given, else derived from {@code prefix} (null or blank counts as not given). */
    public static StackNames of(String prefix, String inputBucket, String outputBucket, String requestQueue,
                                String deadLetterQueue, String replyQueuePrefix) {
        return new StackNames(orElse(inputBucket, prefix + "-input"), orElse(outputBucket, prefix + "-output"),
                orElse(requestQueue, prefix + "-requests"), orElse(deadLetterQueue, prefix + "-requests-dlq"),
                orElse(replyQueuePrefix, prefix + "-replies-"));
    }

    private static String orElse(String value, String derived) {
        return value == null || value.isBlank() ? derived : value;
    }
}
