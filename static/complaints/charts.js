// Complaints by category: received and upheld, from the json_script data on the page.
(function () {
  "use strict";
  var source = document.getElementById("complaints-chart-data");
  var canvas = document.getElementById("category-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.received || "Received", data: data.received },
        { label: canvas.dataset.upheld || "Upheld", data: data.upheld }
      ]
    },
    options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
