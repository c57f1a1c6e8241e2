// Sparklines of each unit's total score in past quarters, on the assessment ranking page.
// Data come from the page's JSON block (id "sparkline-data"): {labels: [...], series: {unitCode: [score|null, ...]}}.
(function () {
  function draw() {
    var source = document.getElementById("sparkline-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll(".sparkline[data-unit]").forEach(function (el) {
      var values = data.series[el.getAttribute("data-unit")] || [];
      if (!values.some(function (v) { return v !== null; })) { el.textContent = "—"; return; }
      el.setAttribute("title", data.labels.map(function (label, i) {
        return label + ": " + (values[i] === null ? "—" : values[i].toFixed(2));
      }).join("\n"));
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        grid: { left: 2, right: 2, top: 2, bottom: 2 },
        xAxis: { type: "category", show: false, data: data.labels },
        yAxis: { type: "value", show: false, min: 0 },
        series: [{ type: "line", data: values, symbol: "circle", symbolSize: 3, connectNulls: true,
                   lineStyle: { width: 1.5 } }]
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
