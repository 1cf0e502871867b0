package eic.app.classifier;

import eic.app.classifier.ImageDecodeException.Reason;
import eic.common.images.ImageFormat;
import eic.common.images.ImageHeader;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted bytes into an RGB image. The format comes from the magic bytes; the
 * pixel count is read from the header and checked before any pixel is decoded, so a
 * small file that claims a huge image (a decompression bomb) costs nothing. Grayscale,
 * palette and alpha images are flattened onto white; CMYK JPEGs are converted. Decoding for
 * a network reads only what its preprocessing keeps ({@link Preprocessing#sourceArea}): the
 * region it sees, subsampled by the reader as it decodes, so a 40-megapixel upload takes the
 * heap of about a megapixel; a JPEG, where libturbojpeg is installed, is decoded at the
 * reduced scale the resize would halve to anyway ({@link Preprocessing#reduction}), which
 * skips most of the decode's work.
 */
public final class ImageDecoder {
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxPixels;
    private final Preprocessing target;
    private final Optional<TurboJpeg> turbo;

    /** Decodes whole images, at full resolution. */
    public ImageDecoder(long maxPixels) {
        this(maxPixels, null);
    }

    /** Decodes what {@code target} keeps of each image, and no more; null: whole images. */
    public ImageDecoder(long maxPixels, Preprocessing target) {
        this(maxPixels, target, TurboJpeg.find());
    }

    private ImageDecoder(long maxPixels, Preprocessing target, Optional<TurboJpeg> turbo) {
        this.maxPixels = maxPixels;
        this.target = target;
        this.turbo = target == null ? Optional.empty() : turbo;
    }

    /** As {@link #ImageDecoder(long, Preprocessing)} with every format read by ImageIO: the comparison. */
    public static ImageDecoder imageIoOnly(long maxPixels, Preprocessing target) {
        return new ImageDecoder(maxPixels, target, Optional.empty());
    }

    /** Whether JPEGs are decoded at a reduced scale by libturbojpeg (installed and a target given). */
    public boolean scalesJpeg() {
        return turbo.isPresent();
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Checks format and dimensions only; throws what {@link #decode} would throw for them. */
    public ImageHeader inspect(byte[] bytes) throws ImageDecodeException {
        ImageFormat format = format(bytes);
        try {
            return checked(ImageHeader.read(format, bytes));
        } catch (IOException e) {
            throw corrupt(format, e);
        }
    }

    public BufferedImage decode(byte[] bytes) throws ImageDecodeException {
        ImageFormat format = format(bytes);
        if (format == ImageFormat.JPEG && turbo.isPresent()) {
            Optional<BufferedImage> reduced = decodeReduced(turbo.get(), bytes);
            if (reduced.isPresent()) {
                return reduced.get();
            }
        }
        try (ImageInputStream in = ImageHeader.memoryStream(bytes)) {
            ImageReader reader = ImageHeader.reader(format);
            try {
                reader.setInput(in, true, true);
                ImageHeader header = checked(new ImageHeader(format, reader.getWidth(0), reader.getHeight(0)));
                return toRgb(read(format, reader, readParam(reader, header)));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw corrupt(format, e);
        }
    }

    /**
     * The JPEG at the scale the network's resize would reach by halving; empty where ImageIO
     * should read it instead: CMYK, a shape so long that the region it keeps is a small part
     * (the whole reduced frame would exceed {@link Preprocessing#maxDecodedPixels}), or a file
     * libturbojpeg cannot read (ImageIO then decides, so no JPEG is refused on its account).
     */
    private Optional<BufferedImage> decodeReduced(TurboJpeg library, byte[] bytes) throws ImageDecodeException {
        try (TurboJpeg.Decompressor jpeg = library.open(bytes)) {
            TurboJpeg.Header header = jpeg.header();
            checked(new ImageHeader(ImageFormat.JPEG, header.width(), header.height()));
            int reduction = target.reduction(header.width(), header.height());
            long pixels = (long) header.width(reduction) * header.height(reduction);
            if (header.cmyk() || pixels > target.maxDecodedPixels()) {
                return Optional.empty();
            }
            return Optional.of(jpeg.decode(header, reduction));
        } catch (ImageDecodeException e) {
            if (e.reason() == Reason.TOO_MANY_PIXELS) {
                throw e;
            }
            return Optional.empty();
        }
    }

    /**
     * What a user should know of how the image was read: for a file that holds several images
     * (a multi-page TIFF, an animated GIF or WebP) that the first was classified; else empty.
     */
    public Optional<String> note(byte[] bytes) {
        Optional<ImageFormat> format = ImageFormat.sniff(bytes);
        if (format.isEmpty() || !format.get().mayHoldSeveral()) {
            return Optional.empty();
        }
        try (ImageInputStream in = ImageHeader.memoryStream(bytes)) {
            ImageReader reader = ImageHeader.reader(format.get());
            try {
                reader.setInput(in, false, true);
                int images = reader.getNumImages(true);
                return images > 1 ? Optional.of("the first of its " + images + (format.get()
                        == ImageFormat.TIFF ? " pages" : " frames") + " was classified") : Optional.empty();
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the first image was read: not knowing the rest changes nothing
        }
    }

    private static ImageFormat format(byte[] bytes) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException(Reason.EMPTY, "the file is empty");
        }
        return ImageFormat.sniff(bytes).orElseThrow(() -> new ImageDecodeException(Reason.UNSUPPORTED_FORMAT,
                ImageFormat.refusal(bytes)));
    }

    private ImageHeader checked(ImageHeader header) throws ImageDecodeException {
        if (header.width() <= 0 || header.height() <= 0) {
            throw new ImageDecodeException(Reason.CORRUPT, header.format() + " header gives no size");
        }
        if (header.pixels() > maxPixels) {
            throw new ImageDecodeException(Reason.TOO_MANY_PIXELS, String.format(
                    "%dx%d is %,d pixels; the limit is %,d", header.width(), header.height(), header.pixels(),
                    maxPixels));
        }
        return header;
    }

    /** The region and subsampling the target keeps, for the reader to apply as it decodes. */
    private ImageReadParam readParam(ImageReader reader, ImageHeader header) {
        ImageReadParam param = reader.getDefaultReadParam();
        if (target != null) {
            Preprocessing.SourceArea area = target.sourceArea(header.width(), header.height());
            param.setSourceRegion(new Rectangle(area.x(), area.y(), area.width(), area.height()));
            param.setSourceSubsampling(area.stepX(), area.stepY(), 0, 0);
        }
        return param;
    }

    private static BufferedImage read(ImageFormat format, ImageReader reader, ImageReadParam param)
            throws IOException {
        try {
            return reader.read(0, param);
        } catch (javax.imageio.IIOException e) {
            // The JDK's JPEG reader refuses CMYK/YCCK images as a whole but reads their raster.
            if (format == ImageFormat.JPEG && reader.canReadRaster()) {
                Raster raster = reader.readRaster(0, param);
                if (raster.getNumBands() == 4) {
                    return cmykToRgb(raster);
                }
            }
            throw e;
        }
    }

    /** Adobe CMYK JPEGs store inverted ink values, which is what the raster gives. */
    static BufferedImage cmykToRgb(Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[4];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, px);
                int k = px[3];
                int r = px[0] * k / 255;
                int g = px[1] * k / 255;
                int b = px[2] * k / 255;
                rgb.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return rgb;
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image == null) {
            throw new IllegalStateException("decoder returned no image");
        }
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private static ImageDecodeException corrupt(ImageFormat format, Exception e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ImageDecodeException(Reason.CORRUPT, "cannot decode " + format + ": " + detail, e);
    }
}
