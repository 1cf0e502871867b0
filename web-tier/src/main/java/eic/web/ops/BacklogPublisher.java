package eic.web.ops;

import eic.common.aws.AwsClients;
import eic.common.aws.QueueDepth;
import eic.common.aws.StackNames;
import eic.common.concurrent.Guarded;
import eic.web.classify.RequestQueue;
import eic.web.system.WebProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The fast scaling signal on AWS: the request queue's backlog (visible + in flight) and that
 * backlog per worker in service, as high-resolution metrics, so an alarm with a 10 s period
 * can decide within seconds of a burst - SQS's own metrics arrive once a minute, minutes
 * late. The queue is read every second; a reading is published every 10 s, and at once when
 * the backlog has grown by {@link #JUMP} since the last one published, so a burst reaches the
 * alarm's current period instead of waiting up to 10 s for the next publication. Every web
 * instance publishes the same reading; the alarms take the maximum. On only with a
 * CloudWatch namespace and the workers' group (the stack sets both).
 */
@Component
class BacklogPublisher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(BacklogPublisher.class);
    static final Duration PERIOD = Duration.ofSeconds(10);
    static final Duration CHECK = Duration.ofSeconds(1);
    /** Growth of the backlog that is published at once. */
    static final int JUMP = 10;
    static final String BACKLOG = "Backlog";
    static final String PER_WORKER = "BacklogPerWorker";

    private final AwsClients aws;
    private final RequestQueue queue;
    private final ObjectProvider<CloudWatchClient> cloudWatchClient;
    private final StackNames names;
    private final WebProperties.Cloudwatch settings;
    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService timer;
    private CloudWatchClient cloudWatch;
    private AutoScalingClient autoscaling;
    private Instant lastPublished = Instant.MIN;
    private int lastBacklog;

    BacklogPublisher(AwsClients aws, RequestQueue queue, ObjectProvider<CloudWatchClient> cloudWatchClient,
                     StackNames names, WebProperties properties) {
        this.aws = aws;
        this.queue = queue;
        this.cloudWatchClient = cloudWatchClient;
        this.names = names;
        this.settings = properties.cloudwatch();
    }

    @Override
    public synchronized void start() {
        if (settings.namespace().isBlank() || settings.workerGroup().isBlank()) {
            return;
        }
        cloudWatch = cloudWatchClient.getObject();
        autoscaling = aws.client(AutoScalingClient.builder(), Optional.ofNullable(settings.autoscalingEndpoint()));
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "backlog-publisher"));
        timer.scheduleAtFixedRate(Guarded.task("backlog publication", log, this::publish), 0, CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("publishing the backlog per worker of {} to {} every {} and on a jump of {}",
                settings.workerGroup(), settings.namespace(), PERIOD, JUMP);
    }

    private void publish() {
        QueueDepth depth = queue.depth();
        Instant now = clock.instant();
        int backlog = depth.visible() + depth.inFlight();
        if (!due(now, lastPublished, lastBacklog, backlog)) {
            return;
        }
        int inService = (int) autoscaling.describeAutoScalingGroups(b -> b.autoScalingGroupNames(
                settings.workerGroup())).autoScalingGroups().stream()
                .flatMap(g -> g.instances().stream())
                .filter(i -> i.lifecycleState() == LifecycleState.IN_SERVICE).count();
        List<MetricDatum> data = data(names.requestQueue(), depth, inService, now);
        cloudWatch.putMetricData(b -> b.namespace(settings.namespace()).metricData(data));
        lastPublished = now;
        lastBacklog = backlog;
    }

    /** A reading is published every {@link #PERIOD}, and at once when the backlog jumped. */
    static boolean due(Instant now, Instant lastPublished, int lastBacklog, int backlog) {
        return !now.isBefore(lastPublished.plus(PERIOD)) || backlog - lastBacklog >= JUMP;
    }

    /**
     * The two readings: the backlog, and the backlog per worker in service - with none in
     * service, the whole backlog (one worker's worth of it is what is missing).
     */
    static List<MetricDatum> data(String queueName, QueueDepth depth, int inService, Instant at) {
        Dimension queue = Dimension.builder().name("QueueName").value(queueName).build();
        double backlog = depth.visible() + depth.inFlight();
        return List.of(
                MetricDatum.builder().metricName(BACKLOG).dimensions(queue).timestamp(at).unit(StandardUnit.COUNT)
                        .storageResolution(1).value(backlog).build(),
                MetricDatum.builder().metricName(PER_WORKER).dimensions(queue).timestamp(at).unit(StandardUnit.COUNT)
                        .storageResolution(1).value(backlog / Math.max(1, inService)).build());
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
