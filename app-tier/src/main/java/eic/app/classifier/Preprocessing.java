package eic.app.classifier;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Turns a decoded RGB image into the network's input: a float tensor in CHW order.
 * Done in plain Java so that it is the same for every engine and testable without one.
 */
public record Preprocessing(int size, boolean resizeShortThenCrop, int resizeShort, float[] mean, float[] std) {

    private static final float[] ZERO = {0f, 0f, 0f};
    private static final float[] ONE = {1f, 1f, 1f};

    /** torchvision's ImageNet evaluation transform: Resize(256), CenterCrop(224), ToTensor, Normalize. */
    public static Preprocessing imageNet() {
        return new Preprocessing(224, true, 256, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f});
    }

    /** The whole image stretched to a square, values in [0, 1]: shapes may be anywhere in the frame. */
    public static Preprocessing stretch(int size) {
        return new Preprocessing(size, false, size, ZERO, ONE);
    }

    /** How much finer than the network's input a decode keeps each axis: what {@link #resize} halves from. */
    static final int READ_MARGIN = 4;

    /**
     * What of a {@code width x height} source a decoder needs to read for this network, and
     * how finely: the region the network can see at all (resized-short-and-cropped: the centred
     * square of the short side, in which the crop lies; stretched: all of it) read at every
     * {@code step}-th pixel, keeping at least {@link #READ_MARGIN} times the network's input on
     * each axis. {@link #resize} then halves and interpolates from that as it would from the
     * whole image, so the decoded pixels - and the heap they take - are bounded by the input,
     * not by the upload.
     */
    public record SourceArea(int x, int y, int width, int height, int stepX, int stepY) {
        public long decodedPixels() {
            return (long) ((width + stepX - 1) / stepX) * ((height + stepY - 1) / stepY);
        }
    }

    /**
     * The most pixels {@link #sourceArea} lets a decode produce, whatever the upload: each kept
     * axis is read at fewer than twice {@link #READ_MARGIN} times the input.
     */
    public long maxDecodedPixels() {
        long side = 2L * READ_MARGIN * (resizeShortThenCrop ? resizeShort : size);
        return side * side;
    }

    public SourceArea sourceArea(int width, int height) {
        if (resizeShortThenCrop) {
            int side = Math.min(width, height);
            int step = Math.max(1, side / (READ_MARGIN * resizeShort));
            return new SourceArea((width - side) / 2, (height - side) / 2, side, side, step, step);
        }
        return new SourceArea(0, 0, width, height, Math.max(1, width / (READ_MARGIN * size)),
                Math.max(1, height / (READ_MARGIN * size)));
    }

    /**
     * By how much (1, 2, 4 or 8) a decoder may shrink a {@code width x height} image before
     * {@link #resize} sees it without changing what the network gets: the halvings
     * {@code resize} would make anyway, at most three (a JPEG's scaled decode goes to 1/8).
     */
    public int reduction(int width, int height) {
        double[] seen = seenRegion(width, height);
        double sw = seen[2];
        double sh = seen[3];
        int factor = 1;
        while (factor < 8 && sw / (2 * factor) >= size && sh / (2 * factor) >= size) {
            factor *= 2;
        }
        return factor;
    }

    public int[] shape() {
        return new int[] {3, size, size};
    }

    public float[] toChw(BufferedImage image) {
        int[] rgb = rgbPixels(resize(image));
        int plane = size * size;
        float[] out = new float[3 * plane];
        // (v / 255 - mean) / std as one multiply-add per value, from a table per channel.
        float[][] table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            out[i] = table[0][(p >> 16) & 0xff];
            out[plane + i] = table[1][(p >> 8) & 0xff];
            out[2 * plane + i] = table[2][p & 0xff];
        }
        return out;
    }

    /** A size x size INT_RGB image's own pixel array (what resize makes); a copy for any other. */
    private static int[] rgbPixels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_INT_RGB
                && image.getRaster().getDataBuffer() instanceof DataBufferInt data
                && data.getNumBanks() == 1 && data.getData().length == w * h
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0) {
            return data.getData();
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    /**
     * The region of a {@code width x height} image the network sees, {x, y, width, height}:
     * resized-short-and-cropped, the centred square that maps onto the crop; stretched, all of it.
     */
    private double[] seenRegion(int width, int height) {
        if (!resizeShortThenCrop) {
            return new double[] {0, 0, width, height};
        }
        double scale = (double) resizeShort / Math.min(width, height);
        double sw = Math.min(width, size / scale);
        double sh = Math.min(height, size / scale);
        return new double[] {(width - sw) / 2, (height - sh) / 2, sw, sh};
    }

    /** Scales the region the network sees straight to size x size (resize + crop in one step). */
    BufferedImage resize(BufferedImage image) {
        double[] seen = seenRegion(image.getWidth(), image.getHeight());
        double sx = seen[0];
        double sy = seen[1];
        double sw = seen[2];
        double sh = seen[3];
        BufferedImage current = image;
        // Halve first while far larger than the target: one bilinear step from 4x would alias.
        while (sw / 2 >= size && sh / 2 >= size) {
            int nw = (int) Math.round(current.getWidth() / 2.0);
            int nh = (int) Math.round(current.getHeight() / 2.0);
            current = draw(current, 0, 0, current.getWidth(), current.getHeight(), nw, nh);
            sx /= 2;
            sy /= 2;
            sw /= 2;
            sh /= 2;
        }
        if (sx == 0 && sy == 0 && sw == current.getWidth() && sh == current.getHeight()
                && sw == size && sh == size) {
            return current;
        }
        return drawRegion(current, sx, sy, sw, sh);
    }

    private BufferedImage drawRegion(BufferedImage src, double sx, double sy, double sw, double sh) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            java.awt.geom.AffineTransform t = new java.awt.geom.AffineTransform();
            t.scale(size / sw, size / sh);
            t.translate(-sx, -sy);
            g.drawImage(src, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage draw(BufferedImage src, int sx, int sy, int sw, int sh, int tw, int th) {
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, 0, 0, tw, th, sx, sy, sx + sw, sy + sh, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
