// Live preview of D = L × E × C × X × Y while options are picked; the server recomputes and stores D.
(function () {
  "use strict";
  var form = document.querySelector("form[data-assess-form]");
  if (!form) { return; }
  var output = form.querySelector("[data-d-preview]");
  var factors = ["L", "E", "C", "X", "Y"];

  function update() {
    // Integer arithmetic in hundredths: every option has at most 2 decimals, so the product is
    // D × 10^10 exactly (at most 10^12, far below 2^53), with no binary rounding.
    var product = 1;
    for (var i = 0; i < factors.length; i++) {
      var checked = form.querySelector("input[data-factor='" + factors[i] + "']:checked");
      var hundredths = checked ? Math.round(Number(checked.value) * 100) : NaN;
      if (!isFinite(hundredths)) { output.textContent = output.dataset.empty; return; }
      product *= hundredths;
    }
    // 3 decimals, rounding half up like scoring.formula.format_score.
    var thousandths = Math.floor((product + 5e6) / 1e7);
    output.textContent = Math.floor(thousandths / 1000) + "." + ("00" + (thousandths % 1000)).slice(-3);
  }

  // A factor's "please choose" error goes as soon as an option of that factor is ticked, so the errors
  // left on the page are exactly the factors still to choose.
  function clearError(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-factor]")) { return; }
    var row = input.closest(".assess-factor");
    if (!row) { return; }
    row.classList.remove("assess-factor-invalid");
    row.querySelectorAll("[data-factor-error]").forEach(function (error) { error.remove(); });
  }

  form.addEventListener("change", clearError);
  form.addEventListener("change", update);
  update();
})();
