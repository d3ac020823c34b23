// Draws the trend of a scheme's periods from the JSON the rankings page embeds (no inline script: CSP).
(function () {
  "use strict";
  var source = document.getElementById("assessment-trend-data");
  var canvas = document.getElementById("assessment-trend");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#198754", "#dc3545"];
  var datasets = data.series.map(function (series, index) {
    var isPoints = series.axis === "points";
    return {
      type: isPoints ? "line" : "bar",
      label: series.label,
      data: series.data,
      yAxisID: isPoints ? "points" : "count",
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
        count: { type: "linear", position: "right", beginAtZero: true, ticks: { precision: 0 }, grid: { drawOnChartArea: false } },
        points: { type: "linear", position: "left", min: 0, max: 110 }
      }
    }
  });
})();
