// The export job page: polls the job's JSON status and moves the progress bar (no inline script).
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-export-status-url");
  var bar = box.querySelector("[data-export-bar]");
  var meter = box.querySelector("[data-export-progress]");
  var percent = box.querySelector("[data-export-percent]");
  var label = box.querySelector("[data-export-label]");
  var download = box.querySelector("[data-export-download]");
  var error = box.querySelector("[data-export-error]");
  var delay = 1000;

  function show(state) {
    var value = Math.max(0, Math.min(100, parseInt(state.progress, 10) || 0));
    bar.style.width = value + "%";
    meter.setAttribute("aria-valuenow", String(value));
    percent.textContent = String(value);
    label.textContent = state.label;
    if (state.download_url) {
      download.setAttribute("href", state.download_url);
      download.classList.remove("d-none");
    }
    if (state.error) {
      error.textContent = state.error;
      error.classList.remove("d-none");
    }
    if (state.finished) {
      bar.classList.remove("progress-bar-striped", "progress-bar-animated");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.finished) {
          delay = Math.min(delay * 1.3, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  bar.style.width = (parseInt(bar.getAttribute("data-width"), 10) || 0) + "%";
  if (box.getAttribute("data-finished") !== "1") { window.setTimeout(poll, delay); }
})();
