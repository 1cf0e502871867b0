package eic.load.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The whole local stack as the operator runs it ({@code scaling-infra local-stack}), in a
 * process of its own so that it can be hurt as a machine is: its children killed, the
 * queue and storage servers frozen (SIGSTOP of the JVM that hosts them), or everything
 * killed at once, then started again on the same data.
 */
final class StackProcess {
    private final Path home;
    private final Path dataDir;
    private final int port;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process launcher;

    StackProcess(Path home, Path dataDir, int port, Map<String, String> env) {
        this.home = home;
        this.dataDir = dataDir;
        this.port = port;
        this.env = env;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Starts the launcher and waits until the web tier is ready and a worker announced its model. */
    void start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dataDir.resolve("logs"));
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx768m", "-XX:TieredStopAtLevel=1", "-jar", home.resolve("scaling-infra/cli/target/scaling-infra.jar").toString(),
                "local-stack"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("logs/launcher.log").toFile()));
        builder.environment().putAll(env);
        builder.environment().put("EIC_HOME", home.toString());
        builder.environment().put("EIC_DATA_DIR", dataDir.toString());
        builder.environment().put("EIC_PORT", Integer.toString(port));
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        launcher = builder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("the local stack exited; see " + dataDir.resolve("logs/launcher.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the local stack was not ready within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(250); // polling a starting server: nothing to wait on but its answer
        }
    }

    /** Readiness is UP and a worker has said which model it serves. */
    boolean ready() {
        try {
            HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(url().resolve("/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(url().resolve("/api/v1/info"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return readiness.statusCode() == 200 && info.body().contains("\"model\":{");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    List<ProcessHandle> workers() {
        return children("app-tier.jar");
    }

    Optional<ProcessHandle> web() {
        return children("web-tier-exec.jar").stream().findFirst();
    }

    private List<ProcessHandle> children(String jar) {
        return launcher.descendants().filter(p -> p.info().commandLine().orElse("").contains(jar)).toList();
    }

    /** SIGKILL, as a crash. */
    static void kill(ProcessHandle process) {
        process.destroyForcibly();
    }

    /** Freezes the JVM that hosts ElasticMQ and S3Proxy for {@code duration}: every call to them hangs. */
    void stall(Duration duration) throws IOException, InterruptedException {
        signal("STOP");
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis()); // the stall itself lasts this long
        } finally {
            signal("CONT");
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(launcher.pid())).inheritIO().start().waitFor();
    }

    /** A power cut: the launcher and every process under it killed at the same moment. */
    void powerCut() throws InterruptedException {
        List<ProcessHandle> all = launcher.descendants().toList();
        launcher.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        launcher.waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle p : all) {
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
        }
    }

    /** Stops everything it started, as Ctrl-C would. */
    void stop() throws InterruptedException {
        if (launcher != null && launcher.isAlive()) {
            launcher.destroy();
            if (!launcher.waitFor(90, TimeUnit.SECONDS)) {
                powerCut();
            }
        }
    }
}
