package eic.app.group;

import eic.infra.local.LocalServers;
import eic.common.aws.JvmCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import eic.app.worker.BusyMarker;
import eic.app.worker.WorkerMain;
import eic.common.aws.LifecycleHooks;
import eic.common.config.Env;
import eic.common.messaging.ClassificationRequest;
import eic.common.messaging.Messages;
import eic.common.messaging.ObjectKeys;
import eic.common.shapes.ShapeImages;
import eic.infra.local.LocalStack;
import eic.infra.local.LocalStackOptions;
import eic.common.aws.MotoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The worker as a member of an Auto Scaling group, against moto_server (the group, its
 * instance, scale-in protection) and the local stack (the work). moto 5.2.1 answers
 * CompleteLifecycleAction with 500 (not implemented), so the worker reaches moto through a
 * relay that records each request as the SDK serialized it; the instance metadata service,
 * which nothing here emulates, is a small server of the three paths the worker reads.
 */
class GroupMemberTest {
    static MotoServer moto;
    static AutoScalingClient autoscaling;
    static String group;
    static String instanceId;
    static HttpServer metadata;
    static final AtomicReference<String> lifecycleState = new AtomicReference<>("InService");
    /** The Spot interruption notice the metadata serves; none (404) when null. */
    static final AtomicReference<String> spotAction = new AtomicReference<>();
    static HttpServer relay;
    static final List<Recorded> sent = new CopyOnWriteArrayList<>();
    static final AtomicReference<Runnable> onCompleteDrain = new AtomicReference<>(() -> { });

    /** @param invocation the SDK's id of one call, the same on each of its retries */
    record Recorded(String body, Instant at, String invocation) {
    }

    @BeforeAll
    static void start() throws Exception {
        moto = MotoServer.start().orElse(null);
        assumeTrue(moto != null, "moto_server is not installed here (it comes with the machine's Python 3.11)");
        // The worker on its thread reads the default chain; moto takes any identity, S3Proxy only its own.
        JvmCredentials.use(LocalServers.IDENTITY);
        autoscaling = AutoScalingClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1).build();
        group = "eic-test-workers-" + UUID.randomUUID().toString().substring(0, 6);
        autoscaling.createLaunchConfiguration(b -> b.launchConfigurationName(group).imageId("ami-12c6146b")
                .instanceType("t3.micro"));
        autoscaling.createAutoScalingGroup(b -> b.autoScalingGroupName(group).launchConfigurationName(group)
                .minSize(1).maxSize(2).desiredCapacity(1).availabilityZones("us-east-1a"));
        instanceId = autoscaling.describeAutoScalingGroups(b -> b.autoScalingGroupNames(group)).autoScalingGroups()
                .get(0).instances().get(0).instanceId();
        metadata = metadataService();
        relay = recordingRelay(moto.endpoint());
    }

    @AfterAll
    static void stop() {
        if (moto == null) {
            return;
        }
        metadata.stop(0);
        relay.stop(0);
        autoscaling.close();
        moto.close();
    }

    @Test
    void protectionIsOnWhileBusyAndOffAfterTheLinger() {
        GroupMembership membership = new GroupMembership(autoscaling, group, instanceId);
        try (ScaleInProtection protection = new ScaleInProtection(membership, Duration.ofMillis(500))) {
            BusyMarker busy = new BusyMarker(List.of(protection::changed));
            busy.busy();
            await().atMost(Duration.ofSeconds(10)).until(GroupMemberTest::isProtected);
            busy.busy();
            busy.idle();
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(GroupMemberTest::isProtected);
            busy.idle();
            await().atMost(Duration.ofSeconds(10)).until(() -> !isProtected());
        }
    }

    /**
     * A worker JVM that died busy left its instance protected from scale-in; the next one on
     * the instance holds nothing, and clears it once in service rather than believing it off.
     */
    @Test
    void aWorkerThatDiedBusyLeavesNoProtectionBehind() {
        GroupMembership membership = new GroupMembership(autoscaling, group, instanceId);
        autoscaling.setInstanceProtection(b -> b.autoScalingGroupName(group).instanceIds(instanceId)
                .protectedFromScaleIn(true)); // the process before this one, killed while it held messages
        try (ScaleInProtection protection = new ScaleInProtection(membership, Duration.ofMillis(500))) {
            protection.reconcile(); // in service (GroupMember.ready)
            await().atMost(Duration.ofSeconds(10)).until(() -> !isProtected());
            BusyMarker busy = new BusyMarker(List.of(protection::changed));
            busy.busy();
            await().atMost(Duration.ofSeconds(10)).until(GroupMemberTest::isProtected);
            protection.reconcile(); // not known again while busy: the wish, on, is applied again
            busy.idle();
            await().atMost(Duration.ofSeconds(10)).until(() -> !isProtected());
        }
    }

    /**
     * The whole worker in this JVM, told by the metadata to terminate while it works: it
     * stops receiving, finishes what it holds, and only then completes the termination hook -
     * when the relay sees that call, nothing is held and every request has its record or is
     * back in the queue for another worker.
     */
    // Each test starts its own local stack, without persistence: with H2 a later ElasticMQ in this JVM
    // would read an earlier one's messages (its connection pool is JVM-wide).
    @Test
    void aTerminatingWorkerDrainsThenCompletesTheHook(@TempDir Path dataDir) throws Exception {
        drainsThenCompletesTheHook(dataDir, () -> lifecycleState.set("Terminated"));
    }

    /**
     * A Spot interruption notice (two minutes before EC2 takes the instance back) is a
     * scale-in to the worker: it stops receiving, finishes or releases what it holds within
     * its drain bound, and completes the termination hook; nothing is lost.
     */
    @Test
    void aSpotInterruptionNoticeDrainsTheWorkerAsAScaleInDoes(@TempDir Path dataDir) throws Exception {
        try {
            drainsThenCompletesTheHook(dataDir, () -> spotAction.set("{\"action\":\"terminate\",\"time\":\""
                    + Instant.now().plusSeconds(120) + "\"}"));
        } finally {
            spotAction.set(null);
        }
    }

    private void drainsThenCompletesTheHook(Path dataDir, Runnable takeAway) throws Exception {
        try (LocalStack stack = LocalStack.startStorage(new LocalStackOptions(dataDir, dataDir, 0, 0,
                Duration.ofSeconds(30), Map.of(), false).withoutPersistence())) {
            Map<String, String> env = workerEnv(stack);
            sent.clear();
            String queue = stack.requestQueueUrl();
            AtomicReference<String> heldAtCompletion = new AtomicReference<>();
            List<String> ids = new ArrayList<>();
            onCompleteDrain.set(() -> heldAtCompletion.set(stack.aws().sqs().getQueueAttributes(b -> b.queueUrl(queue)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
            lifecycleState.set("InService");

            Thread worker = startWorker(env, "worker-under-test");
            await().atMost(Duration.ofSeconds(60)).until(() -> hook(LifecycleHooks.READY).isPresent());

            Random random = new Random(3);
            for (int i = 0; i < 40; i++) {
                ids.add(send(stack, queue, ShapeImages.png(ShapeImages.random(random, 100, 200).image())));
            }
            await().atMost(Duration.ofSeconds(10)).until(GroupMemberTest::isProtected);
            takeAway.run();

            worker.join(Duration.ofSeconds(90).toMillis());
            assertThat(worker.isAlive()).as("the worker exits after its drain").isFalse();
            Recorded drain = hook(LifecycleHooks.DRAIN).orElseThrow(() -> new AssertionError(
                    "no CompleteLifecycleAction for the drain hook; sent: " + sent));
            assertThat(drain.body()).contains("Action=CompleteLifecycleAction", "AutoScalingGroupName=" + group,
                    "InstanceId=" + instanceId, "LifecycleActionResult=CONTINUE");
            assertThat(heldAtCompletion.get()).as("messages held when the hook was completed").isEqualTo("0");
            int recorded = 0;
            for (String id : ids) {
                recorded += hasRecord(stack, id) ? 1 : 0;
            }
            int waiting = Integer.parseInt(stack.aws().sqs().getQueueAttributes(b -> b.queueUrl(queue)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
            assertThat(recorded + waiting).as("%d answered + %d back in the queue", recorded, waiting)
                    .isEqualTo(ids.size());
            assertThat(recorded).as("some work was done before the drain").isPositive();
        }
    }

    /**
     * Launched into the warm pool: the worker loads its model, completes the launch hook and
     * receives nothing; once the group wants it in service it completes the hook again and
     * serves.
     */
    @Test
    void aWarmPoolWorkerLoadsItsModelButPollsOnlyOnceInService(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.startStorage(new LocalStackOptions(dataDir, dataDir, 0, 0,
                Duration.ofSeconds(30), Map.of(), false).withoutPersistence())) {
            Map<String, String> env = workerEnv(stack);
            String queue = stack.requestQueueUrl();
            sent.clear();
            lifecycleState.set("Warmed:Stopped");
            Thread worker = startWorker(env, "warm-worker");
            await().atMost(Duration.ofSeconds(60)).until(() -> readyHooks() == 1);
            String id = send(stack, queue, ShapeImages.png(ShapeImages.random(new Random(5), 100, 200).image()));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> (hasRecord(stack, id) ? "answered" : "waiting") + ", visible " + visible(stack, queue),
                            org.hamcrest.Matchers.equalTo("waiting, visible 1"));

            lifecycleState.set("InService");
            await().atMost(Duration.ofSeconds(30)).until(() -> hasRecord(stack, id));
            assertThat(readyHooks()).as("the launch hook again, on the way into service").isEqualTo(2);

            lifecycleState.set("Terminated");
            worker.join(Duration.ofSeconds(60).toMillis());
            assertThat(worker.isAlive()).isFalse();
        }
    }

    /** The whole worker, in this JVM, on a thread of its own. */
    private static Thread startWorker(Map<String, String> env, String name) {
        Thread worker = new Thread(() -> {
            try {
                WorkerMain.run(new Env(env), code -> {
                    throw new IllegalStateException("the worker asked to exit the test's JVM with " + code);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        worker.start();
        return worker;
    }

    private static long readyHooks() {
        return sent.stream().filter(r -> r.body().contains("LifecycleHookName=" + LifecycleHooks.READY))
                .map(Recorded::invocation).distinct().count();
    }

    private static int visible(LocalStack stack, String queue) {
        return Integer.parseInt(stack.aws().sqs().getQueueAttributes(b -> b.queueUrl(queue)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private static Map<String, String> workerEnv(LocalStack stack) {
        Map<String, String> env = new HashMap<>(stack.childEnv());
        env.remove("EIC_PARENT_PID");
        env.put("EIC_MODEL", "shapes");
        env.put("EIC_WORKER_ID", "member");
        env.put("EIC_WORKER_GROUP", group);
        env.put("EIC_IMDS_ENDPOINT", "http://127.0.0.1:" + metadata.getAddress().getPort());
        env.put("EIC_AUTOSCALING_ENDPOINT", "http://127.0.0.1:" + relay.getAddress().getPort());
        env.put("EIC_WORKER_LIFECYCLE_POLL", "100ms");
        env.put("EIC_WORKER_MAX_MESSAGES", "5");
        return env;
    }

    private static boolean isProtected() {
        return autoscaling.describeAutoScalingInstances(b -> b.instanceIds(instanceId)).autoScalingInstances().get(0)
                .protectedFromScaleIn();
    }

    private static Optional<Recorded> hook(String name) {
        return sent.stream().filter(r -> r.body().contains("LifecycleHookName=" + name)).findFirst();
    }

    private static String send(LocalStack stack, String queue, byte[] png) {
        String id = UUID.randomUUID().toString();
        String key = ObjectKeys.upload(id);
        stack.aws().s3().putObject(b -> b.bucket(stack.names().inputBucket()).key(key), RequestBody.fromBytes(png));
        stack.aws().sqs().sendMessage(b -> b.queueUrl(queue).messageBody(Messages.toJson(new ClassificationRequest(
                Messages.VERSION, id, stack.names().inputBucket(), key, "shape.png", null,
                Instant.now().plusSeconds(600), Instant.now()))));
        return id;
    }

    private static boolean hasRecord(LocalStack stack, String id) {
        try {
            stack.aws().s3().headObject(b -> b.bucket(stack.names().outputBucket()).key(ObjectKeys.record(id)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** IMDSv2's token and the two paths the worker reads; the lifecycle state is the test's to set. */
    private static HttpServer metadataService() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/latest/api/token", x -> answer(x, x.getRequestMethod().equals("PUT") ? 200 : 405,
                "token-1"));
        server.createContext("/latest/meta-data/instance-id", x -> answer(x, tokened(x), instanceId));
        server.createContext("/latest/meta-data/autoscaling/target-lifecycle-state",
                x -> answer(x, tokened(x), lifecycleState.get()));
        server.createContext("/latest/meta-data/spot/instance-action", x -> {
            String action = spotAction.get();
            answer(x, tokened(x) != 200 ? 401 : action == null ? 404 : 200, action == null ? "" : action);
        });
        server.start();
        return server;
    }

    private static int tokened(HttpExchange exchange) {
        return "token-1".equals(exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")) ? 200 : 401;
    }

    /** Forwards every request to moto unchanged and records its body as sent. */
    private static HttpServer recordingRelay(URI target) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.contains("LifecycleHookName=" + LifecycleHooks.DRAIN)) {
                onCompleteDrain.get().run();
            }
            sent.add(new Recorded(java.net.URLDecoder.decode(text, StandardCharsets.UTF_8), Instant.now(),
                    String.valueOf(exchange.getRequestHeaders().getFirst("amz-sdk-invocation-id"))));
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!List.of("host", "content-length", "connection", "expect").contains(name.toLowerCase())) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            try {
                HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1
                        : response.body().length);
                exchange.getResponseBody().write(response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = status == 200 ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
