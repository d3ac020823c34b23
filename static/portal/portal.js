// Site-wide touches of the base layout (an external file: the Content-Security-Policy forbids inline scripts).
(function () {
  "use strict";
  // A table wider than the screen scrolls sideways inside its .table-responsive box; a keyboard user can only scroll
  // a box that takes the focus (WCAG 2.1 SC 2.1.1), so such a box becomes a named, focusable region — and stops
  // being one when the screen is wide enough again, so that no useless tab stop is left behind.
  function label(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption) {
      return caption.textContent.trim();
    }
    var heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName) && !heading.querySelector("h1,h2,h3,h4,h5,h6")) {
      heading = heading.previousElementSibling;
    }
    if (heading) {
      return heading.textContent.trim();
    }
    return "";
  }
  function mark() {
    var boxes = document.querySelectorAll(".table-responsive");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", label(box) || document.title);
          box.setAttribute("data-scroll-region", "");
        }
      } else if (box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-scroll-region");
      }
    });
  }
  mark();
  var pending;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 150);
  });
  document.addEventListener("portal:content-changed", mark);
})();
