/* Draws every <canvas data-chart="…"> with Chart.js (from npm, served as a static file).
   The data attribute holds {type, labels, datasets, percent, title}; datasets flagged "goal"
   are drawn as dashed target lines. The same numbers are in the table under each chart. */
(function () {
  "use strict";
  var palette = ["#0b5394", "#b45f06", "#38761d", "#741b47", "#134f5c"];

  function build(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    var colour = 0;
    var datasets = spec.datasets.map(function (ds) {
      if (ds.goal) {
        return {
          type: "line",
          label: ds.label,
          data: ds.data,
          borderColor: "#cc0000",
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
          fill: false,
        };
      }
      var c = palette[colour++ % palette.length];
      return {
        label: ds.label,
        data: ds.data,
        backgroundColor: c,
        borderColor: c,
        spanGaps: true,
        tension: 0.2,
      };
    });
    var scales = {};
    if (spec.percent) {
      scales.y = {
        min: 0,
        max: 100,
        ticks: {
          callback: function (v) {
            return v + "%";
          },
        },
      };
    }
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function init() {
    if (!window.Chart) {
      return;
    }
    document.querySelectorAll("canvas[data-chart]").forEach(build);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
