/* Draws the figures pages' charts with ECharts.
 *
 * A chart is an element `<div class="chart" data-chart="ID">` next to `{{ spec|json_script:"ID" }}`; the view
 * builds the spec (type, title, categories, series or data), so this file holds no figures of its own.
 * No inline script: the Content Security Policy forbids it.
 */
(function () {
  "use strict";

  var PALETTE = ["#1f6feb", "#d97706", "#15803d", "#7c3aed", "#b91c1c"];
  var HEIGHT = "320px";

  // Category names turn when they would not fit side by side: more as the chart gets narrower.
  function labelAngle(spec, width) {
    var room = width / Math.max(spec.categories.length, 1);
    return room > 90 ? 0 : room > 45 ? 40 : 70;
  }

  function axisChart(spec, width) {
    return {
      color: PALETTE,
      title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: labelAngle(spec, width) } },
      // Bars count projects: whole numbers only on their axis.
      yAxis: { type: "value", minInterval: spec.type === "bar" ? 1 : 0 },
      series: spec.series.map(function (series) {
        return { name: series.name, type: spec.type, data: series.data };
      }),
    };
  }

  function funnelChart(spec) {
    return {
      color: PALETTE,
      title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [
        {
          type: "funnel",
          sort: "none",
          top: 40,
          bottom: 8,
          minSize: "20%",
          label: { show: true, position: "inside", formatter: "{b} {c}" },
          data: spec.data,
        },
      ],
    };
  }

  function option(spec, width) {
    return spec.type === "funnel" ? funnelChart(spec) : axisChart(spec, width);
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || !window.echarts) {
      return;
    }
    // Sizing through the CSSOM is allowed by the CSP (style attributes in the markup are not).
    if (!element.clientHeight) {
      element.style.height = HEIGHT;
    }
    var chart =
      window.echarts.getInstanceByDom(element) ||
      // Canvas, not SVG: the SVG renderer writes style attributes, which the CSP refuses. Twice the pixels print sharply.
      window.echarts.init(element, null, { renderer: "canvas", devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2) });
    chart.setOption(option(JSON.parse(source.textContent), element.clientWidth), true);
    element.dataset.drawn = "true";
  }

  function drawAll(root) {
    (root || document).querySelectorAll(".chart[data-chart]").forEach(draw);
  }

  function resizeAll() {
    document.querySelectorAll(".chart[data-drawn]").forEach(function (element) {
      var chart = window.echarts.getInstanceByDom(element);
      if (chart) {
        chart.resize();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
  });
  // Pages that swap parts with htmx get their new charts drawn too.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
})();
