/* The one chart helper (ECharts, vendored). Every chart on every page is
 *   <div class="yj-chart" data-yj-chart="SPEC_ID" [data-yj-chart-url="…"]></div> + {{ spec|json_script:"SPEC_ID" }}
 * (no inline script: CSP). The spec (built by yingji.core.charts) is
 *   {type: line|bar|hbar|stacked_bar|pie|donut, title, unit, categories: [...], series: [{name, data, color, kind,
 *    stack}], thresholds: [{name, value, color}], time: bool, links: [url per category], empty: "暂无数据",
 *    colors: [colour per pie slice], subtitle: a line under the title, bounds: [first, last] of a time axis}.
 * Colours "red|orange|yellow|blue" are the four warning colours of yingji/levels.css (read from its variables);
 * "green" and "grey" are the platform's own. After drawing, data-yj-chart-drawn holds the number of series drawn
 * (0 for the empty placeholder), so tests can tell a chart drew. Charts follow the window's size.
 * window.YjCharts.render(element, spec) redraws one chart with a new spec (pages that refresh their data). */
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }

  var NAMED = {
    red: cssVar("--yj-level-red", "#d0021b"), orange: cssVar("--yj-level-orange", "#f76b00"),
    yellow: cssVar("--yj-level-yellow", "#ffd400"), blue: cssVar("--yj-level-blue", "#1565c0"),
    green: "#198754", grey: "#6c757d", purple: "#6f42c1", teal: "#20c997"
  };
  var PALETTE = ["#1677ff", "#fa8c16", "#13a8a8", "#722ed1", "#eb2f96", "#52c41a", "#faad14", "#2f54eb"];

  function colour(name) { return name ? (NAMED[name] || name) : undefined; }

  function dark(el) { return !!el.closest(".yj-screen"); }

  function option(spec, el) {
    var text = dark(el) ? "#d8e6f5" : "#495057";
    var axis = { axisLabel: { color: text }, axisLine: { lineStyle: { color: dark(el) ? "#3b5b7d" : "#ced4da" } },
                 splitLine: { lineStyle: { color: dark(el) ? "#1d3a5a" : "#eef0f2" } } };
    var base = {
      color: PALETTE, animation: false, textStyle: { color: text },
      title: spec.title ? { text: spec.title, subtext: spec.subtitle || "", left: "center", top: 0,
                            textStyle: { fontSize: dark(el) ? 18 : 14, color: text } } : undefined,
      tooltip: { trigger: spec.type === "pie" || spec.type === "donut" ? "item" : "axis", confine: true },
      legend: (spec.series || []).length > 1 ? { bottom: 0, textStyle: { color: text } } : undefined
    };
    if (spec.type === "pie" || spec.type === "donut") {
      var s = (spec.series || [])[0] || { data: [] };
      var colours = spec.colors || [];
      base.series = [{
        type: "pie", name: s.name, radius: spec.type === "donut" ? ["34%", "56%"] : "56%",
        center: ["50%", spec.title ? "56%" : "50%"],
        label: { color: text, formatter: "{b}\n{c}", width: 110, overflow: "break", lineHeight: 16 },
        // Empty slices are left out (a zero has no angle, only a crowding label); each slice keeps its category
        // index (link) for the click.
        data: (spec.categories || []).map(function (name, i) {
          return { name: name, value: s.data[i], category: i,
                   itemStyle: colours[i] ? { color: colour(colours[i]) } : undefined };
        }).filter(function (item) { return item.value; })
      }];
      return base;
    }
    var horizontal = spec.type === "hbar";
    var category = Object.assign({ type: spec.time ? "time" : "category", data: spec.time ? undefined : spec.categories },
                                 axis);
    var value = Object.assign({ type: "value", name: spec.subtitle ? "" : (spec.unit || ""),
                                nameTextStyle: { color: text } }, axis);
    // Counts get whole-number ticks (no "0.2 incidents").
    var whole = (spec.series || []).every(function (s) {
      return (s.data || []).every(function (v) { return v === null || v === undefined || Number.isInteger(v); });
    });
    if (whole) { value.minInterval = 1; }
    if (spec.time && spec.bounds) { category.min = spec.bounds[0]; category.max = spec.bounds[1]; }
    base.grid = { left: 8, right: 16, top: spec.title ? (spec.subtitle ? 52 : 34) : 12, bottom: base.legend ? 30 : 8, containLabel: true };
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? category : value;
    base.series = (spec.series || []).map(function (s, index) {
      var kind = s.kind || (spec.type === "line" ? "line" : "bar");
      var data = spec.time ? (spec.categories || []).map(function (t, i) { return [t, s.data[i]]; }) : s.data;
      var out = { type: kind, name: s.name, data: data, showSymbol: kind === "line" && data.length < 60,
                  itemStyle: s.color ? { color: colour(s.color) } : undefined,
                  lineStyle: s.color && kind === "line" ? { color: colour(s.color) } : undefined,
                  stack: spec.type === "stacked_bar" ? (s.stack || "total") : s.stack, connectNulls: false };
      if (index === 0 && (spec.thresholds || []).length) {
        out.markLine = { symbol: "none", silent: true, data: spec.thresholds.map(function (t) {
          var line = { name: t.name, lineStyle: { color: colour(t.color) || NAMED.red, type: "dashed" },
                       label: { formatter: t.name + " " + t.value, color: colour(t.color) || NAMED.red,
                                position: "insideEndTop" } };
          line[horizontal ? "xAxis" : "yAxis"] = t.value;
          return line;
        }) };
      }
      return out;
    });
    return base;
  }

  function isEmpty(spec) {
    if (!spec || !(spec.series || []).length) { return true; }
    return spec.series.every(function (s) {
      return !(s.data || []).some(function (v) { return v !== null && v !== undefined && v !== 0; });
    });
  }

  function render(el, spec) {
    if (typeof window.echarts === "undefined") { return; }
    var chart = window.echarts.getInstanceByDom(el);
    if (isEmpty(spec)) {
      if (chart) { chart.dispose(); }
      el.replaceChildren();
      var p = document.createElement("p");
      p.className = "yj-chart-empty";
      p.textContent = (spec && spec.empty) || "";
      if (spec && spec.title) {
        var h = document.createElement("div");
        h.className = "yj-chart-empty-title";
        h.textContent = spec.title;
        el.appendChild(h);
      }
      el.appendChild(p);
      el.dataset.yjChartDrawn = "0";
      return;
    }
    if (!chart) {
      el.replaceChildren();
      chart = window.echarts.init(el, null, { locale: "ZH", renderer: "canvas" });
      window.addEventListener("resize", function () { chart.resize(); });
    }
    chart.setOption(option(spec, el), true);
    if (spec.links && spec.links.length) {
      chart.off("click");
      chart.on("click", function (params) {
        var index = params.data && params.data.category !== undefined ? params.data.category : params.dataIndex;
        var url = spec.links[index];
        if (url) { window.location.href = url; }
      });
    }
    el.dataset.yjChartDrawn = String((spec.series || []).length);
  }

  function load(el) {
    if (el.dataset.yjChartUrl) {
      fetch(el.dataset.yjChartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (spec) { render(el, spec); })
        .catch(function () { el.dataset.yjChartDrawn = "error"; });
      return;
    }
    var node = document.getElementById(el.dataset.yjChart || "");
    if (!node) { return; }
    try {
      render(el, JSON.parse(node.textContent));
    } catch (err) {
      el.dataset.yjChartDrawn = "error";
    }
  }

  window.YjCharts = { render: render, load: load };

  function start() { document.querySelectorAll(".yj-chart").forEach(load); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
