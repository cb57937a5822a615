// Draw <div class="graph" data-graph='{"nodes": [{id, kind}], "links": [{source, target, kind}]}'> as a force graph
// with ECharts (vendored at set-up): accounts and the identifiers they share, one colour per kind.
document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll(".graph")) {
    const graph = JSON.parse(el.dataset.graph);
    const ids = new Set(graph.nodes.map((n) => n.id));
    graph.links = graph.links.filter((l) => ids.has(l.source) && ids.has(l.target));  // never draw dangling edges
    const kinds = [...new Set(graph.nodes.map((n) => n.kind))];
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: {},
      legend: { top: 0, data: kinds },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        categories: kinds.map((name) => ({ name })),
        force: { repulsion: 160, edgeLength: 70, gravity: 0.3, layoutAnimation: false },
        label: { show: graph.nodes.length <= 40, position: "right", fontSize: 10 },
        data: graph.nodes.map((n) => ({
          id: n.id, name: n.id, category: kinds.indexOf(n.kind),
          symbolSize: n.kind === "account" ? 10 : 18 + Math.min(20, n.members || 0),
        })),
        links: graph.links.map((l) => ({ source: l.source, target: l.target })),
      }],
    });
    el.dataset.rendered = "true";
    window.addEventListener("resize", () => chart.resize());
  }
});
