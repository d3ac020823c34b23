// Every canvas with a data-chart attribute is drawn from the json_script block of that id (no inline script: the
// Content-Security-Policy forbids it). The data: {labels, series: [{label, data, axis}]}; counts are bars on the
// left axis, rates and scores (axis "rate", 0–100) lines on the right one.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var colours = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1"];
  var canvases = document.querySelectorAll("canvas[data-chart]");
  Array.prototype.forEach.call(canvases, function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var hasRates = false;
    var datasets = data.series.map(function (series, index) {
      var isRate = series.axis === "rate";
      hasRates = hasRates || isRate;
      return {
        type: isRate ? "line" : "bar",
        label: series.label,
        data: series.data,
        yAxisID: isRate ? "rate" : "count",
        backgroundColor: colours[index % colours.length],
        borderColor: colours[index % colours.length],
        spanGaps: true
      };
    });
    var scales = { count: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } } };
    if (hasRates) {
      scales.rate = { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } };
    }
    new window.Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: { responsive: true, scales: scales }
    });
  });
})();
