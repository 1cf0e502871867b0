package eic.load;

import eic.common.chart.SvgChart;
import java.util.List;

/** The report as SVG: latency over the run and, when the fleet answered, queue depth and workers. */
public final class ReportChart {
    private ReportChart() {
    }

    public static String render(LoadReport report) {
        String latency = new SvgChart("latency per request (ms) over the run", "s", 760, 260)
                .add(new SvgChart.Series("latency ms", "#1f77b4", true, report.outcomes().stream()
                        .filter(LoadReport.Outcome::ok)
                        .map(o -> new SvgChart.Point((o.startMs() + o.latencyMs()) / 1000, o.latencyMs())).toList()))
                .render();
        if (report.fleet().isEmpty()) {
            return latency;
        }
        List<LoadReport.FleetPoint> f = report.fleet();
        String fleet = new SvgChart("queue and fleet (from /api/v1/fleet)", "s", 760, 240)
                .add(new SvgChart.Series("q (visible)", "#d62728", false,
                        f.stream().map(p -> new SvgChart.Point(p.tMs() / 1000, p.visible())).toList()))
                .add(new SvgChart.Series("in flight", "#ff7f0e", false,
                        f.stream().map(p -> new SvgChart.Point(p.tMs() / 1000, p.inFlight())).toList()))
                .add(new SvgChart.Series("workers in service", "#2ca02c", false,
                        f.stream().map(p -> new SvgChart.Point(p.tMs() / 1000, p.inService())).toList()))
                .render();
        // two charts stacked in one SVG document
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"500\">\n"
                + latency.replaceFirst("<svg ", "<svg y=\"0\" ") + fleet.replaceFirst("<svg ", "<svg y=\"260\" ")
                + "</svg>\n";
    }
}
