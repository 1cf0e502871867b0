package eic.common.concurrent;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads for the project's executors: they never keep a JVM from exiting. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
