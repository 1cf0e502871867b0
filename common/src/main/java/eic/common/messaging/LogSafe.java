package eic.common.messaging;

/**
 * Text from outside (a queue message, a file name, a header) made safe for one log line:
 * control characters cannot start a forged line and a long value cannot flood the log.
 */
public final class LogSafe {
    public static final int MAX_LENGTH = 120;

    private LogSafe() {
    }

    public static String text(String value) {
        if (value == null) {
            return "null";
        }
        String flat = value.replaceAll("\\p{Cntrl}|\\p{Zl}|\\p{Zp}", "?");
        return flat.length() <= MAX_LENGTH ? flat : flat.substring(0, MAX_LENGTH) + "...(" + value.length() + " chars)";
    }
}
