// The toolbar of the 活动开展情况和成效做法 textarea: wraps the selection in a tag, makes a list of the
// selected lines, or inserts a photo of the union's own entries. The server cleans whatever is posted
// (nh3); this only spares the staff typing tags. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";
  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function replaceSelection(area, make) {
    var start = area.selectionStart, end = area.selectionEnd;
    var inserted = make(area.value.slice(start, end));
    area.value = area.value.slice(0, start) + inserted + area.value.slice(end);
    area.focus();
    area.selectionStart = area.selectionEnd = start + inserted.length;
  }
  document.querySelectorAll("[data-editor-toolbar]").forEach(function (toolbar) {
    var area = document.getElementById(toolbar.getAttribute("data-editor-toolbar"));
    if (!area) { return; }
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var tag = button.getAttribute("data-wrap");
      var list = button.getAttribute("data-list");
      if (tag) {
        replaceSelection(area, function (text) { return "<" + tag + ">" + (text || "…") + "</" + tag + ">"; });
      } else if (list) {
        replaceSelection(area, function (text) {
          var items = (text || "…").split(/\n+/).filter(function (line) { return line.trim(); });
          return "<" + list + ">" + items.map(function (line) { return "<li>" + line.trim() + "</li>"; }).join("") +
            "</" + list + ">";
        });
      } else if (button.hasAttribute("data-insert-photo")) {
        var select = toolbar.querySelector("[data-photo-select]");
        var option = select && select.options[select.selectedIndex];
        if (!option) { return; }
        replaceSelection(area, function () {
          return '<p><img src="' + escapeHtml(option.value) + '" alt="' + escapeHtml(option.text) + '"></p>';
        });
      }
    });
  });
}());
