package eic.infra.scaling.sim;

import eic.common.chart.SvgChart;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** A simulation as an SVG chart: q, in flight, workers running and stopped over time. */
public final class SvgPlot {
    private SvgPlot() {
    }

    /** More points than this are thinned out evenly: a chart is a picture, not the data. */
    private static final int MAX_POINTS = 600;

    public static String render(Simulator.Result result, String title) {
        List<Simulator.Sample> all = result.samples();
        int step = Math.max(1, (all.size() + MAX_POINTS - 1) / MAX_POINTS);
        List<Simulator.Sample> s = java.util.stream.IntStream.range(0, all.size()).filter(i -> i % step == 0)
                .mapToObj(all::get).toList();
        return new SvgChart(title, "s", 760, 280)
                .add(series("q (visible)", "#d62728", s, Simulator.Sample::visible))
                .add(series("in flight", "#ff7f0e", s, Simulator.Sample::inFlight))
                .add(series("workers running", "#1f77b4", s, Simulator.Sample::running))
                .add(series("stopped (warm)", "#7f7f7f", s, Simulator.Sample::stopped))
                .render();
    }

    private static SvgChart.Series series(String name, String colour, List<Simulator.Sample> samples,
                                          ToDoubleFunction<Simulator.Sample> value) {
        return new SvgChart.Series(name, colour, false,
                samples.stream().map(x -> new SvgChart.Point(x.t(), value.applyAsDouble(x))).toList());
    }
}
