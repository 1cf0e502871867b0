package eic.web.system;

import eic.common.aws.AwsSettings;
import eic.common.aws.StackNames;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The web tier's settings (environment: EIC_REQUEST_TIMEOUT, EIC_MAX_WAITING, ...).
 *
 * @param requestTimeout how long a classic request waits for its label before 504; also its deadline
 * @param asyncDeadline  how long an async request may wait for a worker before it is answered {@code expired}
 *                       instead of classified: the request queue's retention (4 days), so a backlog of any age
 *                       the queue can hold delays async work and never fails it
 * @param maxWaiting     requests this instance holds open at once; beyond it 503 + Retry-After
 * @param maxBacklog     requests queued or in work (request queue visible + in flight) beyond which every
 *                       submission, waiting or not, gets 503 + Retry-After
 * @param uploadMemory   upload bytes held in this JVM's heap at once; beyond it 503 + Retry-After
 *                       (0: a quarter of the heap)
 * @param rateLimit      submissions per second per client (the verified API key, else the client's address);
 *                       beyond it 429 + Retry-After; 0 turns it off
 * @param trustedProxies the load balancer's addresses (CIDR blocks): from them, and only from them, the
 *                       client's address is read from {@code X-Forwarded-For}; empty: the connection's peer
 * @param instanceId     names this instance's reply queue; random when empty
 * @param maxPixels      largest image accepted, judged from its header before anything is stored
 * @param apiKey         when set, everything but the classic POST, the pages, {@code /api/v1/info} and the
 *                       health probes needs it as {@code X-Api-Key} (else 401); empty turns the check off
 * @param apiKeySecret   a Secrets Manager secret (name or ARN) that holds the key, read once at start when
 *                       {@code apiKey} is empty (the AWS stack generates one); unreadable: the web tier does
 *                       not start, rather than start open
 * @param classicOpen    whether the classic {@code POST /} stays open when a key is set (the seed's clients
 *                       send no header); false: it needs the key too
 * @param secretsmanager the Secrets Manager endpoint override, for an emulator
 * @param dashboardUrl   where the ops page links for the fleet on AWS (the CloudWatch dashboard)
 * @param aws            region, connection pool and call timeout of the AWS clients
 * @param s3             the S3 endpoint override (the local stack's S3Proxy); none on AWS
 * @param sqs            the SQS endpoint override (the local stack's ElasticMQ); none on AWS
 * @param cloudwatch     where request metrics are published on AWS; off without a namespace
 * @param namePrefix     prefix of every bucket and queue name not given below
 * @param parentPid      the local launcher that started this JVM: when it dies, this web tier stops
 */
@ConfigurationProperties("eic")
public record WebProperties(@DefaultValue("60s") Duration requestTimeout,
                            @DefaultValue("4d") Duration asyncDeadline,
                            @DefaultValue("2000") int maxWaiting,
                            @DefaultValue("10000") int maxBacklog,
                            @DefaultValue("0") DataSize uploadMemory,
                            @DefaultValue("0") double rateLimit,
                            @DefaultValue("") List<String> trustedProxies,
                            @DefaultValue("") String instanceId,
                            @DefaultValue("40000000") long maxPixels,
                            @DefaultValue("") String apiKey,
                            @DefaultValue("") String apiKeySecret,
                            @DefaultValue("true") boolean classicOpen,
                            @DefaultValue Endpoint secretsmanager,
                            @DefaultValue("") String dashboardUrl,
                            @DefaultValue Aws aws,
                            @DefaultValue Endpoint s3,
                            @DefaultValue Endpoint sqs,
                            @DefaultValue Cloudwatch cloudwatch,
                            @DefaultValue("eic") String namePrefix,
                            String inputBucket,
                            String outputBucket,
                            String requestQueue,
                            String deadLetterQueue,
                            String replyQueuePrefix,
                            Long parentPid) {

    /** @param region empty for the SDK's default region chain */
    public record Aws(@DefaultValue("") String region, @DefaultValue("64") int maxConnections,
                      @DefaultValue("35s") Duration apiTimeout) {
    }

    public record Endpoint(URI endpoint) {
    }

    /**
     * @param namespace            where the metrics go; empty: nothing is published
     * @param workerGroup          the workers' Auto Scaling group: with it, the backlog per worker in service
     *                             is published every 10 s at high resolution, the fast scaling signal
     * @param autoscalingEndpoint  an Auto Scaling endpoint override, for an emulator
     */
    public record Cloudwatch(@DefaultValue("") String namespace, URI endpoint, @DefaultValue("") String workerGroup,
                             URI autoscalingEndpoint) {
    }

    /** The settings of the one AWS client factory. */
    public AwsSettings awsSettings() {
        return new AwsSettings(Optional.of(aws.region()).filter(r -> !r.isBlank()), Optional.ofNullable(s3.endpoint()),
                Optional.ofNullable(sqs.endpoint()), aws.maxConnections(), aws.apiTimeout(), Optional.empty());
    }

    /** The deployment's buckets and queues: each as given, else named from the prefix. */
    public StackNames names() {
        return StackNames.of(namePrefix, inputBucket, outputBucket, requestQueue, deadLetterQueue, replyQueuePrefix);
    }

    /** The upload memory bound in bytes, resolved against this JVM's heap. */
    public long uploadMemoryBytes() {
        return uploadMemory.toBytes() > 0 ? uploadMemory.toBytes() : Runtime.getRuntime().maxMemory() / 4;
    }
}
