package eic.infra.fleet;

import eic.infra.process.JavaCommand;
import eic.common.messaging.WorkerSignals;
import eic.infra.process.ManagedProcess;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts worker JVMs (app-tier.jar) the way an ASG launches instances from a template. */
public final class WorkerLauncher {
    private final Path jar;
    private final Map<String, String> env;
    private final Path logDir;
    private final List<String> jvmOptions;
    private final PrintStream echo;

    public WorkerLauncher(Path jar, Map<String, String> env, Path logDir, List<String> jvmOptions, PrintStream echo) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("worker jar " + jar + " is missing: build it with 'mvn -DskipTests package'");
        }
        this.jar = jar;
        this.env = Map.copyOf(env);
        this.logDir = logDir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.echo = echo;
    }

    public ManagedProcess launch(String workerId) {
        return launch(workerId, false);
    }

    /** A parked worker loads its model and waits, polling nothing, until it is sent {@code activate}. */
    public ManagedProcess launch(String workerId, boolean parked) {
        Map<String, String> workerEnv = new HashMap<>(env);
        workerEnv.put("EIC_WORKER_ID", workerId);
        workerEnv.put("EIC_WORKER_PARKED", Boolean.toString(parked));
        return ManagedProcess.start(workerId, JavaCommand.jar(jar, jvmOptions, "worker"), workerEnv,
                logDir.resolve(workerId + ".log"), WorkerSignals.READY_MARKER, echo);
    }
}
