package eic.infra.scaling.sim;

import eic.common.chart.SvgChart;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** A simulation as an SVG chart: q, in-flight and workers over time. */
public final class SvgPlot {
    private SvgPlot() {
    }

    public static String render(Simulator.Result result, String title) {
        List<Simulator.Sample> s = result.samples();
        return new SvgChart(title, "s", 760, 280)
                .add(series("q (visible)", "#d62728", s, Simulator.Sample::visible))
                .add(series("in flight", "#ff7f0e", s, Simulator.Sample::inFlight))
                .add(series("workers", "#1f77b4", s, Simulator.Sample::running))
                .render();
    }

    private static SvgChart.Series series(String name, String colour, List<Simulator.Sample> samples,
                                          ToDoubleFunction<Simulator.Sample> value) {
        return new SvgChart.Series(name, colour, false,
                samples.stream().map(x -> new SvgChart.Point(x.t(), value.applyAsDouble(x))).toList());
    }
}
