package eic.common.images;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An image's format and size read from its header alone, without decoding a pixel, so a
 * small file that claims a huge image costs nothing to reject.
 */
public record ImageHeader(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }

    /** @throws IOException when the header cannot be read (corrupt or truncated) */
    public static ImageHeader read(ImageFormat format, byte[] bytes) throws IOException {
        try (ImageInputStream in = memoryStream(bytes)) {
            ImageReader reader = reader(format);
            try {
                reader.setInput(in, true, true);
                ImageHeader header = new ImageHeader(format, reader.getWidth(0), reader.getHeight(0));
                if (header.width() <= 0 || header.height() <= 0) {
                    throw new IOException(format + " header gives no size");
                }
                return header;
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    /**
     * Always a memory-cached stream: ImageIO's default file cache registers a JVM shutdown
     * hook per stream, which fails once shutdown has begun (a draining worker would report
     * good images as corrupt).
     */
    public static ImageInputStream memoryStream(byte[] bytes) {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    }

    public static ImageReader reader(ImageFormat format) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.readerName());
        if (!readers.hasNext()) {
            throw new IOException("no decoder for " + format);
        }
        return readers.next();
    }
}
