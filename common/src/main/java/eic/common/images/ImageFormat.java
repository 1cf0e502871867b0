package eic.common.images;

import java.util.Optional;

/** The formats the service accepts, recognised by their magic bytes, never by file name. */
public enum ImageFormat {
    JPEG("jpeg", "image/jpeg"), PNG("png", "image/png"), GIF("gif", "image/gif"), BMP("bmp", "image/bmp");

    private final String readerName;
    private final String mediaType;

    ImageFormat(String readerName, String mediaType) {
        this.readerName = readerName;
        this.mediaType = mediaType;
    }

    public String readerName() {
        return readerName;
    }

    public String mediaType() {
        return mediaType;
    }

    public static Optional<ImageFormat> sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return Optional.of(PNG);
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8'
                && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return Optional.of(GIF);
        }
        if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
            return Optional.of(BMP);
        }
        return Optional.empty();
    }
}
