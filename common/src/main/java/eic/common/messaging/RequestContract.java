package eic.common.messaging;

import eic.common.images.FileNames;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a worker accepts from the request queue: exactly the messages the web tier writes.
 * Anyone who can send to the queue could otherwise make a worker read any object it can
 * reach, reply to any queue, or write a record under any name; a message that breaks the
 * contract touches nothing.
 *
 * @param inputBucket   the one bucket images are read from
 * @param replyQueueUrl the URL every reply queue starts with: the request queue's account
 *                      path followed by the reply-queue name prefix
 */
public record RequestContract(String inputBucket, String replyQueueUrl) {
    private static final Pattern QUEUE_NAME_SUFFIX = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * The contract of a deployment, from its request queue's URL (replies live in the same
     * account and endpoint) and its reply-queue name prefix.
     */
    public static RequestContract of(String inputBucket, String requestQueueUrl, String replyQueuePrefix) {
        int slash = requestQueueUrl.lastIndexOf('/');
        return new RequestContract(inputBucket, requestQueueUrl.substring(0, slash + 1) + replyQueuePrefix);
    }

    /** The first rule the request breaks, in words for an operator's log; empty when it keeps them all. */
    public Optional<String> violation(ClassificationRequest request) {
        if (!isRequestId(request.requestId())) {
            return Optional.of("the request id is not a UUID");
        }
        if (!inputBucket.equals(request.bucket())) {
            return Optional.of("the bucket is not the input bucket");
        }
        if (request.fileName() == null || !FileNames.safe(request.fileName()).equals(request.fileName())) {
            return Optional.of("the file name is not one the web tier writes");
        }
        if (!ObjectKeys.upload(request.requestId()).equals(request.key())) {
            return Optional.of("the key is not uploads/<request id>");
        }
        String replyTo = request.replyTo();
        if (replyTo != null && !(replyTo.startsWith(replyQueueUrl)
                && QUEUE_NAME_SUFFIX.matcher(replyTo.substring(replyQueueUrl.length())).matches())) {
            return Optional.of("the reply queue is not one of this deployment's reply queues");
        }
        if (request.deadline() == null || request.submittedAt() == null) {
            return Optional.of("the deadline or the submission time is missing");
        }
        if (request.contentSha256() != null && !SHA256.matcher(request.contentSha256()).matches()) {
            return Optional.of("the content digest is not a SHA-256 in hex");
        }
        return Optional.empty();
    }

    /** A request id is a UUID in its canonical spelling (lower case, with dashes), nothing else. */
    public static boolean isRequestId(String id) {
        try {
            return id != null && UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
