// Draw every <div class="chart" data-kind data-names data-values> with ECharts (vendored at set-up, no CDN).
// A chart with data-series='[["label", [values…]], …]' draws one stacked series per label instead of data-values;
// data-colors='["#hex", …]' sets the series colours in order.
// data-kind="map" draws data-series='[["label", [[lng, lat, "name"], …]], …]' as points on longitude × latitude.
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll(".chart")) {
    const names = JSON.parse(el.dataset.names);
    const chart = echarts.init(el, null, { renderer: "svg" });
    const kind = el.dataset.kind;
    let option;
    if (kind === "map") {
      const series = JSON.parse(el.dataset.series).map(([name, data], i) => ({
        name, type: "scatter", data, symbolSize: i === 0 ? 16 : 9, symbol: i === 0 ? "diamond" : "circle",
        label: { show: i === 0, formatter: (p) => p.value[2], position: "right" },
        tooltip: { formatter: (p) => `${p.seriesName}: ${p.value[2]}` },
      }));
      option = { tooltip: {}, legend: { top: 0 }, grid: { left: 48, right: 24, bottom: 32 },
        xAxis: { type: "value", scale: true, name: "E" }, yAxis: { type: "value", scale: true, name: "N" }, series };
    } else if (kind === "pie") {
      const values = JSON.parse(el.dataset.values);
      option = { tooltip: {}, series: [{ type: "pie", radius: "65%", data: names.map((n, i) => ({ name: n, value: values[i] })) }] };
    } else {
      const series = el.dataset.series
        ? JSON.parse(el.dataset.series).map(([name, data]) => ({ name, type: kind, stack: "all", data }))
        : [{ type: kind, data: JSON.parse(el.dataset.values), smooth: kind === "line" }];
      option = { tooltip: { trigger: "axis" }, grid: { left: 48, right: 16, bottom: 64 },
        legend: el.dataset.series ? { top: 0 } : undefined,
        xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 4 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series };
      if (el.dataset.colors) option.color = JSON.parse(el.dataset.colors);
    }
    chart.setOption(option);
    el.dataset.rendered = "true";
    window.addEventListener("resize", () => chart.resize());
  }
});
