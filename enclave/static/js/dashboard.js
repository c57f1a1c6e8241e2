// Dashboard charts: fetch the figures from data.json (same filter as the page) and draw them with ECharts.
// Clicking a bar opens the matching project list (or statement). No inline script: the URL is in data-src.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || typeof echarts === "undefined") { return; }

  function option(chart) {
    var twoAxes = chart.series.some(function (s) { return s.axis === 1; }) &&
                  chart.series.some(function (s) { return s.axis === 0; });
    var categoryAxis = { type: "category", data: chart.categories, axisLabel: { interval: 0, hideOverlap: false } };
    if (!chart.horizontal) { categoryAxis.axisLabel.rotate = chart.categories.length > 6 ? 30 : 0; }
    else { categoryAxis.inverse = true; categoryAxis.axisLabel.width = 150; categoryAxis.axisLabel.overflow = "truncate"; }
    var valueAxes = [{ type: "value", minInterval: 1 }];
    if (twoAxes) { valueAxes.push({ type: "value", name: chart.amountUnit, splitLine: { show: false } }); }
    else if (chart.series[0].axis === 1) { valueAxes[0] = { type: "value", name: chart.amountUnit }; }
    var series = chart.series.map(function (s) {
      return {
        name: s.name, type: "bar", stack: chart.stacked ? "all" : undefined,
        data: s.data.map(Number),
        xAxisIndex: chart.horizontal && twoAxes ? s.axis : 0,
        yAxisIndex: !chart.horizontal && twoAxes ? s.axis : 0,
        cursor: "pointer"
      };
    });
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: chart.horizontal ? valueAxes : categoryAxis,
      yAxis: chart.horizontal ? categoryAxis : valueAxes,
      series: series
    };
  }

  function draw(chart) {
    var el = root.querySelector('[data-chart="' + chart.key + '"]');
    if (!el) { return; }
    var instance = echarts.init(el, null, { renderer: "svg" });
    instance.setOption(option(chart));
    instance.on("click", function (params) {
      var s = chart.series[params.seriesIndex];
      var link = s && s.links ? s.links[params.dataIndex] : "";
      if (link) { window.location.href = link; }
    });
    el.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { instance.resize(); });
  }

  fetch(root.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (payload) {
      payload.charts.forEach(draw);
      root.setAttribute("data-ready", "1");
    })
    .catch(function (error) {
      root.setAttribute("data-error", String(error));
    });
})();
