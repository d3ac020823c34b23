// Draws the monthly trend of a department's statistics from the JSON the page embeds (no inline script: CSP).
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#198754", "#dc3545", "#6f42c1"];
  var datasets = data.series.map(function (series, index) {
    var isRate = series.axis === "rate";
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
  new window.Chart(canvas, {
    data: { labels: data.labels, datasets: datasets },
    options: {
      responsive: true,
      scales: {
        count: { type: "linear", position: "left", beginAtZero: true, ticks: { precision: 0 } },
        rate: { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
      }
    }
  });
})();
