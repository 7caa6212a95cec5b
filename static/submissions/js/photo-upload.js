// Photo groups: each chosen photo uploads on its own, with a progress bar, after a quick check in the
// browser that warns, before mobile data is spent, about files the server will refuse. Uploads are
// resumable (tus 1.0, static/vendor/tus-js-client-*, server in submissions/tus_views.py): chunks, retries
// with back-off, and after a reload or a cut connection the same photo continues where it stopped.
// Without tus support a photo goes in one XMLHttpRequest POST; without this script the forms post normally.
(function () {
  "use strict";
  var texts = document.getElementById("photo-upload-texts");
  document.documentElement.classList.add("js-photo-upload");

  function t(key, values) {
    var text = (texts && texts.getAttribute("data-" + key)) || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // --- checks in the browser ------------------------------------------------------------------------

  function readHead(file, bytes) {
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () { resolve(new Uint8Array(reader.result)); };
      reader.onerror = function () { resolve(null); };
      reader.readAsArrayBuffer(file.slice(0, bytes));
    });
  }

  // Width and height from the JPEG frame header, without decoding the photo (a phone would need
  // hundreds of MB to decode a 200 MP image). Size stays unknown when the header is further in.
  function jpegInfo(file) {
    return readHead(file, 262144).then(function (b) {
      if (!b || b.length < 4 || b[0] !== 0xFF || b[1] !== 0xD8 || b[2] !== 0xFF) { return { jpeg: false }; }
      var i = 2;
      while (i + 9 < b.length) {
        if (b[i] !== 0xFF) { i += 1; continue; }
        var marker = b[i + 1];
        if (marker === 0xFF) { i += 1; continue; }
        if (marker === 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { i += 2; continue; }
        if (marker === 0xD9 || marker === 0xDA) { break; }
        if (marker >= 0xC0 && marker <= 0xCF && marker !== 0xC4 && marker !== 0xC8 && marker !== 0xCC) {
          return { jpeg: true, height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
        }
        i += 2 + ((b[i + 2] << 8) | b[i + 3]);
      }
      return { jpeg: true };
    });
  }

  // The dpi label, read like the server does (submissions/photos/validation.py): EXIF IFD0 XResolution /
  // YResolution with ResolutionUnit (inch when absent, cm converted, anything else unusable) first, then
  // the JFIF density; the lower of x and y, rounded; implausible values (< 1 or > 10000) count as none.
  // Only the first 64 KB are read: phones put both segments at the very start of the file.
  function plausible(values, perCm) {
    var dpis = [];
    for (var k = 0; k < values.length; k++) {
      var dpi = perCm ? values[k] * 2.54 : values[k];
      if (!isFinite(dpi) || dpi < 1 || dpi > 10000) { return null; }
      dpis.push(Math.round(dpi));
    }
    return dpis.length ? Math.min.apply(null, dpis) : null;
  }

  function exifDpi(b, start, end) {
    // start: the TIFF header inside an APP1 "Exif\0\0" segment that ends at `end`.
    if (start + 8 > end) { return null; }
    var little = b[start] === 0x49 && b[start + 1] === 0x49;
    if (!little && !(b[start] === 0x4D && b[start + 1] === 0x4D)) { return null; }
    function u16(at) { return little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]; }
    function u32(at) {
      return little ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 16777216
                    : b[at] * 16777216 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
    }
    var ifd = start + u32(start + 4);
    if (ifd + 2 > end) { return null; }
    var count = u16(ifd), unit = 2, values = [];
    for (var n = 0; n < count; n++) {
      var entry = ifd + 2 + 12 * n;
      if (entry + 12 > end) { return null; }
      var tag = u16(entry), type = u16(entry + 2);
      if (tag === 0x0128) {
        unit = type === 3 ? u16(entry + 8) : (type === 4 ? u32(entry + 8) : 0);
      } else if (tag === 0x011A || tag === 0x011B) {
        var at = start + u32(entry + 8);
        if (type !== 5 || at + 8 > end) { return null; }
        var denominator = u32(at + 4);
        values.push(denominator ? u32(at) / denominator : NaN);
      }
    }
    if (unit !== 2 && unit !== 3) { return null; }
    return plausible(values, unit === 3);
  }

  function dpiInfo(file) {
    return readHead(file, 65536).then(function (b) {
      if (!b || b.length < 4 || b[0] !== 0xFF || b[1] !== 0xD8) { return { known: false }; }
      var i = 2, exif = null, jfif = null;
      while (i + 4 <= b.length) {
        if (b[i] !== 0xFF) { break; }
        var marker = b[i + 1];
        if (marker === 0xFF) { i += 1; continue; }
        if (marker === 0xDA || marker === 0xD9) { break; }
        var end = i + 2 + ((b[i + 2] << 8) | b[i + 3]);
        if (end > b.length) { break; }
        if (marker === 0xE0 && i + 16 <= end && b[i + 4] === 0x4A && b[i + 5] === 0x46 && b[i + 6] === 0x49
            && b[i + 7] === 0x46 && b[i + 8] === 0 && jfif === null) {
          var units = b[i + 11];
          jfif = (units === 1 || units === 2)
            ? plausible([(b[i + 12] << 8) | b[i + 13], (b[i + 14] << 8) | b[i + 15]], units === 2) : null;
        } else if (marker === 0xE1 && exif === null && i + 10 <= end && b[i + 4] === 0x45 && b[i + 5] === 0x78
                   && b[i + 6] === 0x69 && b[i + 7] === 0x66 && b[i + 8] === 0 && b[i + 9] === 0) {
          exif = exifDpi(b, i + 10, end);
        }
        i = end;
      }
      var dpi = exif !== null ? exif : jfif;
      return { known: true, dpi: dpi, source: exif !== null ? "exif" : (jfif !== null ? "jfif" : null) };
    });
  }
  // For the browser test of the reader, and for anyone checking a file by hand in the console.
  window.photoDpi = dpiInfo;

  function sizeByDecoding(file) {
    if (!window.createImageBitmap || file.size > 30 * 1024 * 1024) { return Promise.resolve(null); }
    return window.createImageBitmap(file).then(function (bitmap) {
      var size = { width: bitmap.width, height: bitmap.height };
      if (bitmap.close) { bitmap.close(); }
      return size;
    }, function () { return null; });
  }

  function precheck(file, group) {
    var warnings = [], notes = [];
    var maxBytes = parseInt(group.getAttribute("data-max-bytes"), 10);
    var minLong = parseInt(group.getAttribute("data-min-long"), 10);
    var minShort = parseInt(group.getAttribute("data-min-short"), 10);
    var minDpi = parseInt(group.getAttribute("data-min-dpi"), 10);
    var fixDpi = group.getAttribute("data-dpi-policy") === "fix";
    if (file.size > maxBytes) {
      warnings.push(t("too-big", { name: file.name, size: (file.size / 1048576).toFixed(1),
                                   limit: Math.round(maxBytes / 1048576) }));
    }
    return Promise.all([jpegInfo(file), dpiInfo(file)]).then(function (results) {
      var info = results[0], dpi = results[1];
      if (!info.jpeg || (file.type && file.type !== "image/jpeg")) {
        warnings.push(t("not-jpeg", { name: file.name }));
        return { warnings: warnings, notes: notes };
      }
      if (dpi.known && minDpi && (dpi.dpi === null || dpi.dpi < minDpi)) {
        // Most phones write 72 dpi or none: under "fix" the server relabels, under "reject" it refuses.
        var key = (dpi.dpi === null ? "no-dpi" : "low-dpi") + (fixDpi ? "-fix" : "");
        (fixDpi ? notes : warnings).push(t(key, { name: file.name, dpi: dpi.dpi, min: minDpi }));
      }
      var sized = info.width ? Promise.resolve(info) : sizeByDecoding(file);
      return sized.then(function (size) {
        if (size && size.width && size.height) {
          var longSide = Math.max(size.width, size.height);
          var shortSide = Math.min(size.width, size.height);
          if (longSide < minLong || shortSide < minShort) {
            warnings.push(t("too-small", { name: file.name, w: size.width, h: size.height,
                                           long: minLong, short: minShort }));
          }
        }
        return { warnings: warnings, notes: notes };
      });
    });
  }

  // --- uploads in flight: a warning before the page is left, and a note after a reload -------------------

  var running = 0;
  var STORE = "submissions.uploads-in-flight";

  function inFlight() {
    try { return JSON.parse(window.sessionStorage.getItem(STORE) || "[]"); } catch (error) { return []; }
  }

  function keepInFlight(records) {
    try {
      if (records.length) { window.sessionStorage.setItem(STORE, JSON.stringify(records)); }
      else { window.sessionStorage.removeItem(STORE); }
    } catch (error) { /* private mode: the warning before leaving still works */ }
  }

  function started(record) {
    running += 1;
    keepInFlight(inFlight().concat([record]));
  }

  function finished(record) {
    running = Math.max(running - 1, 0);
    keepInFlight(inFlight().filter(function (other) { return other.id !== record.id; }));
  }

  window.addEventListener("beforeunload", function (event) {
    if (!running) { return; }
    event.preventDefault();
    event.returnValue = t("leave-uploading");
    return event.returnValue;
  });

  // An upload cut off by a reload or by leaving never answered: say on the next visit that the photo was
  // not stored (unless the group now holds more photos than when it started: then the server got it).
  function reportInterrupted() {
    var records = inFlight();
    if (!records.length || running) { return; }
    var left = [];
    records.forEach(function (record) {
      var group = document.querySelector("[data-photo-group='" + record.kind + "'][data-upload-url='" + record.url + "']");
      if (!group) { left.push(record); return; }
      var count = parseInt(group.getAttribute("data-count"), 10);
      if (!record.replace && count > record.countBefore) { return; }
      var status = group.closest("[data-photo-group-wrapper]").querySelector("[data-upload-status]");
      status.appendChild(element("div", "alert alert-danger py-1 px-2 small upload-interrupted",
                                 t(resumable() ? "interrupted-resumable" : "interrupted", { name: record.name })));
    });
    keepInFlight(left);
  }

  // --- upload -----------------------------------------------------------------------------------------

  // --- resumable upload (tus) ------------------------------------------------------------------------

  // Seconds between retries: a 4G drop-out of a minute or two is waited out, then the user is told.
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000, 60000, 60000];

  function resumable() {
    return !!(window.tus && window.tus.isSupported);
  }

  function errorOf(error) {
    var response = error && error.originalResponse;
    if (!response) { return null; }
    try { return JSON.parse(response.getBody()); } catch (ignored) { return null; }
  }

  function sendResumable(form, file, ui) {
    var group = form.closest("[data-photo-group-wrapper]").querySelector("[data-photo-group]");
    var endpoint = new URL(group.getAttribute("data-tus-url"), window.location.href).href;
    var replace = form.querySelector("input[name=replace]");
    var metadata = { filename: file.name, kind: form.querySelector("input[name=kind]").value };
    if (replace) { metadata.replace = replace.value; }
    var chunk = parseInt(texts && texts.getAttribute("data-tus-chunk-size"), 10) || 1048576;
    return new Promise(function (resolve) {
      var upload;
      function fail(message) {
        ui.progress.remove();
        ui.label.className = "alert alert-danger py-1 px-2 mb-0 small";
        ui.label.textContent = t("failed", { name: file.name, error: message });
        resolve(null);
      }
      function percent(sent) { return Math.round(100 * sent / file.size); }
      upload = new window.tus.Upload(file, {
        endpoint: endpoint,
        chunkSize: chunk,
        retryDelays: RETRY_DELAYS,
        metadata: metadata,
        headers: { "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value },
        removeFingerprintOnSuccess: true,
        // The same file chosen again for the same group (and photo to replace) continues its upload.
        fingerprint: function (chosen) {
          return Promise.resolve(["photo", endpoint, metadata.kind, metadata.replace || "", chosen.name,
                                  chosen.size, chosen.lastModified].join("|"));
        },
        // Unlike the library's default, retry while the phone reports no network too: that is the drop-out.
        onShouldRetry: function (error) {
          var code = error.originalResponse ? error.originalResponse.getStatus() : 0;
          if (!code || code >= 500 || code === 409 || code === 423) {
            ui.label.textContent = t("retrying", { name: file.name, percent: percent(upload.offset || 0) });
            return true;
          }
          return false;
        },
        onProgress: function (sent, total) {
          ui.bar.style.width = Math.round(100 * sent / total) + "%";
        },
        onChunkComplete: function () {
          ui.label.textContent = t("uploading", { name: file.name });
        },
        onError: function (error) {
          var body = errorOf(error);
          if (body && body.error) { fail(body.error); return; }
          if (!error.originalResponse) {
            // Retries used up: go on by itself when the network is back (the chunks stay on the server).
            ui.label.textContent = t("retrying", { name: file.name, percent: percent(upload.offset || 0) });
            window.addEventListener("online", function () { upload.start(); }, { once: true });
            return;
          }
          fail(t("http-error", { status: error.originalResponse.getStatus() }));
        },
        onSuccess: function () {
          fetch(upload.url, { credentials: "same-origin",
                              headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" } })
            .then(function (response) { return response.json(); })
            .then(function (body) {
              ui.progress.remove();
              ui.label.className = "small text-success";
              ui.label.textContent = t("done", { name: file.name });
              resolve(body);
            }, function () { fail(t("network")); });
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          ui.label.textContent = t("resumed", { name: file.name });
        }
        upload.start();
      });
    });
  }

  function send(form, file, status, countBefore) {
    var record = { id: String(Date.now()) + Math.random(), url: form.getAttribute("action"), name: file.name,
                   kind: form.querySelector("input[name=kind]").value, countBefore: countBefore,
                   replace: !!form.querySelector("input[name=replace]") };
    var row = element("div", "mb-2");
    var label = element("div", "small text-truncate", t("uploading", { name: file.name }));
    var progress = element("div", "progress");
    var bar = element("div", "progress-bar");
    progress.setAttribute("role", "progressbar");
    progress.setAttribute("aria-label", file.name);
    bar.style.width = "0%";
    progress.appendChild(bar);
    row.appendChild(label);
    row.appendChild(progress);
    status.appendChild(row);

    if (resumable()) {
      started(record);
      return sendResumable(form, file, { label: label, progress: progress, bar: bar }).then(function (body) {
        finished(record);
        if (body && !body.ok) {
          label.className = "alert alert-danger py-1 px-2 mb-0 small";
          label.textContent = t("failed", { name: file.name, error: body.error || t("network") });
        }
        return body;
      });
    }
    var data = new FormData();
    form.querySelectorAll("input[type=hidden]").forEach(function (input) { data.append(input.name, input.value); });
    data.append("photo", file, file.name);
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) { bar.style.width = Math.round(100 * event.loaded / event.total) + "%"; }
      };
      xhr.onload = function () {
        finished(record);
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (error) { body = null; }
        progress.remove();
        if (body && body.ok) {
          label.className = "small text-success";
          label.textContent = t("done", { name: file.name });
        } else {
          label.className = "alert alert-danger py-1 px-2 mb-0 small";
          label.textContent = t("failed", { name: file.name,
                                            error: body && body.error ? body.error : t("http-error", { status: xhr.status }) });
        }
        resolve(body);
      };
      xhr.onerror = function () {
        finished(record);
        progress.remove();
        label.className = "alert alert-danger py-1 px-2 mb-0 small";
        label.textContent = t("failed", { name: file.name, error: t("network") });
        resolve(null);
      };
      started(record);
      xhr.send(data);
    });
  }

  function applyResponse(wrapper, body) {
    if (!body) { return; }
    if (body.group_html) {
      var group = wrapper.querySelector("[data-photo-group]");
      var holder = element("div");
      holder.innerHTML = body.group_html;
      var fresh = holder.firstElementChild;
      group.replaceWith(fresh);
      watchPending(fresh);
    }
    if (body.missing_html !== undefined) {
      var panel = document.querySelector("[data-missing-panel]");
      if (panel) {
        var box = element("div");
        box.innerHTML = body.missing_html;
        panel.replaceWith(box.firstElementChild);
      }
    }
    var takenOn = document.querySelector("input[name=taken_on]");
    if (takenOn && !takenOn.value && body.entry && body.entry.taken_on) {
      // Saved by the server already: not an unsaved edit of the form (see entry-form.js).
      takenOn.value = takenOn.defaultValue = body.entry.taken_on;
    }
  }

  function uploadAll(form, files, wrapper, status) {
    var last = null;
    var group = wrapper.querySelector("[data-photo-group]");
    var count = parseInt(group.getAttribute("data-count"), 10);
    return files.reduce(function (chain, file) {
      return chain.then(function () {
        return send(form, file, status, count).then(function (body) {
          if (body) { last = body; }
          if (body && body.ok && !form.querySelector("input[name=replace]")) { count += 1; }
        });
      });
    }, Promise.resolve()).then(function () { applyResponse(wrapper, last); });
  }

  function handleFiles(form, files) {
    var wrapper = form.closest("[data-photo-group-wrapper]");
    var group = wrapper.querySelector("[data-photo-group]");
    var status = wrapper.querySelector("[data-upload-status]");
    if (!files.length) { return; }
    status.innerHTML = "";
    var replacing = !!form.querySelector("input[name=replace]");
    var left = parseInt(group.getAttribute("data-cap"), 10) - parseInt(group.getAttribute("data-count"), 10);
    Promise.all(files.map(function (file) { return precheck(file, group); })).then(function (results) {
      var warnings = [].concat.apply([], results.map(function (result) { return result.warnings; }));
      var notes = [].concat.apply([], results.map(function (result) { return result.notes; }));
      if (notes.length) {
        var info = element("div", "alert alert-info py-1 px-2 small");
        info.setAttribute("data-precheck-notes", "");
        notes.forEach(function (note) { info.appendChild(element("div", "", note)); });
        status.appendChild(info);
      }
      if (!replacing && files.length > left) {
        warnings.push(t("over-cap", { cap: group.getAttribute("data-cap"), left: Math.max(left, 0) }));
      }
      if (!warnings.length) {
        uploadAll(form, files, wrapper, status);
        return;
      }
      var box = element("div", "alert alert-warning");
      box.appendChild(element("div", "fw-semibold mb-1", t("warning-title")));
      var list = element("ul", "mb-2 ps-3");
      warnings.forEach(function (warning) { list.appendChild(element("li", "", warning)); });
      box.appendChild(list);
      var go = element("button", "btn btn-sm btn-primary me-2", t("continue"));
      var stop = element("button", "btn btn-sm btn-outline-secondary", t("cancel"));
      go.type = stop.type = "button";
      go.addEventListener("click", function () { box.remove(); uploadAll(form, files, wrapper, status); });
      stop.addEventListener("click", function () { box.remove(); });
      box.appendChild(go);
      box.appendChild(stop);
      status.appendChild(box);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var form = input.closest && input.closest("form[data-photo-upload-form]");
    if (!form || input.type !== "file") { return; }
    var files = Array.prototype.slice.call(input.files || []);
    input.value = "";
    handleFiles(form, files);
  });

  function release(form) {
    form.dataset.submitted = "";
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = false; });
  }

  // Registered after portal.js, so a cancelled data-confirm has already prevented the default.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) { return; }
    if (form.matches("form[data-photo-upload-form]")) {
      event.preventDefault();
      var files = [];
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        files = files.concat(Array.prototype.slice.call(input.files || []));
        input.value = "";
      });
      release(form);
      handleFiles(form, files);
      return;
    }
    if (!form.matches("form[data-photo-action]")) { return; }
    event.preventDefault();
    var wrapper = form.closest("[data-photo-group-wrapper]");
    var status = wrapper.querySelector("[data-upload-status]");
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return null; });
    }).then(function (body) {
      status.innerHTML = "";
      if (!body || !body.ok) {
        status.appendChild(element("div", "alert alert-danger py-1 px-2 small",
                                   body && body.error ? body.error : t("network")));
        release(form);
      }
      applyResponse(wrapper, body);
    }, function () {
      status.innerHTML = "";
      status.appendChild(element("div", "alert alert-danger py-1 px-2 small", t("network")));
      release(form);
    });
  });

  // Display copies are made in the background: keep trying until the thumbnail exists.
  function watchPending(root) {
    root.querySelectorAll("img[data-pending-src]").forEach(function (img) {
      var src = img.getAttribute("data-pending-src");
      var tries = 0;
      img.removeAttribute("data-pending-src");
      function attempt() {
        var probe = new Image();
        probe.onload = function () { img.src = probe.src; };
        probe.onerror = function () {
          tries += 1;
          if (tries < 40) { window.setTimeout(attempt, 3000); }
        };
        probe.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "try=" + tries;
      }
      window.setTimeout(attempt, 1000);
    });
  }
  watchPending(document);
  reportInterrupted();
})();
