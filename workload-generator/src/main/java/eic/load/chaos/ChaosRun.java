package eic.load.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import eic.common.messaging.Messages;
import eic.common.shapes.ShapeImages;
import eic.load.ClassicClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The promise under fire: submits images through the async API (good ones, poison ones
 * with a valid header and garbage pixels, large legal ones) while workers are killed at
 * random, the web tier is killed, the queue and storage servers are frozen and the whole
 * stack loses power and is started again on the same data; then asks for every accepted id
 * until each has an answer or the deadline passes, and counts. The {@link Scenario#BACKLOG}
 * run hurts nothing: good images only, one worker, and a reconciler on a compressed clock
 * (20 s threshold, 5 s period) under a backlog many times older than that; it also counts
 * the requests enqueued again and those classified twice, from the workers' logs.
 */
public final class ChaosRun {
    /** What the run does to the stack. */
    public enum Scenario {
        /** Worker kills, a web-tier kill, a freeze, a power cut; poison and large images mixed in. */
        CHAOS(Map.of("EIC_LOCAL_VISIBILITY_TIMEOUT", "10s", "EIC_LOCAL_MAX_WORKERS", "3",
                "EIC_RECONCILE_AFTER", "90s", "EIC_RECONCILE_PERIOD", "20s")),
        /** A long backlog on one worker, the reconciler looking every 5 s for uploads older than 20 s; no faults. */
        BACKLOG(Map.of("EIC_LOCAL_AUTOSCALE", "false", "EIC_LOCAL_MIN_WORKERS", "1", "EIC_LOCAL_WARM_WORKERS", "0",
                "EIC_RECONCILE_AFTER", "20s", "EIC_RECONCILE_PERIOD", "5s"));

        final Map<String, String> stackEnv;

        Scenario(Map<String, String> stackEnv) {
            this.stackEnv = stackEnv;
        }
    }

    /** @param killEvery how often a random worker is killed while images are submitted */
    public record Options(Path home, Path dataDir, int port, int images, int concurrency, long seed,
                          Duration killEvery, Duration stall, Duration answerDeadline, Scenario scenario) {
        public Options(Path home, Path dataDir, int port, int images, int concurrency, long seed, Duration killEvery,
                       Duration stall, Duration answerDeadline) {
            this(home, dataDir, port, images, concurrency, seed, killEvery, stall, answerDeadline, Scenario.CHAOS);
        }
    }

    /**
     * What became of every accepted image.
     *
     * @param enqueuedAgain   requests the reconciler enqueued again
     * @param classifiedTwice requests a worker classified more than once
     */
    public record Result(Scenario scenario, int submitted, int accepted, int right, int wrong, int poison,
                         int poisonFailedWithReason, int goodFailed, int lost, int workerKills, int enqueuedAgain,
                         int classifiedTwice, Duration took, List<String> events, List<String> problems) {
        /** Under fire: nothing lost or wrongly failed. Under a backlog, also: no work done twice. */
        public boolean promiseKept() {
            boolean kept = lost == 0 && wrong == 0 && goodFailed == 0 && poisonFailedWithReason == poison;
            return scenario == Scenario.CHAOS ? kept : kept && enqueuedAgain == 0 && classifiedTwice == 0;
        }

        public String summary() {
            return String.format("accepted %d of %d, right %d, wrong %d, poison failed with its reason %d of %d, "
                            + "good failed %d, lost %d, enqueued again %d, classified twice %d, in %d s (%d worker "
                            + "kills; %s)", accepted, submitted, right, wrong, poisonFailedWithReason, poison, goodFailed,
                    lost, enqueuedAgain, classifiedTwice, took.toSeconds(), workerKills, String.join(", ", events));
        }
    }

    private record Image(String name, byte[] bytes, String truth) {
        boolean poison() {
            return truth == null;
        }
    }

    private final Options options;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Submissions hold it shared; a power cut and restart hold it alone. */
    private final ReentrantReadWriteLock outage = new ReentrantReadWriteLock();
    private final Map<String, Image> accepted = new ConcurrentHashMap<>();
    private final List<String> events = new ArrayList<>();
    private final AtomicInteger workerKills = new AtomicInteger();

    public ChaosRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws Exception {
        StackProcess stack = new StackProcess(options.home(), options.dataDir(), options.port(),
                options.scenario().stackEnv);
        out.println("chaos: starting the local stack in " + options.dataDir());
        stack.start(Duration.ofMinutes(3));
        List<Image> images = withModelAnswers(images());
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(options.concurrency());
        try {
            AtomicInteger done = new AtomicInteger();
            List<Future<?>> sends = new ArrayList<>();
            for (Image image : images) {
                sends.add(clients.submit(() -> {
                    submit(image);
                    done.incrementAndGet();
                    return null;
                }));
            }
            if (options.scenario() == Scenario.CHAOS) {
                hurt(stack, done, images.size(), sends);
            }
            for (Future<?> f : sends) {
                f.get();
            }
            out.printf("chaos: %d of %d accepted; waiting for every answer%n", accepted.size(), images.size());
            return count(images.size(), stack, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            clients.shutdownNow();
            stack.stop();
        }
    }

    /** The faults, in order, while the submissions run; workers die every {@code killEvery} throughout. */
    private void hurt(StackProcess stack, AtomicInteger done, int total, List<Future<?>> sends) throws Exception {
        Random random = new Random(options.seed());
        boolean webKilled = false;
        boolean stalled = false;
        boolean powerCut = false;
        long nextKill = System.nanoTime() + options.killEvery().toNanos();
        while (sends.stream().anyMatch(f -> !f.isDone())) {
            double progress = done.get() / (double) total;
            if (System.nanoTime() > nextKill) {
                List<ProcessHandle> workers = stack.workers();
                if (!workers.isEmpty()) {
                    StackProcess.kill(workers.get(random.nextInt(workers.size())));
                    workerKills.incrementAndGet();
                }
                nextKill = System.nanoTime() + options.killEvery().toNanos();
            }
            if (!webKilled && progress >= 0.3) {
                webKilled = true;
                stack.web().ifPresent(StackProcess::kill);
                event("web tier killed at " + percent(progress));
            } else if (!stalled && progress >= 0.5) {
                stalled = true;
                stack.stall(options.stall());
                event("queue and storage frozen for " + options.stall().toSeconds() + " s at " + percent(progress));
            } else if (!powerCut && progress >= 0.7) {
                powerCut = true;
                outage.writeLock().lock();
                try {
                    stack.powerCut();
                    event("power cut at " + percent(progress));
                    stack.start(Duration.ofMinutes(3));
                } finally {
                    outage.writeLock().unlock();
                }
            }
            TimeUnit.MILLISECONDS.sleep(100); // the fault schedule's tick
        }
        if (!powerCut) {
            event("no power cut: the submissions were over first");
        }
    }

    private void event(String what) {
        events.add(what);
        out.println("chaos: " + what);
    }

    private static String percent(double progress) {
        return Math.round(progress * 100) + " % submitted";
    }

    /** Submits until the service accepts it (refusals and dropped connections are not acceptances). */
    private void submit(Image image) throws InterruptedException {
        long pause = 100;
        while (true) {
            outage.readLock().lock();
            try {
                String boundary = "chaos-" + UUID.randomUUID();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + options.port() + "/api/v1/classifications")).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(ClassicClient.multipart(boundary, "file",
                                image.name(), image.bytes()))).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    String id = Messages.json().readTree(response.body()).path("items").path(0).path("id").asText();
                    accepted.put(id, image);
                    return;
                }
                if (response.statusCode() / 100 == 4 && response.statusCode() != 429) {
                    throw new IllegalStateException(image.name() + " refused at the door: " + response.body());
                }
            } catch (IOException e) {
                // the web tier is down or restarting: nothing was accepted, try again
            } finally {
                outage.readLock().unlock();
            }
            TimeUnit.MILLISECONDS.sleep(pause);
            pause = Math.min(2_000, pause * 2);
        }
    }

    private Result count(int submitted, StackProcess stack, Duration took) throws InterruptedException, IOException {
        Map<String, JsonNode> answers = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + options.answerDeadline().toNanos();
        while (answers.size() < accepted.size() && System.nanoTime() < deadline) {
            for (String id : accepted.keySet()) {
                if (!answers.containsKey(id)) {
                    status(stack, id).ifPresent(body -> answers.put(id, body));
                }
            }
            if (answers.size() < accepted.size()) {
                TimeUnit.SECONDS.sleep(1); // between rounds of status requests
            }
        }
        int right = 0;
        int wrong = 0;
        int poison = 0;
        int poisonFailed = 0;
        int goodFailed = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Image> e : accepted.entrySet()) {
            Image image = e.getValue();
            poison += image.poison() ? 1 : 0;
            JsonNode answer = answers.get(e.getKey());
            if (answer == null) {
                problems.add("lost: " + e.getKey() + " (" + image.name() + ")");
                continue;
            }
            String status = answer.path("status").asText();
            String reason = answer.path("reason").asText("");
            if (image.poison()) {
                if (status.equals("failed") && reason.contains("corrupt")) {
                    poisonFailed++;
                } else {
                    problems.add("poison " + image.name() + " answered " + status + " " + reason);
                }
            } else if (status.equals("done") && answer.path("label").asText().equals(image.truth())) {
                right++;
            } else if (status.equals("done")) {
                wrong++;
                problems.add("wrong: " + image.name() + " is " + image.truth() + ", answered " + answer.path("label"));
            } else {
                goodFailed++;
                problems.add("good image failed: " + image.name() + ": " + reason);
            }
        }
        int lost = accepted.size() - answers.size();
        WorkerLogs logs = WorkerLogs.read(options.dataDir().resolve("logs"));
        return new Result(options.scenario(), submitted, accepted.size(), right, wrong, poison, poisonFailed,
                goodFailed, lost, workerKills.get(), logs.enqueuedAgain(), logs.classifiedTwice(),
                took, List.copyOf(events), problems);
    }

    /** The answer for one id once it has one; empty while pending or when the service does not answer. */
    private java.util.Optional<JsonNode> status(StackProcess stack, String id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(stack.url()
                    .resolve("/api/v1/classifications/" + id)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return java.util.Optional.empty();
            }
            JsonNode body = Messages.json().readTree(response.body());
            return body.path("status").asText().equals("pending") ? java.util.Optional.empty()
                    : java.util.Optional.of(body);
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    /**
     * The right label of an image is the one the model itself gives it, classified directly
     * with the worker's own command ({@code app-tier classify}), not the drawing's truth: the
     * chaos measures the pipeline, and a shape the model reads differently is not a pipeline
     * error. How often the two differ is reported.
     */
    private List<Image> withModelAnswers(List<Image> images) throws IOException, InterruptedException {
        Path dir = java.nio.file.Files.createDirectories(options.dataDir().resolve("images"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-jar", options.home().resolve("app-tier/target/app-tier.jar").toString(),
                "classify"));
        for (Image image : images) {
            if (!image.poison()) {
                java.nio.file.Files.write(dir.resolve(image.name()), image.bytes());
                command.add(dir.resolve(image.name()).toString());
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("EIC_MODEL", "shapes");
        builder.environment().put("DJL_OFFLINE", "true");
        Process process = builder.start();
        Map<String, String> answers = new ConcurrentHashMap<>();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            lines.lines().map(l -> l.split("\t")).filter(f -> f.length >= 2)
                    .forEach(f -> answers.put(Path.of(f[0]).getFileName().toString(), f[1]));
        }
        process.waitFor();
        int differ = 0;
        List<Image> referenced = new ArrayList<>();
        for (Image image : images) {
            if (image.poison()) {
                referenced.add(image);
                continue;
            }
            String model = answers.get(image.name());
            if (model == null) {
                throw new IllegalStateException("the model gave no answer for " + image.name());
            }
            differ += model.equals(image.truth()) ? 0 : 1;
            referenced.add(new Image(image.name(), image.bytes(), model));
        }
        event("the model itself reads " + differ + " of " + (images.size() - images.stream().filter(Image::poison)
                .count()) + " drawings differently from how they were drawn; its own answers are the right labels");
        return referenced;
    }

    /** The mix: about 3 % poison (valid header, garbage pixels), 1 % large (9 megapixels), the rest ordinary. */
    private List<Image> images() {
        Random random = new Random(options.seed());
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < options.images(); i++) {
            int kind = options.scenario() == Scenario.CHAOS ? random.nextInt(100) : 99;
            if (kind < 3) {
                images.add(new Image("poison-" + i + ".png", poison(ShapeImages.png(ShapeImages.random(random, 120, 200)
                        .image()), random), null));
            } else if (kind < 4) {
                ShapeImages.Sample sample = ShapeImages.random(random, 3000, 3000);
                images.add(new Image("large-" + i + ".png", ShapeImages.png(sample.image()), sample.label()));
            } else {
                ShapeImages.Sample sample = ShapeImages.random(random, 64, 400);
                images.add(new Image("image-" + i + ".png", ShapeImages.png(sample.image()), sample.label()));
            }
        }
        return images;
    }

    /** Keeps the PNG signature and header, replaces the pixel data with noise. */
    static byte[] poison(byte[] png, Random random) {
        byte[] bytes = png.clone();
        for (int i = 60; i < bytes.length - 12; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
