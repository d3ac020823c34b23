// Refreshes the dashboard's figures every minute from the small JSON endpoint, without reloading the page.
// No inline script (Content-Security-Policy): the endpoint's address is read from a data attribute.
(function () {
  "use strict";
  var board = document.querySelector("[data-live-url]");
  if (!board || !window.fetch) {
    return;
  }
  var url = board.getAttribute("data-live-url");
  var every = parseInt(board.getAttribute("data-live-seconds") || "60", 10) * 1000;
  var stamp = document.getElementById("live-stamp");

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        Object.keys(data.figures).forEach(function (key) {
          var cell = board.querySelector('[data-figure="' + key + '"]');
          if (cell && cell.textContent !== data.figures[key]) {
            cell.textContent = data.figures[key];
          }
        });
        if (stamp) {
          stamp.textContent = new Date().toLocaleTimeString();
        }
        board.setAttribute("data-refreshed", "1");
      })
      .catch(function () {
        // Keep the figures shown; the next round tries again.
      });
  }

  window.setInterval(refresh, every);
  board.addEventListener("dashboard:refresh", refresh);
})();
