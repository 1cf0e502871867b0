package eic.load.chaos;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scripts/chaos.sh [IMAGES] [CONCURRENCY]}: runs {@link ChaosRun} on a fresh data
 * directory and prints what became of every accepted image. Exit 0 when the promise held
 * (0 lost, 0 wrong, no good image failed, every poison image failed with its reason; with
 * {@code --backlog} also none enqueued again and none classified twice), 1 when it did not,
 * 2 on bad arguments.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Submits images under worker kills, a web-tier kill, a frozen queue and storage server and a "
                + "power cut of the whole local stack, then checks every accepted id (docs/reliability.md).")
public final class ChaosMain implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "1000", description = "images to submit (default: ${DEFAULT-VALUE})")
    int images;

    @Parameters(index = "1", defaultValue = "8", description = "clients submitting at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--seed", defaultValue = "1", description = "the images' and the faults' seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--backlog", description = "no faults: good images only, one worker, the reconciler looking every "
            + "5 s for uploads older than 20 s while the backlog is many times older (scripts/backlog.sh)")
    boolean backlog;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("eic.home", ".")).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory(home.resolve("target").toFile().exists() ? home.resolve("target")
                : Path.of(System.getProperty("java.io.tmpdir")), "chaos-");
        ChaosRun.Result result = new ChaosRun(new ChaosRun.Options(home, data, freePort(), images, concurrency, seed,
                Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofMinutes(backlog ? 30 : 10),
                backlog ? ChaosRun.Scenario.BACKLOG : ChaosRun.Scenario.CHAOS), System.out).run();
        result.problems().forEach(p -> System.out.println("  " + p));
        System.out.println("chaos: " + result.summary());
        System.out.println(result.promiseKept() ? "chaos: the promise held" : "chaos: THE PROMISE WAS BROKEN");
        return result.promiseKept() ? 0 : 1;
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
