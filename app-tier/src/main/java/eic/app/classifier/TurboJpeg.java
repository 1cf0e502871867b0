package eic.app.classifier;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteOrder;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libjpeg-turbo's own scaled decode: a JPEG read at 1/2, 1/4 or 1/8 of its size by the
 * scaled inverse DCT, which skips most of the transform and the colour conversion a whole
 * decode spends (the JDK's reader can only subsample after it). Called through JNA on the
 * system's {@code libturbojpeg.so.0} (Debian {@code libturbojpeg0}, Amazon Linux
 * {@code turbojpeg}); where that is not installed {@link #find()} is empty and JPEGs are read
 * by ImageIO as every other format is. Only YCbCr, RGB and grayscale JPEGs are read here;
 * CMYK and YCCK go to ImageIO, which converts them.
 */
final class TurboJpeg {
    private static final Logger log = LoggerFactory.getLogger(TurboJpeg.class);

    // turbojpeg.h (libjpeg-turbo 2.x), stable since 1.2
    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    private static final int TJPF_BGRX = 3;
    private static final int TJPF_XRGB = 5;
    private static final int TJERR_WARNING = 0;

    /** The C functions used, as JNA maps them. */
    interface Library extends com.sun.jna.Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, Pointer jpeg, NativeLong size, IntByReference width,
                IntByReference height, IntByReference subsampling, IntByReference colorspace);

        int tjDecompress2(Pointer handle, Pointer jpeg, NativeLong size, Pointer destination, int width, int pitch,
                int height, int pixelFormat, int flags);

        String tjGetErrorStr2(Pointer handle);

        int tjGetErrorCode(Pointer handle);

        int tjDestroy(Pointer handle);
    }

    private static final Optional<TurboJpeg> INSTANCE = load();

    private final Library library;

    private TurboJpeg(Library library) {
        this.library = library;
    }

    /** The system's libturbojpeg, or empty where it is not installed (said once in the log). */
    static Optional<TurboJpeg> find() {
        return INSTANCE;
    }

    private static Optional<TurboJpeg> load() {
        try {
            TurboJpeg found = new TurboJpeg(Native.load("turbojpeg", Library.class));
            log.info("JPEG decode: libturbojpeg, scaled to what the network keeps");
            return Optional.of(found);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.info("JPEG decode: ImageIO (libturbojpeg not found: {}; install libturbojpeg0 or turbojpeg for a"
                    + " decode several times cheaper)", e.getMessage());
            return Optional.empty();
        }
    }

    /** What the header says, read before any pixel. */
    record Header(int width, int height, boolean cmyk) {
        /** The width of the image decoded at 1/{@code reduction} (libjpeg rounds up). */
        int width(int reduction) {
            return (width + reduction - 1) / reduction;
        }

        int height(int reduction) {
            return (height + reduction - 1) / reduction;
        }
    }

    /** A decoder for one image; not thread-safe, closed after use. */
    final class Decompressor implements AutoCloseable {
        private final Pointer handle;
        private final Memory jpeg;
        private final NativeLong size;

        Decompressor(byte[] bytes) {
            handle = library.tjInitDecompress();
            if (handle == null) {
                throw new IllegalStateException("tjInitDecompress failed");
            }
            jpeg = new Memory(bytes.length);
            jpeg.write(0, bytes, 0, bytes.length);
            size = new NativeLong(bytes.length);
        }

        Header header() throws ImageDecodeException {
            IntByReference width = new IntByReference();
            IntByReference height = new IntByReference();
            IntByReference subsampling = new IntByReference();
            IntByReference colorspace = new IntByReference();
            if (library.tjDecompressHeader3(handle, jpeg, size, width, height, subsampling, colorspace) != 0) {
                throw corrupt();
            }
            int space = colorspace.getValue();
            return new Header(width.getValue(), height.getValue(), space == TJCS_CMYK || space == TJCS_YCCK);
        }

        /** The whole image at 1/{@code reduction} of its size (rounded up), as RGB. */
        BufferedImage decode(Header header, int reduction) throws ImageDecodeException {
            int width = header.width(reduction);
            int height = header.height(reduction);
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            // An int 0x..RRGGBB is B, G, R, X in little-endian memory.
            int format = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? TJPF_BGRX : TJPF_XRGB;
            try (Memory pixels = new Memory(4L * width * height)) {
                if (library.tjDecompress2(handle, jpeg, size, pixels, width, 4 * width, height, format, 0) != 0
                        && library.tjGetErrorCode(handle) != TJERR_WARNING) {
                    throw corrupt(); // a warning (a truncated or slightly damaged file) still gives the image
                }
                int[] destination = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
                pixels.read(0, destination, 0, destination.length);
            }
            return image;
        }

        private ImageDecodeException corrupt() {
            return new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
                    "cannot decode JPEG: " + library.tjGetErrorStr2(handle));
        }

        @Override
        public void close() {
            library.tjDestroy(handle);
            jpeg.close();
        }
    }

    Decompressor open(byte[] bytes) {
        return new Decompressor(bytes);
    }
}
