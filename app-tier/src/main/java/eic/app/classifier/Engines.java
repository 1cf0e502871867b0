package eic.app.classifier;

/**
 * Settings that must be in place before the PyTorch engine first loads: offline mode
 * (DJL must never reach the network), the cache directory and the thread counts.
 */
public final class Engines {
    private Engines() {
    }

    public static synchronized void configure(ClassifierSettings settings) {
        System.setProperty("ai.djl.offline", "true"); // a serving worker never downloads (the bake's prefetch does)
        settings.cacheDir().ifPresent(dir -> {
            System.setProperty("DJL_CACHE_DIR", dir.toString());
            System.setProperty("ENGINE_CACHE_DIR", dir.toString());
        });
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(settings.intraOpThreads()));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(settings.interOpThreads()));
    }
}
