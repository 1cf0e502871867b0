package eic.infra.fleet;

import eic.common.messaging.Messages;
import eic.common.concurrent.DaemonThreads;
import eic.common.concurrent.Guarded;
import eic.common.aws.QueueDepth;
import eic.common.messaging.ObjectKeys;
import eic.infra.scaling.CapacityDecider;
import eic.infra.scaling.ScalingPolicy;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The local Auto Scaling group's brain: every period it samples q (visible messages) and
 * the messages in flight from the real request queue, i (workers that reported ready) and
 * the parked workers, lets the policy decide, sets the fleet's desired count (parked workers
 * are activated before new ones start), ends the parked ones when the policy reaps them, and
 * records the timeline.
 */
public final class FleetController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetController.class);
    private static final int KEPT_SAMPLES = 900;

    private final CapacityDecider decider;
    private final int min;
    private final int max;
    private final java.time.Duration period;
    private final WorkerFleet fleet;
    private final SqsClient sqs;
    private final String queueUrl;
    private final S3Client s3;
    private final String timelineBucket;
    private final Clock clock;
    private final Deque<FleetTimeline.Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("fleet-controller"));

    /** The original step policy, as the ASG runs it. */
    public FleetController(ScalingPolicy policy, WorkerFleet fleet, SqsClient sqs, String queueUrl, S3Client s3,
                           String timelineBucket, Clock clock) {
        this(CapacityDecider.steps(policy), policy.min(), policy.max(), policy.period(), fleet, sqs, queueUrl, s3,
                timelineBucket, clock);
    }

    /** Any decider, e.g. the {@link eic.infra.scaling.BacklogPolicy}; min and max are for the timeline. */
    public FleetController(CapacityDecider decider, int min, int max, java.time.Duration period, WorkerFleet fleet,
                           SqsClient sqs, String queueUrl, S3Client s3, String timelineBucket, Clock clock) {
        this.decider = decider;
        this.min = min;
        this.max = max;
        this.period = period;
        this.fleet = fleet;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.s3 = s3;
        this.timelineBucket = timelineBucket;
        this.clock = clock;
    }

    public void start() {
        long periodMs = period.toMillis();
        scheduler.scheduleWithFixedDelay(Guarded.task("fleet sample", log, this::sample), 0, periodMs, TimeUnit.MILLISECONDS);
        log.info("fleet controller: {}, {}..{} workers, period {} ms", decider.name(), min, max, periodMs);
    }

    /** One period; public so that a test can drive it without waiting for the scheduler. */
    public synchronized FleetTimeline.Sample sample() {
        QueueDepth depth = QueueDepth.read(sqs, queueUrl);
        int visible = depth.visible();
        int inFlight = depth.inFlight();
        int inService = fleet.inService();
        java.time.Instant now = clock.instant();
        int desired = fleet.desired();
        int parked = fleet.parked().size();
        CapacityDecider.Decision decision = decider.decide(now, new CapacityDecider.Observation(visible, inFlight,
                inService, desired, Math.max(0, desired - inService), parked));
        double metric = ScalingPolicy.metric(visible, inService);
        if (decision.desired() != desired || decision.terminateStopped()) {
            log.info("q={} in-flight={} i={} parked={} m={}: {}", visible, inFlight, inService, parked, metric,
                    decision.action());
            fleet.setDesired(decision.desired());
        }
        if (decision.terminateStopped()) {
            fleet.endParked();
        }
        FleetTimeline.Sample sample = new FleetTimeline.Sample(now, visible, inFlight, inService, fleet.desired(),
                fleet.parked().size(), metric, decision.action());
        samples.addLast(sample);
        while (samples.size() > KEPT_SAMPLES) {
            samples.removeFirst();
        }
        publish();
        return sample;
    }

    public synchronized FleetTimeline timeline() {
        List<FleetTimeline.Sample> list = new ArrayList<>(samples);
        return new FleetTimeline(clock.instant(), decider.name(), min, max, period.toMillis(),
                list.isEmpty() ? null : list.get(list.size() - 1), list);
    }

    private void publish() {
        try {
            String json = Messages.toJson(timeline());
            s3.putObject(b -> b.bucket(timelineBucket).key(ObjectKeys.FLEET_TIMELINE).contentType("application/json"),
                    RequestBody.fromString(json));
        } catch (RuntimeException e) {
            log.debug("could not publish the fleet timeline: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
