package eic.app.classifier;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/** The networks the project builds itself (the pretrained ones come as TorchScript). */
public final class Networks {
    /** Input side of the shapes network. */
    public static final int SHAPES_INPUT = 64;

    private Networks() {
    }

    /**
     * The small CNN for the synthetic shapes: four 3x3 conv layers, global average
     * pooling (position does not matter), one linear layer. About 29 k parameters.
     */
    public static Block shapes(int classes) {
        return new SequentialBlock()
                .add(conv(16, 3, 1, 1, true)).add(Activation.reluBlock()).add(maxPool())
                .add(conv(32, 3, 1, 1, true)).add(Activation.reluBlock()).add(maxPool())
                .add(conv(32, 3, 1, 1, true)).add(Activation.reluBlock()).add(maxPool())
                .add(conv(48, 3, 1, 1, true)).add(Activation.reluBlock())
                .add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /**
     * torchvision's ResNet-18: 7x7 stem, four stages of two basic blocks (64, 128, 256,
     * 512 filters), global average pooling, a fully connected layer; 11.7 M parameters.
     * DJL's own ResNetV1(18) uses bottleneck units and is a different, cheaper network.
     */
    public static Block torchvisionResNet18(int classes) {
        SequentialBlock net = new SequentialBlock()
                .add(conv(64, 7, 2, 3, false))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        int[] filters = {64, 128, 256, 512};
        for (int stage = 0; stage < filters.length; stage++) {
            int stride = stage == 0 ? 1 : 2;
            net.add(basicBlock(filters[stage], stride, stage != 0));
            net.add(basicBlock(filters[stage], 1, false));
        }
        return net.add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(classes).build());
    }

    private static Block basicBlock(int filters, int stride, boolean downsample) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(filters, 3, stride, 1, false)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(filters, 3, 1, 1, false)).add(BatchNorm.builder().build());
        Block shortcut = downsample
                ? new SequentialBlock().add(conv(filters, 1, stride, 0, false)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return new SequentialBlock()
                .add(new ParallelBlock(Networks::sum, List.of(main, shortcut)))
                .add(Activation.reluBlock());
    }

    private static NDList sum(List<NDList> branches) {
        return new NDList(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow()));
    }

    private static Block conv(int filters, int kernel, int stride, int padding, boolean bias) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(bias)
                .build();
    }

    private static Block maxPool() {
        return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }
}
