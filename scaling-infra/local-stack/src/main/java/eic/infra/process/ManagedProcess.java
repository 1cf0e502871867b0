package eic.infra.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process (a worker or web-tier JVM) whose output goes to a log file and,
 * optionally, to this console with a prefix. It is ready when it prints its marker.
 * Stopping sends SIGTERM, waits a bounded time, then kills.
 */
public final class ManagedProcess {
    private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);

    private final String name;
    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private volatile Consumer<String> lines = line -> { };

    private ManagedProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path logFile,
                                       String readyMarker, PrintStream echo) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            ManagedProcess managed = new ManagedProcess(name, builder.start());
            Thread pump = new Thread(() -> managed.pump(logFile, readyMarker, echo), name + "-output");
            pump.setDaemon(true);
            pump.start();
            managed.process.onExit().thenRun(() -> managed.ready.completeExceptionally(
                    new IllegalStateException(name + " exited with code " + managed.process.exitValue()
                            + " before it was ready; see " + logFile)));
            log.info("started {} (pid {}), log {}", name, managed.pid(), logFile);
            return managed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void pump(Path logFile, String readyMarker, PrintStream echo) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                if (echo != null) {
                    echo.println("[" + name + "] " + line);
                }
                if (!ready.isDone() && line.contains(readyMarker)) {
                    ready.complete(line);
                }
                lines.accept(line);
            }
        } catch (IOException e) {
            if (process.isAlive()) {
                log.debug("lost the output of {}: {}", name, e.getMessage());
            }
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once it has ended (143 = ended by SIGTERM's default, 137 = killed, 134 = crashed). */
    public int exitValue() {
        return process.exitValue();
    }

    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Every line the process prints from now on is also given to {@code listener}, on the output's thread. */
    public void onLine(Consumer<String> listener) {
        lines = listener;
    }

    public CompletableFuture<String> ready() {
        return ready;
    }

    public boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /** Waits for the ready marker; fails early if the process dies first. */
    public void awaitReady(Duration timeout) {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        } catch (Exception e) {
            throw new IllegalStateException(name + " did not become ready within " + timeout + ": " + e.getMessage(), e);
        }
    }

    /** Writes one line to the process's standard input; false if it is gone. */
    public boolean send(String line) {
        try {
            var in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            return true;
        } catch (IOException e) {
            log.debug("{} did not take {}: {}", name, line, e.getMessage());
            return false;
        }
    }

    /** SIGTERM, then at most {@code grace} for it to finish its work, then SIGKILL. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        // Through the handle: Process.destroy() would also close the pipes, so the child would read the end
        // of its input (to a worker: its fleet is gone) and its last words while draining would be lost.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {}; killing it", name, grace);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, as a crash would; for failure tests. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
