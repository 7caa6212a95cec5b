// The statistics dashboard: draws the charts from the JSON that the page passes with json_script.
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#198754", "#0dcaf0", "#6c757d", "#d63384"];
  var common = { responsive: true, maintainAspectRatio: false, animation: false };

  function colours(count) {
    var result = [];
    for (var i = 0; i < count; i += 1) { result.push(palette[i % palette.length]); }
    return result;
  }

  function integerAxis() { return { beginAtZero: true, ticks: { precision: 0 } }; }

  var builders = {
    overTime: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: [
        { type: "bar", label: d.dailyLabel, data: d.daily, backgroundColor: palette[0], yAxisID: "y" },
        { type: "line", label: d.cumulativeLabel, data: d.cumulative, borderColor: palette[2],
          backgroundColor: palette[2], yAxisID: "y1", tension: 0.2, pointRadius: 0 }
      ] }, options: Object.assign({}, common, { scales: { y: integerAxis(),
        y1: Object.assign(integerAxis(), { position: "right", grid: { drawOnChartArea: false } }) } }) };
    },
    byUnion: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: d.datasets.map(function (set, i) {
        return { label: set.label, data: set.data, backgroundColor: palette[i] };
      }) }, options: Object.assign({}, common, { indexAxis: "y", scales: { x: integerAxis() } }) };
    },
    byIndustry: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: [{ label: d.label, data: d.data, backgroundColor: palette[0] }] },
        options: Object.assign({}, common, { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: integerAxis() } }) };
    },
    byCategory: function (d) {
      return { type: "doughnut", data: { labels: d.labels, datasets: [{ data: d.data, backgroundColor: colours(d.data.length) }] },
        options: common };
    },
    rectification: function (d) {
      return { type: "doughnut", data: { labels: d.labels, datasets: [{ data: d.data, backgroundColor: [palette[1], "#dee2e6"] }] },
        options: common };
    },
    histogram: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: [{ label: d.label, data: d.data, backgroundColor: palette[3],
        barPercentage: 1.0, categoryPercentage: 1.0 }] },
        options: Object.assign({}, common, { plugins: { legend: { display: false } }, scales: { y: integerAxis() } }) };
    },
    progress: function (d) {
      return { type: "bar", data: { labels: d.labels, datasets: d.datasets.map(function (set, i) {
        return { label: set.label, data: set.data, backgroundColor: palette[i % palette.length] };
      }) }, options: Object.assign({}, common, { indexAxis: "y",
        scales: { x: Object.assign(integerAxis(), { stacked: true }), y: { stacked: true } } }) };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.getAttribute("data-chart");
    if (builders[name] && data[name]) { new window.Chart(canvas, builders[name](data[name])); }
  });
})();
