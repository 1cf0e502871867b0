package eic.load;

import java.io.PrintStream;

/** One line redrawn in place: {@code [######----] 61/100  failed 0}. */
final class ProgressBar {
    private static final int WIDTH = 40;
    private final int total;
    private final PrintStream out;

    ProgressBar(int total, PrintStream out) {
        this.total = total;
        this.out = out;
    }

    synchronized void draw(int done, int failed) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        out.print("\r[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total
                + (failed > 0 ? "  failed " + failed : "") + "   ");
        out.flush();
    }
}
