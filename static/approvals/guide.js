// The print button of a service guide (no inline handlers: the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      window.print();
    });
  }
});
