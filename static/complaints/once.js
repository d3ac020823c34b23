// Forms marked data-once send once: after the first submit their submit buttons are disabled, so a double click
// does not post the form twice. The buttons come back when the page is shown again from the back-forward cache.
(function () {
  "use strict";
  function buttons(form) {
    return form.querySelectorAll('button[type="submit"], input[type="submit"]');
  }
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      // Disabled after the browser has read the form, so the clicked button's own name and value still go.
      window.setTimeout(function () {
        buttons(form).forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        });
      }, 0);
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      buttons(form).forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });
})();
