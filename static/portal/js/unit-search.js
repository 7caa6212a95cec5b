// Searchable select of directory units: fills <select data-unit-search> from /directory/units/?q=.
(function () {
  "use strict";
  document.querySelectorAll("[data-unit-search-box]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-unit-search-box"));
    var url = box.getAttribute("data-url");
    var timer = null;
    function search() {
      var query = box.value.trim();
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var chosen = select.value;
          select.innerHTML = "";
          data.results.forEach(function (unit) {
            var option = document.createElement("option");
            option.value = unit.id;
            option.textContent = unit.name;
            if (String(unit.id) === chosen) { option.selected = true; }
            select.appendChild(option);
          });
          if (!data.results.length) {
            var empty = document.createElement("option");
            empty.disabled = true;
            empty.textContent = box.getAttribute("data-empty");
            select.appendChild(empty);
          }
        });
    }
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    if (!select.value) { search(); }
  });
})();
