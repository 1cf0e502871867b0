package eic.app.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import eic.common.aws.ConditionalWrites;
import eic.common.aws.QueueDepth;
import eic.common.aws.StackNames;
import eic.common.messaging.ClassificationReply;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.LogSafe;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.messaging.RequestContract;
import eic.common.messaging.ResultStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Recovers the requests the queue really lost, and nothing else. The input bucket holds an
 * upload for every request outstanding (a worker removes it once the answer is recorded);
 * the queue holds their messages. A request can be lost only where the two disagree: an
 * upload with no record and no message - the web tier died between storing and sending,
 * a queue's data was lost, a message outlived its retention.
 *
 * <p>A message cannot be looked up by its request, so the queue is asked the one question it
 * can answer: is it empty? When the request queue (waiting and in flight) and the dead-letter
 * queue (waiting) read empty on two passes in a row, every request sent before the first of
 * the two readings has been answered or lost: its upload, stored at least {@code after}
 * before that reading (the door sends within that), is enqueued again when it has no record.
 * While the queue holds anything, however old the backlog, nothing is enqueued again,
 * counted or failed - the pass costs two GetQueueAttributes calls and lists nothing.
 *
 * <p>Each re-submission is claimed with a conditional write of the request's marker
 * ({@code ops/reconciled/<id>}: attempts and when), so two workers never both send it, and
 * a send that fails gives its claim back: an outage of S3 or SQS burns no attempt. After
 * {@code attempts} losses the request is answered FAILED with the reason. A pass lists
 * {@code uploads/}, bounded by the work outstanding (at most the door's backlog bound plus
 * what is in transit), and reads each old upload's record and metadata; it never lists
 * results, so a million stored results cost it nothing.
 */
public final class Reconciler implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    /**
     * @param period   how often a pass runs
     * @param after    how long the door may take from storing an upload to sending its message (and AWS's
     *                 approximate queue counts to settle): an upload counts as lost only when the queue was seen
     *                 empty at least this long after it was stored (or last enqueued again)
     * @param attempts re-submissions before a request the queue keeps losing is answered FAILED
     * @param queuesBornAt when the queues were created empty, if they keep nothing across restarts (the local
     *                 stack's, in memory): every upload stored before then without a record lost its message
     */
    public record Settings(Duration period, Duration after, int attempts, Optional<Instant> queuesBornAt) {
        public Settings(Duration period, Duration after, int attempts) {
            this(period, after, attempts, Optional.empty());
        }
    }

    /** What one pass did. {@code looked}: the queues had read empty twice, so the uploads were listed. */
    public record Pass(boolean looked, int enqueuedAgain, int failed, int removed) {
        static final Pass BUSY = new Pass(false, 0, 0, 0);
    }

    /** A request's marker: how often it was enqueued again, and the last time when. */
    record Marker(int attempts, Instant lastSent) {
        static final Marker NONE = new Marker(0, Instant.EPOCH);
    }

    private final S3Client s3;
    private final SqsClient sqs;
    private final StackNames names;
    private final String requestQueueUrl;
    private final Supplier<String> deadLetterQueueUrl;
    private final ResultStore results;
    private final Uploads uploads;
    private final RequestContract contract;
    private final Settings settings;
    private final String workerId;
    private final String model;
    private final Clock clock;
    /** When the queues first read empty in the current run of empty readings; null after any other reading. */
    private Instant emptySince;

    public Reconciler(S3Client s3, SqsClient sqs, StackNames names, String requestQueueUrl,
                      Supplier<String> deadLetterQueueUrl, ResultStore results, Uploads uploads,
                      RequestContract contract, Settings settings, String workerId, String model, Clock clock) {
        this.s3 = s3;
        this.sqs = sqs;
        this.names = names;
        this.requestQueueUrl = requestQueueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.results = results;
        this.uploads = uploads;
        this.contract = contract;
        this.settings = settings;
        this.workerId = workerId;
        this.model = model;
        this.clock = clock;
    }

    /** One pass, for a scheduler (which guards it: a failed pass is logged, the next one runs). */
    @Override
    public void run() {
        Pass pass = reconcile();
        if (pass.enqueuedAgain() + pass.failed() + pass.removed() > 0) {
            log.info("reconciled: {} enqueued again, {} answered failed, {} answered uploads removed",
                    pass.enqueuedAgain(), pass.failed(), pass.removed());
        }
    }

    /**
     * One pass: reads the queues, and only when they have read empty twice in a row looks at the
     * uploads, as of the earlier of the two readings. While the queues stay empty that floor moves
     * on with each pass, so an upload or a re-submission made shortly before the queue first read
     * empty - whose message the door or a killed worker never sent - is found once the empty
     * queue has outlived it by {@code after}, not only after the next burst.
     */
    public synchronized Pass reconcile() {
        Instant now = clock.instant();
        if (!queuesEmpty()) {
            emptySince = null;
            return Pass.BUSY;
        }
        Instant floor = emptySince;
        if (floor == null) {
            emptySince = now; // one empty reading may be the approximate count lagging a send: wait for a second
            return Pass.BUSY;
        }
        Pass pass = recoverUploads(floor, settings.after(), true);
        // the queue holds what was just sent; else this reading is the next pass's floor
        emptySince = pass.enqueuedAgain() > 0 ? null : now;
        return pass;
    }

    /**
     * Once, when the worker starts, if the queues were created empty at a known instant (the local stack's
     * queues live in memory, and it was stopped or cut): whatever was outstanding then lost its message with
     * the old queues, so every upload stored before that instant with no record, and not enqueued again since,
     * is enqueued again now - no empty gate to wait for, as nothing sent before then can be in the new queues.
     * A restart is not the request's fault: this burns none of its attempts.
     */
    public synchronized Pass recoverWhatTheQueuesLost() {
        return settings.queuesBornAt().map(bornAt -> recoverUploads(bornAt, Duration.ZERO, false))
                .orElse(new Pass(false, 0, 0, 0));
    }

    /**
     * Every upload stored at least {@code after} before {@code floor} that has no record: enqueued again, or,
     * when {@code counted} and it was lost too often, failed; answered ones are removed.
     */
    private Pass recoverUploads(Instant floor, Duration after, boolean counted) {
        int enqueuedAgain = 0;
        int failed = 0;
        List<String> answered = new ArrayList<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(names.inputBucket()).prefix(ObjectKeys.UPLOADS))) {
            for (S3Object upload : page.contents()) {
                Optional<String> id = ObjectKeys.requestIdOfUpload(upload.key());
                if (id.isEmpty() || upload.lastModified().plus(after).isAfter(floor)) {
                    continue; // not the door's, or stored too recently for an empty queue to say anything of it
                }
                if (results.find(id.get()).isPresent()) {
                    answered.add(upload.key()); // answered; its worker could not remove it
                    continue;
                }
                switch (recover(id.get(), upload.key(), floor, after, counted)) {
                    case ENQUEUED -> enqueuedAgain++;
                    case FAILED -> failed++;
                    case LEFT -> { }
                }
            }
        }
        uploads.forgetAnswered(answered);
        return new Pass(true, enqueuedAgain, failed, answered.size());
    }

    private enum Recovery { ENQUEUED, FAILED, LEFT }

    /**
     * The request of an upload that has no record and no message: enqueued again, or after too many losses
     * failed. An attempt {@code counted} brings it closer to that; a restart of in-memory queues does not.
     */
    private Recovery recover(String requestId, String key, Instant floor, Duration after, boolean counted) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(names.inputBucket()).key(key));
        } catch (NoSuchKeyException e) {
            return Recovery.LEFT; // answered and removed since the listing
        }
        Map<String, String> meta = head.metadata();
        String fileName = meta.getOrDefault(ObjectKeys.FILE_NAME, "image");
        Instant deadline = Optional.ofNullable(meta.get(ObjectKeys.DEADLINE)).map(Instant::parse)
                .orElse(clock.instant().plus(Duration.ofDays(1)));
        ClassificationRequest request = new ClassificationRequest(Messages.VERSION, requestId, names.inputBucket(), key,
                fileName, null, deadline, head.lastModified(), meta.get(ObjectKeys.SHA256));
        Optional<String> violation = contract.violation(request);
        if (violation.isPresent()) {
            log.warn("ignoring an upload the web tier did not write: {} ({})", LogSafe.text(key), violation.get());
            return Recovery.LEFT;
        }
        Optional<ResponseBytes<GetObjectResponse>> read = readMarker(requestId);
        Marker marker = read.map(Reconciler::parse).orElse(Marker.NONE);
        if (marker.lastSent().plus(after).isAfter(floor)) {
            return Recovery.LEFT; // enqueued again too recently for the empty queue to say anything of it
        }
        if (counted && marker.attempts() >= settings.attempts()) {
            ClassificationReply standing = results.saveFirst(ClassificationReply.failed(requestId, fileName,
                    "the request was lost by the queue " + marker.attempts() + " times; it was not classified", model,
                    workerId));
            log.warn("request {} lost {} times; answered {}", requestId, marker.attempts(), standing.status());
            return Recovery.FAILED;
        }
        Optional<String> eTag = read.map(r -> r.response().eTag());
        int attempts = counted ? marker.attempts() + 1 : marker.attempts();
        Optional<String> claimed = claim(requestId, eTag, new Marker(attempts, clock.instant()));
        if (claimed.isEmpty()) {
            return Recovery.LEFT; // another worker's reconciler claimed this attempt
        }
        try {
            sqs.sendMessage(b -> b.queueUrl(requestQueueUrl).messageBody(Messages.toJson(request)));
        } catch (SdkException e) {
            giveBack(requestId, claimed.get(), marker, eTag.isEmpty());
            throw e;
        }
        log.warn("request {} had no result and no message since {}; enqueued again ({})", requestId,
                head.lastModified(), counted ? "attempt " + attempts : "its queue was created again empty");
        return Recovery.ENQUEUED;
    }

    /** Waiting or in flight in the request queue, or waiting in the dead-letter queue: nothing at all. */
    private boolean queuesEmpty() {
        // A dead letter in flight is one being answered now or a forgery parked for an operator; its request
        // (if valid) is answered by the dead-letter handler, so only waiting letters keep the gate shut.
        return QueueDepth.read(sqs, requestQueueUrl).total() == 0
                && QueueDepth.read(sqs, deadLetterQueueUrl.get()).visible() == 0;
    }

    private Optional<ResponseBytes<GetObjectResponse>> readMarker(String requestId) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(names.outputBucket()).key(marker(requestId))));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** Writes the next attempt's marker only if nobody wrote one since it was read; its new ETag, else empty. */
    private Optional<String> claim(String requestId, Optional<String> readAt, Marker next) {
        try {
            return Optional.of(s3.putObject(b -> {
                b.bucket(names.outputBucket()).key(marker(requestId)).contentType("application/json");
                readAt.ifPresentOrElse(b::ifMatch, () -> b.ifNoneMatch("*"));
            }, RequestBody.fromString(Messages.toJson(next))).eTag());
        } catch (S3Exception e) {
            if (ConditionalWrites.refused(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The send failed: the attempt it claimed is given back (best effort), so an outage costs none. */
    private void giveBack(String requestId, String claimedETag, Marker before, boolean wasNew) {
        try {
            if (wasNew) {
                s3.deleteObject(b -> b.bucket(names.outputBucket()).key(marker(requestId)).ifMatch(claimedETag));
            } else {
                s3.putObject(b -> b.bucket(names.outputBucket()).key(marker(requestId)).ifMatch(claimedETag)
                        .contentType("application/json"), RequestBody.fromString(Messages.toJson(before)));
            }
        } catch (SdkException e) {
            log.warn("could not give back the attempt claimed for request {}: {}", requestId, e.getMessage());
        }
    }

    private static Marker parse(ResponseBytes<GetObjectResponse> bytes) {
        try {
            return Messages.json().readValue(bytes.asUtf8String(), Marker.class);
        } catch (JsonProcessingException e) {
            return Marker.NONE; // unreadable: count from nothing rather than give up on the request
        }
    }

    static String marker(String requestId) {
        return "ops/reconciled/" + requestId;
    }
}
