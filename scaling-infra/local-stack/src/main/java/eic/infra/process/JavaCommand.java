package eic.infra.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the project's JVMs, with the same java binary as this one. */
public final class JavaCommand {
    private JavaCommand() {
    }

    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static List<String> jar(Path jar, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        command.addAll(List.of(args));
        return command;
    }
}
