// Show the enterprise fields only when registering as an enterprise (they stay in the page without script).
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  var block = document.getElementById("enterprise-fields");
  if (!form || !block) { return; }
  function update() {
    var chosen = form.querySelector("input[name='kind']:checked");
    block.hidden = !chosen || chosen.value !== "enterprise";
  }
  form.addEventListener("change", update);
  update();
})();
