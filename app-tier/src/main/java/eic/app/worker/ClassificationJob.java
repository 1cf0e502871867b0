package eic.app.worker;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.queue.QueuePoller;
import java.awt.image.BufferedImage;
import java.util.Optional;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One unit of a {@link ClassificationHandler}'s work: a message, its request and, as the
 * handler goes, what was found for it (an answer that stands, the result of the same bytes),
 * its bytes' digest and its decoded image. Used by one handler call, on its threads.
 */
final class ClassificationJob {
    final Message message;
    final ClassificationRequest request;
    final long receivedAtMs = System.currentTimeMillis();
    Future<Optional<ClassificationReply>> existing;
    Future<Optional<ClassificationReply>> twin;
    Future<byte[]> download;
    /** The SHA-256 of the bytes this worker fetched, computed here: the only digest a result is remembered by. */
    String fetchedSha256;
    /** How the image was read, when a user should know (the first of several pages). */
    String note;
    long downloadMs;
    long decodeMs;
    BufferedImage image;
    /** Its forward pass threw with no other image in it. */
    boolean failedAlone;

    ClassificationJob(Message message, ClassificationRequest request) {
        this.message = message;
        this.request = request;
    }

    /** Which receive of its message this is: 1 unless a crash, a drain or an outage returned it. */
    int deliveries() {
        return QueuePoller.receiveCount(message);
    }

    long pixels() {
        return (long) image.getWidth() * image.getHeight();
    }

    /** How long its message waited in the queue before this receive. */
    long queueWaitMs() {
        String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return sent == null ? 0 : Math.max(0, receivedAtMs - Long.parseLong(sent));
    }
}
