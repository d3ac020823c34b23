// Draws the grade distribution of the credit subjects from the JSON the page embeds (no inline script: CSP).
(function () {
  "use strict";
  var source = document.getElementById("grade-data");
  var canvas = document.getElementById("grade-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: data.label, data: data.data, backgroundColor: ["#198754", "#20c997", "#0d6efd", "#ffc107", "#fd7e14", "#dc3545"] }]
    },
    options: { responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
