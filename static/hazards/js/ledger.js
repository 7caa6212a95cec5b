// The ledger's bulk reminder: <input type="checkbox" data-select-all="FORM-ID"> ticks every row of that form.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var form = master.getAttribute("data-select-all");
    master.addEventListener("change", function () {
      document.querySelectorAll('input[type="checkbox"][form="' + form + '"][name="hazard"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });
})();
