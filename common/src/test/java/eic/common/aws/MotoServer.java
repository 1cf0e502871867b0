package eic.common.aws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Test support: moto_server, a maintained AWS emulator (CloudFormation, Auto Scaling, EC2, IAM,
 * SQS, S3, CloudWatch, Logs), on a free loopback port, for what the local stack does not serve:
 * the AWS control plane. It comes with the machine's Python, not with this project: the
 * command on the PATH, or EIC_MOTO_SERVER; {@link #start()} answers empty where it is not
 * installed, so a caller can say so and skip.
 */
public final class MotoServer implements AutoCloseable {
    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** A running server, or empty when moto_server is not installed here. */
    public static Optional<MotoServer> start() throws IOException, InterruptedException {
        String command = Optional.ofNullable(System.getenv("EIC_MOTO_SERVER")).orElse("moto_server");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process process;
        try {
            process = new ProcessBuilder(command, "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            return Optional.empty();
        }
        MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!accepts(port)) {
            // waitFor both paces the probe and notices a server that died starting
            if (process.waitFor(100, TimeUnit.MILLISECONDS) || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("moto_server did not start on port " + port);
            }
        }
        return Optional.of(server);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** Where every emulated service answers. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
