// Shared behaviour, no inline scripts (the pages run under a strict Content-Security-Policy).
(function () {
  "use strict";
  // Confirmation before irreversible actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A double click must not submit twice.
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    // A disabled button is left out of the submitted data: keep the clicked button's name and value (e.g.
    // 保存并提交 name=submit value=1) in a hidden field before disabling it, so the server sees which was pressed.
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = submitter.name;
      carried.value = submitter.value;
      form.appendChild(carried);
    }
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
  });
})();
