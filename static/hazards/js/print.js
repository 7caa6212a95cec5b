// A "打印" button: <button data-print>. (No inline script under the portal's CSP.)
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
