package eic.app.classifier;

import eic.common.config.Env;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a worker's classifier is set up.
 *
 * @param model          {@code shapes}, {@code resnet18}, {@code resnet18-untrained}, or a path to a
 *                       TorchScript file or directory (with its {@code synset.txt})
 * @param resnet18Dir    where a pre-fetched ResNet-18 lives (the AMI bakes it there)
 * @param cacheDir       DJL's cache (native libtorch, model files); empty for DJL's default
 * @param intraOpThreads PyTorch intra-op threads per JVM
 * @param interOpThreads PyTorch inter-op threads per JVM
 * @param maxPixels      largest image accepted, judged from its header
 * @param engine         {@link #PYTORCH} (the design's) or {@link #ONNX_RUNTIME}: which form of a model
 *                       file to load where both are at hand ({@code resnet18}, a directory); a file
 *                       path's extension decides for itself
 */
public record ClassifierSettings(String model, Optional<Path> resnet18Dir, Optional<Path> cacheDir,
                                 int intraOpThreads, int interOpThreads, long maxPixels, String engine) {
    public static final String PYTORCH = "pytorch";
    public static final String ONNX_RUNTIME = "onnxruntime";

    public ClassifierSettings {
        if (!engine.equals(PYTORCH) && !engine.equals(ONNX_RUNTIME)) {
            throw new IllegalArgumentException("EIC_ENGINE must be " + PYTORCH + " or " + ONNX_RUNTIME + ", not "
                    + engine);
        }
    }

    public ClassifierSettings(String model, Optional<Path> resnet18Dir, Optional<Path> cacheDir, int intraOpThreads,
                              int interOpThreads, long maxPixels) {
        this(model, resnet18Dir, cacheDir, intraOpThreads, interOpThreads, maxPixels, PYTORCH);
    }

    public static ClassifierSettings from(Env env) {
        return new ClassifierSettings(
                env.get("eic.model", "shapes"),
                env.find("eic.resnet18-dir").map(Path::of),
                env.find("eic.djl-cache-dir").map(Path::of),
                env.getInt("eic.threads.intra-op", Math.max(1, Runtime.getRuntime().availableProcessors())),
                env.getInt("eic.threads.inter-op", 1),
                env.getLong("eic.max-pixels", ImageDecoder.DEFAULT_MAX_PIXELS),
                env.get("eic.engine", PYTORCH).toLowerCase(java.util.Locale.ROOT));
    }

    public ClassifierSettings withModel(String other) {
        return new ClassifierSettings(other, resnet18Dir, cacheDir, intraOpThreads, interOpThreads, maxPixels, engine);
    }

    public ClassifierSettings withEngine(String other) {
        return new ClassifierSettings(model, resnet18Dir, cacheDir, intraOpThreads, interOpThreads, maxPixels, other);
    }
}
