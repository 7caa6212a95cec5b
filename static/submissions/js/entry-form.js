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
