// Live character count for <textarea data-char-counter="…{used}…{limit}…" data-char-limit="50">.
// Counts characters the way the server does (code points, CRLF as one), so the two never disagree.
(function () {
  "use strict";
  function count(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }
  function fill(template, values) {
    return Object.keys(values).reduce(function (text, key) {
      return text.split("{" + key + "}").join(String(values[key]));
    }, template || "");
  }
  document.querySelectorAll("textarea[data-char-counter]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-char-limit"), 10);
    var counter = document.createElement("div");
    counter.className = "form-text char-counter";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var used = count(area.value);
      var text = fill(area.getAttribute("data-char-counter"), { used: used, limit: limit });
      if (used > limit) { text += fill(area.getAttribute("data-char-over"), { over: used - limit }); }
      counter.textContent = text;
      counter.classList.toggle("over", used > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();

// The 报名表: a warning before leaving the page with unsaved edits, and the confirmation of the
// 保存并提交 button (a button of the form, so submitting always saves what is on the page first).
(function () {
  "use strict";
  var form = document.querySelector("form[data-entry-form]");
  if (!form) { return; }
  var leaving = false;

  // Compared with the values the page was served with (defaultValue and friends), so an edit typed and
  // typed back is not "unsaved", and values the server saved meanwhile (taken_on) can be adopted.
  function changed(control) {
    if (!control.name || control.disabled || control.tagName === "BUTTON"
        || ["hidden", "file", "submit", "button", "reset"].indexOf(control.type) >= 0) { return false; }
    if (control.type === "checkbox" || control.type === "radio") { return control.checked !== control.defaultChecked; }
    if (control.tagName === "SELECT") {
      // By value: the unit search rebuilds its options, keeping the chosen one.
      var served = Array.prototype.find.call(control.options, function (option) { return option.defaultSelected; });
      var implicit = control.size <= 1 && control.options.length ? control.options[0].value : "";
      return control.value !== (served ? served.value : implicit);
    }
    return control.value !== control.defaultValue;
  }

  function dirty() {
    return Array.prototype.some.call(form.elements, changed);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm-button]");
    if (button && !window.confirm(button.getAttribute("data-confirm-button"))) { event.preventDefault(); }
  });

  // Registered after portal.js: a submission it cancelled (confirmation declined) is not leaving.
  form.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) { leaving = true; }
  });

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !dirty()) { return; }
    event.preventDefault();
    event.returnValue = form.getAttribute("data-leave-unsaved") || "";
    return event.returnValue;
  });
})();
