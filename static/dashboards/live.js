// Refreshes the dashboard's figures and their yellow/red emphasis every minute from the small JSON endpoint, without
// reloading the page (the ranking and the warnings list stay as loaded until the page is reloaded).
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
  var TONES = ["danger", "warning"];

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
        // The emphasis follows the numbers: a figure turns yellow or red (or plain again) without a reload.
        Object.keys(data.tones || {}).forEach(function (key) {
          var card = document.getElementById("figure-" + key);
          if (!card) {
            return;
          }
          TONES.forEach(function (tone) {
            card.classList.toggle("tone-" + tone, data.tones[key] === tone);
          });
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
