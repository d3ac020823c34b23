// Keeps the bell's unread count fresh without reloading the page.
(function () {
  "use strict";
  var REFRESH_MS = 30000;
  var bell = document.getElementById("bell");
  if (!bell || !window.fetch) { return; }
  var badge = bell.querySelector("[data-testid='bell-count']");
  var url = bell.getAttribute("data-count-url");

  function show(count) {
    if (!badge || typeof count !== "number") { return; }
    badge.textContent = String(count);
    badge.classList.toggle("d-none", count === 0);
    var label = bell.getAttribute("aria-label") || "";
    bell.setAttribute("aria-label", label.replace(/\d+/, String(count)));
  }

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data.count); } })
      .catch(function () { /* offline for a moment: keep the last count */ });
  }

  window.setInterval(refresh, REFRESH_MS);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
}());
