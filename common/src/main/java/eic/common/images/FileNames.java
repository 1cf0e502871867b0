package eic.common.images;

import java.text.Normalizer;

/** Client file names made safe for use as S3 keys. */
public final class FileNames {
    public static final int MAX_LENGTH = 100;
    private static final String FALLBACK = "image";

    private FileNames() {
    }

    /**
     * Keeps the last path segment only (no traversal), drops control characters, maps
     * anything outside {@code [A-Za-z0-9._-]} to '_', never starts with a dot, and caps
     * the length while keeping the extension.
     */
    public static String safe(String original) {
        if (original == null) {
            return FALLBACK;
        }
        String name = original;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        name = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        name = name.replaceAll("\\p{Cntrl}", "").replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("_+", "_");
        name = name.replaceAll("^[._]+", "");
        if (name.length() > MAX_LENGTH) {
            int dot = name.lastIndexOf('.');
            String ext = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
            name = name.substring(0, MAX_LENGTH - ext.length()) + ext;
        }
        return name.isEmpty() ? FALLBACK : name;
    }
}
