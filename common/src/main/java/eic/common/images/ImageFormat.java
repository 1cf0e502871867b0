package eic.common.images;

import java.util.Optional;

/** The formats the service accepts, recognised by their magic bytes, never by file name. */
public enum ImageFormat {
    JPEG("jpeg", "image/jpeg"), PNG("png", "image/png"), GIF("gif", "image/gif"), BMP("bmp", "image/bmp"),
    WEBP("webp", "image/webp"), TIFF("tiff", "image/tiff");

    /** What a client is told when its upload is none of them: what is accepted, and how to get there. */
    public static final String ACCEPTED = "JPEG, PNG, GIF, BMP, WebP or TIFF";

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

    /** Formats that may hold more than one image (pages, frames): the first is classified. */
    public boolean mayHoldSeveral() {
        return this == GIF || this == WEBP || this == TIFF;
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
        if (b.length >= 16 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Optional.of(WEBP);
        }
        if (b.length >= 8 && (b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0
                || b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42)) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    /**
     * Why bytes that are none of the accepted formats were refused, naming the formats that are
     * accepted, and for the photo formats this service cannot read (HEIC from iPhones, AVIF) how
     * to convert: no maintained decoder for them exists on the JVM or in Debian's Java packages.
     */
    public static String refusal(byte[] b) {
        String brand = b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p'
                ? new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII) : "";
        if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) {
            return "a HEIC/HEIF photo, which this service cannot read: send it as " + ACCEPTED
                    + " (on an iPhone: Settings > Camera > Formats > Most Compatible; or convert: "
                    + "'magick photo.heic photo.jpg')";
        }
        if (brand.startsWith("avi")) {
            return "an AVIF image, which this service cannot read: send it as " + ACCEPTED
                    + " (convert: 'magick image.avif image.png')";
        }
        return "not a " + ACCEPTED + " image (judged by its first bytes)";
    }
}
