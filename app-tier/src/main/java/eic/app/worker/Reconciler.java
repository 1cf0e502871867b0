package eic.app.worker;

import eic.common.messaging.ResultStore;
import eic.common.aws.StackNames;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.LogSafe;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.messaging.RequestContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The input bucket is the source of truth: an accepted upload with no result after
 * {@code after} is enqueued again, so even a queue that loses a message (or SQS retention
 * running out) loses no request; after {@code attempts} re-submissions it is answered FAILED
 * with the reason. Uploads older than {@code expiry} are removed (on AWS a lifecycle rule
 * does the same). Every worker runs one; a duplicate re-submission is harmless, as the first
 * record stands.
 */
public final class Reconciler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    /** @param after    how old an upload without a result must be before it counts as lost
     *  @param expiry   how old an upload may get before it is removed
     *  @param attempts re-submissions before a lost request is answered FAILED */
    public record Settings(Duration period, Duration after, Duration expiry, int attempts) {
    }

    private final S3Client s3;
    private final SqsClient sqs;
    private final StackNames names;
    private final String requestQueueUrl;
    private final ResultStore results;
    private final RequestContract contract;
    private final Settings settings;
    private final String workerId;
    private final String model;
    private final Clock clock;

    public Reconciler(S3Client s3, SqsClient sqs, StackNames names, String requestQueueUrl, ResultStore results,
                      RequestContract contract, Settings settings, String workerId, String model, Clock clock) {
        this.s3 = s3;
        this.sqs = sqs;
        this.names = names;
        this.requestQueueUrl = requestQueueUrl;
        this.results = results;
        this.contract = contract;
        this.settings = settings;
        this.workerId = workerId;
        this.model = model;
        this.clock = clock;
    }

    /** One pass; any fault ends the pass quietly, the next one tries again. */
    @Override
    public void run() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.warn("reconciliation pass failed: {}", e.getMessage());
        }
    }

    /** @return the requests enqueued again or answered in this pass */
    public int reconcile() {
        Instant now = clock.instant();
        Set<String> answered = new HashSet<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(names.outputBucket()).prefix("results/"))) {
            for (S3Object o : page.contents()) {
                answered.add(o.key().substring("results/".length()).replace(".json", ""));
            }
        }
        int acted = 0;
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(names.inputBucket()).prefix(ObjectKeys.UPLOADS))) {
            for (S3Object upload : page.contents()) {
                Instant stored = upload.lastModified();
                if (stored.plus(settings.expiry()).isBefore(now)) {
                    s3.deleteObject(b -> b.bucket(names.inputBucket()).key(upload.key()));
                    continue;
                }
                String[] parts = upload.key().split("/", 3);
                if (parts.length != 3 || answered.contains(parts[1]) || stored.plus(settings.after()).isAfter(now)) {
                    continue;
                }
                if (recover(parts[1], parts[2], upload.key(), stored, now)) {
                    acted++;
                }
            }
        }
        return acted;
    }

    private boolean recover(String requestId, String fileName, String key, Instant stored, Instant now) {
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, requestId, names.inputBucket(), key,
                fileName, null, now.plus(Duration.ofHours(1)), stored);
        if (contract.violation(request).isPresent()) {
            log.warn("ignoring an upload the web tier did not write: {}", LogSafe.text(key));
            return false;
        }
        int attempts = attempts(requestId);
        if (attempts >= settings.attempts()) {
            ClassificationReply standing = results.saveFirst(ClassificationReply.failed(requestId, fileName,
                    "the request was lost by the queue " + attempts + " times; it was not classified", model,
                    workerId));
            log.warn("request {} lost {} times; answered {}", requestId, attempts, standing.status());
            return true;
        }
        s3.putObject(b -> b.bucket(names.outputBucket()).key(marker(requestId)),
                RequestBody.fromString(Integer.toString(attempts + 1)));
        sqs.sendMessage(b -> b.queueUrl(requestQueueUrl).messageBody(Messages.toJson(request)));
        log.warn("request {} has had no result since {}; enqueued again (attempt {})", requestId, stored,
                attempts + 1);
        return true;
    }

    private int attempts(String requestId) {
        try {
            return Integer.parseInt(s3.getObjectAsBytes(b -> b.bucket(names.outputBucket()).key(marker(requestId)))
                    .asUtf8String().trim());
        } catch (NoSuchKeyException e) {
            return 0;
        }
    }

    static String marker(String requestId) {
        return "ops/reconciled/" + requestId;
    }
}
