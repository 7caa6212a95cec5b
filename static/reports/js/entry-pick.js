// The entry list for exports: "select all" and a live count of the ticked entries.
(function () {
  "use strict";
  var form = document.querySelector("[data-entry-pick]");
  if (!form) { return; }
  var all = form.querySelector("[data-pick-all]");
  var count = form.querySelector("[data-pick-count]");
  function boxes() { return form.querySelectorAll("input[name=entries]"); }
  function update() {
    var ticked = form.querySelectorAll("input[name=entries]:checked").length;
    var template = count.getAttribute("data-template") || "{n}";
    count.textContent = ticked ? template.replace("{n}", String(ticked)) : "";
    if (all) { all.checked = ticked > 0 && ticked === boxes().length; }
  }
  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "entries") { update(); }
  });
  update();
})();
