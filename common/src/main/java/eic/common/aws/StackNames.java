package eic.common.aws;

import eic.common.config.Env;

/** Names of the buckets and queues one EIC deployment uses. */
public record StackNames(String inputBucket, String outputBucket, String requestQueue, String deadLetterQueue,
                         String replyQueuePrefix) {

    public static StackNames from(Env env) {
        String prefix = env.get("eic.name-prefix", "eic");
        return new StackNames(
                env.get("eic.input-bucket", prefix + "-input"),
                env.get("eic.output-bucket", prefix + "-output"),
                env.get("eic.request-queue", prefix + "-requests"),
                env.get("eic.dead-letter-queue", prefix + "-requests-dlq"),
                env.get("eic.reply-queue-prefix", prefix + "-replies-"));
    }
}
