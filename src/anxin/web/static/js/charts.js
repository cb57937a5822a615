// Draw every <div class="chart" data-kind data-names data-values> with ECharts (vendored at set-up, no CDN).
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll(".chart")) {
    const names = JSON.parse(el.dataset.names);
    const values = JSON.parse(el.dataset.values);
    const chart = echarts.init(el, null, { renderer: "svg" });
    const kind = el.dataset.kind;
    const option = kind === "pie"
      ? { tooltip: {}, series: [{ type: "pie", radius: "65%", data: names.map((n, i) => ({ name: n, value: values[i] })) }] }
      : { tooltip: {}, grid: { left: 48, right: 16, bottom: 64 },
          xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 4 ? 30 : 0 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: kind, data: values, smooth: kind === "line" }] };
    chart.setOption(option);
    el.dataset.rendered = "true";
    window.addEventListener("resize", () => chart.resize());
  }
});
