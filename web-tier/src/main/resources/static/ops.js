// The ops page: the fleet controller's timeline and this instance's recent requests,
// redrawn every two seconds.
(() => {
  const REFRESH_MS = 2000;
  const $ = id => document.getElementById(id);

  // Draws series [{name, color, points: [[t, v], ...]}] as polylines over a shared time axis,
  // [t0, t1] when given (the stats' whole window), else the points' own span.
  function chart(svgId, legendId, series, range) {
    const svg = $(svgId);
    const all = series.flatMap(s => s.points);
    const legend = $(legendId);
    legend.innerHTML = series.map(s => `<span><i style="background:${s.color}"></i>${s.name}</span>`).join("");
    if (all.length === 0) { svg.innerHTML = ""; return; }
    const t0 = range ? range[0] : Math.min(...all.map(p => p[0]));
    const t1 = range ? range[1] : Math.max(...all.map(p => p[0]));
    const vmax = Math.max(1, ...all.map(p => p[1]));
    const x = t => t1 === t0 ? 1000 : (t - t0) / (t1 - t0) * 1000;
    const y = v => 170 - v / vmax * 160;
    const grid = [0, .5, 1].map(f => `<line x1="0" x2="1000" y1="${y(f * vmax)}" y2="${y(f * vmax)}" stroke="#e6e9f0"/>` +
      `<text x="4" y="${y(f * vmax) - 2}" font-size="11" fill="#5b6478">${+(f * vmax).toFixed(1)}</text>`).join("");
    const lines = series.filter(s => s.points.length).map(s =>
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" vector-effect="non-scaling-stroke" ` +
      `data-series="${s.name}" data-points="${s.points.length}" ` +
      `points="${s.points.map(p => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ")}"/>`).join("");
    // Markers too: a series with one point so far draws no line.
    const dots = series.flatMap(s => s.points.map(p =>
      `<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"/>`)).join("");
    svg.innerHTML = grid + lines + dots;
  }

  function showFleet(fleet, info) {
    if (fleet.available === false) {
      const link = info && info.dashboardUrl ? ` <a href="${encodeURI(info.dashboardUrl)}">CloudWatch dashboard</a>` : "";
      $("fleet-note").innerHTML = "";
      $("fleet-note").append(fleet.reason);
      if (link) $("fleet-note").insertAdjacentHTML("beforeend", link);
      return;
    }
    const c = fleet.current || {};
    $("t-visible").textContent = c.visible ?? "–";
    $("t-inflight").textContent = c.inFlight ?? "–";
    $("t-workers").textContent = c.inService == null ? "–" : c.inService + (c.parked ? ` (+${c.parked} parked)` : "");
    $("t-desired").textContent = c.desired ?? "–";
    $("fleet-note").textContent = `fleet controller: policy ${fleet.policy}, ${fleet.min}..${fleet.max} workers, ` +
      `sampled every ${fleet.periodMs / 1000} s; updated ${new Date(fleet.updatedAt).toLocaleTimeString()}`;
    const samples = fleet.samples || [];
    const t = s => Date.parse(s.time);
    chart("chart-fleet", "legend-fleet", [
      { name: "queued", color: "#2f5bd3", points: samples.map(s => [t(s), s.visible]) },
      { name: "in flight", color: "#e08a00", points: samples.map(s => [t(s), s.inFlight]) },
      { name: "workers", color: "#1f7a4d", points: samples.map(s => [t(s), s.inService]) },
      { name: "desired", color: "#8a3ffc", points: samples.map(s => [t(s), s.desired]) },
      { name: "parked", color: "#7f7f7f", points: samples.map(s => [t(s), s.parked ?? 0]) },
    ]);
    const acted = samples.filter(s => s.action && s.action !== "none").slice(-1)[0];
    $("last-action").textContent = acted ? `last action ${new Date(t(acted)).toLocaleTimeString()}: ${acted.action}` : "";
  }

  function showStats(stats) {
    const r = stats.recent;
    $("t-waiting").textContent = stats.waiting;
    $("t-rate").textContent = r.throughputPerSecond.toFixed(1);
    $("t-p50").textContent = r.latencyP50Ms == null ? "–" : `${r.latencyP50Ms} / ${r.latencyP95Ms}`;
    const points = key => r.series.filter(p => p[key] != null).map(p => [p.atMillis, p[key]]);
    const window = r.series.length ? [r.series[0].atMillis, r.series[r.series.length - 1].atMillis] : null;
    chart("chart-rate", "legend-rate", [{ name: "answers/s", color: "#2f5bd3", points: points("throughputPerSecond") }],
      window);
    chart("chart-latency", "legend-latency", [
      { name: "p50", color: "#1f7a4d", points: points("latencyP50Ms") },
      { name: "p95", color: "#b3261e", points: points("latencyP95Ms") },
    ], window);
  }

  let info = null;
  async function refresh() {
    try {
      info = await EIC.info();
      const [fleet, stats] = await Promise.all([EIC.api("/api/v1/fleet"), EIC.api("/api/v1/stats")]);
      if (fleet.ok) showFleet(await fleet.json(), info);
      else $("fleet-note").textContent = await EIC.problem(fleet);
      if (stats.ok) showStats(await stats.json());
    } catch (e) {
      $("fleet-note").textContent = "cannot reach the web tier: " + e.message;
    } finally {
      setTimeout(refresh, REFRESH_MS);
    }
  }
  refresh();
})();
