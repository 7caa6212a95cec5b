// Review pages: photo lightbox and the queue's bulk selection. No inline scripts (strict CSP).
(function () {
  "use strict";

  // --- lightbox: <a data-lightbox="group" href="preview-url" data-caption="..."> -------------------
  var modalElement = document.getElementById("review-lightbox");
  if (modalElement && window.bootstrap) {
    var modal = new window.bootstrap.Modal(modalElement);
    var image = modalElement.querySelector("[data-lightbox-img]");
    var caption = modalElement.querySelector("[data-lightbox-caption]");
    var group = [];
    var index = 0;

    var show = function (i) {
      if (!group.length) { return; }
      index = (i + group.length) % group.length;
      var link = group[index];
      image.src = link.getAttribute("href");
      image.alt = link.getAttribute("data-caption") || "";
      caption.textContent = link.getAttribute("data-caption") || "";
      modalElement.querySelector("[data-lightbox-prev]").hidden = group.length < 2;
      modalElement.querySelector("[data-lightbox-next]").hidden = group.length < 2;
    };

    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-lightbox]");
      if (!link) { return; }
      event.preventDefault();
      var name = link.getAttribute("data-lightbox");
      group = Array.prototype.slice.call(document.querySelectorAll("a[data-lightbox]")).filter(function (a) {
        return a.getAttribute("data-lightbox") === name;
      });
      show(group.indexOf(link));
      modal.show();
    });
    modalElement.querySelector("[data-lightbox-prev]").addEventListener("click", function () { show(index - 1); });
    modalElement.querySelector("[data-lightbox-next]").addEventListener("click", function () { show(index + 1); });
    modalElement.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(index - 1); }
      if (event.key === "ArrowRight") { show(index + 1); }
    });
    modalElement.addEventListener("hidden.bs.modal", function () { image.removeAttribute("src"); });
  }

  // --- bulk selection in the queue ---------------------------------------------------------------------
  var form = document.querySelector("[data-bulk-form]");
  if (!form) { return; }
  var items = function () {
    return Array.prototype.slice.call(document.querySelectorAll("[data-bulk-item]"));
  };
  var all = form.querySelector("[data-bulk-all]");
  var count = form.querySelector("[data-bulk-count]");
  var action = form.querySelector("[data-bulk-action]");
  var level = form.querySelector("[data-bulk-level]");

  var refresh = function () {
    var chosen = items().filter(function (box) { return box.checked; }).length;
    count.textContent = String(chosen);
    if (all) { all.checked = chosen > 0 && chosen === items().length; }
    level.hidden = action.value !== "grade";
  };
  if (all) {
    all.addEventListener("change", function () {
      items().forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-bulk-item]") || event.target === action) { refresh(); }
  });
  // Runs on the form before portal.js's document-level handler asks data-confirm.
  form.addEventListener("submit", function () {
    var chosen = items().filter(function (box) { return box.checked; }).length;
    var template = form.getAttribute(action.value === "grade" ? "data-confirm-grade" : "data-confirm-forward") || "";
    var levelName = level.selectedIndex > 0 ? level.options[level.selectedIndex].text : "";
    form.setAttribute("data-confirm", template.replace("%n", String(chosen)).replace("%l", levelName));
  });
  refresh();
})();
