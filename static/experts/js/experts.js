// Expert review pages. No inline scripts (the pages run under a strict Content-Security-Policy).
(function () {
  "use strict";
  // Filters that apply as soon as they change: <select data-autosubmit> inside a GET form.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
