package eic.load.chaos;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code scripts/chaos.sh [IMAGES] [CONCURRENCY]}: runs {@link ChaosRun} on a fresh data
 * directory and prints what became of every accepted image. Exit 0 when the promise held
 * (0 lost, 0 wrong, no good image failed, every poison image failed with its reason), 1
 * when it did not, 2 on bad arguments.
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        int images;
        int concurrency;
        try {
            images = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
            concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        } catch (NumberFormatException e) {
            System.err.println("usage: chaos.sh [IMAGES (1000)] [CONCURRENCY (8)]");
            System.exit(2);
            return;
        }
        Path home = Path.of(System.getProperty("eic.home", ".")).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory(home.resolve("target").toFile().exists() ? home.resolve("target")
                : Path.of(System.getProperty("java.io.tmpdir")), "chaos-");
        ChaosRun.Result result = new ChaosRun(new ChaosRun.Options(home, data, freePort(), images, concurrency, 1L,
                Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofMinutes(10)), System.out).run();
        result.problems().forEach(p -> System.out.println("  " + p));
        System.out.println("chaos: " + result.summary());
        System.out.println(result.promiseKept() ? "chaos: the promise held" : "chaos: THE PROMISE WAS BROKEN");
        System.exit(result.promiseKept() ? 0 : 1);
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
