package eic.common.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small self-contained SVG chart: one or more series of (x, y) points as lines or dots. */
public final class SvgChart {
    private static final int LEFT = 55;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 42;

    public record Point(double x, double y) {
    }

    public record Series(String name, String colour, boolean dots, List<Point> points) {
    }

    private final String title;
    private final String xUnit;
    private final int width;
    private final int height;
    private final List<Series> series = new ArrayList<>();

    public SvgChart(String title, String xUnit, int width, int height) {
        this.title = title;
        this.xUnit = xUnit;
        this.width = width;
        this.height = height;
    }

    public SvgChart add(Series s) {
        series.add(s);
        return this;
    }

    public String render() {
        double maxX = 1e-9;
        double maxY = 1e-9;
        for (Series s : series) {
            for (Point p : s.points()) {
                maxX = Math.max(maxX, p.x());
                maxY = Math.max(maxY, p.y());
            }
        }
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                + "font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", width, height));
        svg.append(format("<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>%n", LEFT, escape(title)));
        svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 5, y + 4,
                    number(maxY * i / 4)));
            double x = LEFT + plotW * i / 4.0;
            svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s %s</text>%n", x, height - BOTTOM + 15,
                    number(maxX * i / 4), xUnit));
        }
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (Point p : s.points()) {
                double x = LEFT + plotW * p.x() / maxX;
                double y = TOP + plotH - plotH * p.y() / maxY;
                if (s.dots()) {
                    svg.append(format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>%n", x, y, s.colour()));
                } else {
                    points.append(format("%.1f,%.1f ", x, y));
                }
            }
            if (!s.dots()) {
                svg.append(format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", s.colour(),
                        points.toString().trim()));
            }
        }
        for (int i = 0; i < series.size(); i++) {
            int x = LEFT + 10 + i * 150;
            svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    x, height - 12, series.get(i).colour(), x + 16, height - 8, escape(series.get(i).name())));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String number(double v) {
        return v >= 10 || v == 0 ? format("%.0f", v) : format("%.2f", v);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;");
    }
}
