package eic.app.classifier;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.util.ProgressBar;
import eic.common.shapes.ShapeImages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resolves the one model setting (a name or a path) to a loaded model. */
public final class ModelCatalog {
    public static final String SHAPES = "shapes";
    public static final String RESNET18 = "resnet18";
    public static final String RESNET18_UNTRAINED = "resnet18-untrained";
    public static final String SHAPES_RESOURCE = "/models/shapes/shapes-0000.params";
    static final String SYNSET = "synset.txt";

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
    private static final String ALTERNATIVES = "Use EIC_MODEL=shapes (the self-trained demo model), "
            + "EIC_MODEL=resnet18-untrained (ResNet-18 cost, random weights), "
            + "EIC_MODEL=<path to a TorchScript .pt or an ONNX .onnx with synset.txt beside it>, or pre-fetch the weights "
            + "on a machine with internet (app-tier 'prefetch-resnet18 DIR') and set EIC_RESNET18_DIR=DIR.";

    private ModelCatalog() {
    }

    /** A loaded model with everything needed to make predictors for it. */
    public record LoadedModel(String name, String description, Model model, Preprocessing preprocessing,
                              List<String> labels) {
    }

    public static LoadedModel load(ClassifierSettings settings) {
        Engines.configure(settings);
        String spec = settings.model();
        LoadedModel loaded = switch (spec) {
            case SHAPES -> pytorchOnly(settings, shapes());
            case RESNET18_UNTRAINED -> pytorchOnly(settings, resnet18Untrained());
            case RESNET18 -> resnet18(settings);
            default -> file(Path.of(spec), settings);
        };
        log.info("model loaded: {} ({})", loaded.name(), loaded.description());
        return loaded;
    }

    /** The models built in Java exist for PyTorch only; asking for another engine is a setting error. */
    private static LoadedModel pytorchOnly(ClassifierSettings settings, LoadedModel loaded) {
        if (!settings.engine().equals(ClassifierSettings.PYTORCH)) {
            loaded.model().close();
            throw new ModelUnavailableException(loaded.name() + " runs on PyTorch only; EIC_ENGINE="
                    + settings.engine() + " needs a model file in ONNX form (EIC_MODEL=<file.onnx>, or "
                    + "resnet18.onnx in EIC_RESNET18_DIR)", null);
        }
        return loaded;
    }

    /** A model file: {@code .onnx} runs on ONNX Runtime, anything else is TorchScript; a directory by the engine. */
    static LoadedModel file(Path path, ClassifierSettings settings) {
        boolean onnx = path.getFileName().toString().endsWith(".onnx")
                || Files.isDirectory(path) && settings.engine().equals(ClassifierSettings.ONNX_RUNTIME);
        return onnx ? onnx(path, "onnx:" + path.getFileName(), settings)
                : torchScript(path, "torchscript:" + path.getFileName());
    }

    static LoadedModel shapes() {
        Model model = Model.newInstance(SHAPES, "PyTorch");
        model.setBlock(Networks.shapes(ShapeImages.LABELS.size()));
        try (InputStream in = ModelCatalog.class.getResourceAsStream(SHAPES_RESOURCE)) {
            if (in == null) {
                throw new ModelUnavailableException("the shapes parameters " + SHAPES_RESOURCE
                        + " are not on the classpath; run 'app-tier train-shapes' to make them", null);
            }
            Path dir = Files.createTempDirectory("eic-shapes");
            Files.copy(in, dir.resolve("shapes-0000.params"), StandardCopyOption.REPLACE_EXISTING);
            model.load(dir, SHAPES);
            Files.delete(dir.resolve("shapes-0000.params"));
            Files.delete(dir);
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new ModelUnavailableException("cannot load the shapes model: " + e.getMessage(), e);
        }
        return new LoadedModel(SHAPES, "self-trained CNN, 9 classes of synthetic coloured shapes", model,
                Preprocessing.stretch(Networks.SHAPES_INPUT), ShapeImages.LABELS);
    }

    static LoadedModel resnet18Untrained() {
        Model model = Model.newInstance(RESNET18_UNTRAINED, "PyTorch");
        Block block = Networks.torchvisionResNet18(1000);
        model.setBlock(block);
        Engine.getInstance().setRandomSeed(0);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 224, 224));
        List<String> labels = IntStream.range(0, 1000).mapToObj(i -> "untrained-class-" + i).toList();
        return new LoadedModel(RESNET18_UNTRAINED,
                "torchvision-shaped ResNet-18 with RANDOM weights, for performance measurement only; labels are meaningless",
                model, Preprocessing.imageNet(), labels);
    }

    static LoadedModel resnet18(ClassifierSettings settings) {
        if (settings.resnet18Dir().isPresent() && Files.isDirectory(settings.resnet18Dir().get())) {
            Path dir = settings.resnet18Dir().get();
            return settings.engine().equals(ClassifierSettings.ONNX_RUNTIME) ? onnx(dir, RESNET18, settings)
                    : torchScript(dir, RESNET18);
        }
        if (settings.engine().equals(ClassifierSettings.ONNX_RUNTIME)) {
            throw new ModelUnavailableException("EIC_ENGINE=onnxruntime serves ResNet-18 from resnet18.onnx in "
                    + "EIC_RESNET18_DIR (the AMI bakes it); the model zoo has the TorchScript form only. "
                    + ALTERNATIVES, null);
        }
        try {
            ZooModel<NDList, NDList> model = zooCriteria().loadModel();
            return new LoadedModel(RESNET18, "ImageNet ResNet-18 (TorchScript) from the DJL model zoo", model,
                    Preprocessing.imageNet(), readSynset(model.getModelPath()));
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelUnavailableException("the pretrained ResNet-18 weights cannot be had here ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "). " + ALTERNATIVES, e);
        }
    }

    /** The DJL model zoo's ImageNet ResNet-18, traced TorchScript. */
    static Criteria<NDList, NDList> zooCriteria() {
        return Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optApplication(ai.djl.Application.CV.IMAGE_CLASSIFICATION)
                .optEngine("PyTorch")
                .optGroupId("ai.djl.pytorch")
                .optArtifactId("resnet")
                .optFilter("layers", "18")
                .optFilter("dataset", "imagenet")
                .optProgress(new ProgressBar())
                .build();
    }

    /**
     * Downloads the zoo's ResNet-18 (this needs internet and DJL online) and copies its
     * TorchScript file and synset into {@code target}, for EIC_RESNET18_DIR.
     */
    public static Path prefetchResNet18(Path target) throws IOException, ModelNotFoundException,
            MalformedModelException {
        try (ZooModel<NDList, NDList> model = zooCriteria().loadModel()) {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(model.getModelPath())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    Path to = name.endsWith(".pt") ? target.resolve("resnet18.pt") : target.resolve(name);
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        readSynset(target);
        return target;
    }

    /** A TorchScript file, or a directory holding one .pt file, with synset.txt beside it. */
    static LoadedModel torchScript(Path path, String name) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        try {
            Path file = Files.isDirectory(path) ? onlyTorchScriptIn(path) : path;
            String modelName = file.getFileName().toString().replaceFirst("\\.pt$", "");
            ZooModel<NDList, NDList> model = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optEngine("PyTorch")
                    .optModelPath(dir)
                    .optModelName(modelName)
                    .build()
                    .loadModel();
            return new LoadedModel(name, "TorchScript " + file + " with ImageNet preprocessing", model,
                    Preprocessing.imageNet(), readSynset(dir));
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new ModelUnavailableException("cannot load TorchScript model from " + path + ": " + e.getMessage()
                    + ". " + ALTERNATIVES, e);
        }
    }

    /**
     * An ONNX file, or a directory holding one .onnx file, with synset.txt beside it, on
     * ONNX Runtime with the configured threads.
     */
    static LoadedModel onnx(Path path, String name, ClassifierSettings settings) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        try {
            Path file = Files.isDirectory(path) ? onlyFileIn(path, ".onnx") : path;
            ZooModel<NDList, NDList> model = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optEngine("OnnxRuntime")
                    .optModelPath(dir)
                    .optModelName(file.getFileName().toString().replaceFirst("\\.onnx$", ""))
                    .optArgument("sessionOptions", ortSession(settings))
                    .build()
                    .loadModel();
            return new LoadedModel(name, "ONNX " + file + " on ONNX Runtime with ImageNet preprocessing", model,
                    Preprocessing.imageNet(), readSynset(dir));
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw new ModelUnavailableException("cannot load ONNX model from " + path + ": " + e.getMessage()
                    + ". " + ALTERNATIVES, e);
        }
    }

    /**
     * ONNX Runtime's session: the configured threads, and no spinning - by default its idle
     * threads busy-wait for the next operator, CPU the queue, the storage and the other
     * workers on the same cores need (measured: docs/benchmarks.md).
     */
    private static ai.onnxruntime.OrtSession.SessionOptions ortSession(ClassifierSettings settings) {
        try {
            var options = new ai.onnxruntime.OrtSession.SessionOptions();
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(settings.interOpThreads());
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            return options;
        } catch (ai.onnxruntime.OrtException e) {
            throw new ModelUnavailableException("cannot set up ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static Path onlyTorchScriptIn(Path dir) throws IOException {
        return onlyFileIn(dir, ".pt");
    }

    private static Path onlyFileIn(Path dir, String extension) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(extension)).toList();
            if (found.size() != 1) {
                throw new IOException("expected exactly one " + extension + " file in " + dir + ", found "
                        + found.size());
            }
            return found.get(0);
        }
    }

    static List<String> readSynset(Path dir) {
        Path synset = dir.resolve(SYNSET);
        try {
            List<String> labels = Files.readAllLines(synset).stream().map(String::strip)
                    .filter(line -> !line.isEmpty()).toList();
            if (labels.isEmpty()) {
                throw new ModelUnavailableException(synset + " is empty", null);
            }
            return labels;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the labels file " + synset, e);
        }
    }
}
