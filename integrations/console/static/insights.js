// warroom console: the insights page's charts (uPlot, vendored in
// static/uplot) and its filter form. Plain JavaScript, no build step.
(function () {
  "use strict";

  var root = document.getElementById("insights");
  if (!root || !window.uPlot) { return; }
  var data = JSON.parse(root.getAttribute("data-json"));
  var css = getComputedStyle(document.documentElement);
  var SEVS = ["SEV1", "SEV2", "SEV3", "SEV4"];
  var colour = {};
  SEVS.forEach(function (s, i) { colour[s] = css.getPropertyValue("--sev" + (i + 1)).trim() || "#888"; });

  // ---- the viewer's time zone -------------------------------------------
  var form = document.getElementById("insights-form");
  var tz = "";
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  var params = new URLSearchParams(location.search);
  if (tz && !params.get("tz") && tz !== root.getAttribute("data-tz")) {
    params.set("tz", tz);
    location.replace(location.pathname + "?" + params.toString());
    return;
  }

  // ---- the filter form: apply on change ---------------------------------
  var period = document.getElementById("f-period");
  function customShown(on) {
    form.querySelectorAll("label.custom").forEach(function (l) {
      l.classList.toggle("hidden", !on);
      l.querySelector("input").disabled = !on;
    });
  }
  form.addEventListener("change", function (ev) {
    if (ev.target === period) {
      customShown(period.value === "custom");
      if (period.value === "custom") { return; } // wait for the dates
    }
    submit();
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(); });
  function submit() {
    var q = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v !== "") { q.append(k, v); } });
    location.href = "/insights?" + q.toString();
  }

  // ---- helpers ----------------------------------------------------------
  function fmtDur(s) {
    if (s == null || isNaN(s)) { return "—"; }
    s = Math.round(s);
    if (s < 60) { return s + "s"; }
    if (s < 3600) { return Math.floor(s / 60) + "m" + (s % 60 ? " " + (s % 60) + "s" : ""); }
    if (s < 86400) { return Math.floor(s / 3600) + "h " + Math.round((s % 3600) / 60) + "m"; }
    return Math.floor(s / 86400) + "d " + Math.round((s % 86400) / 3600) + "h";
  }
  function width(el) { return Math.max(260, el.clientWidth || 600); }
  function dayLabel(t) {
    return new Date(t * 1000).toLocaleDateString([], { timeZone: data.time_zone, month: "short", day: "numeric" });
  }
  function listFor(from, to) {
    var u = new URL(data.list, location.href);
    u.searchParams.set("from", from);
    u.searchParams.set("to", to);
    return u.pathname + u.search;
  }
  // onClick calls fn with the index under the cursor.
  function onClick(u, fn) {
    u.over.addEventListener("click", function () {
      if (u.cursor.idx != null) { fn(u.cursor.idx); }
    });
  }
  var charts = [];
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.u.setSize({ width: width(c.el), height: c.h }); });
  });

  var series = data.series || [];
  var xs = series.map(function (b) { return Date.parse(b.start) / 1000; });

  // ---- incidents per day, stacked by severity -----------------------------
  (function () {
    var el = document.getElementById("chart-incidents");
    if (!el || !xs.length) { return; }
    var raw = SEVS.map(function (s) { return series.map(function (b) { return b.by_severity[s] || 0; }); });
    // Stack: SEV1 at the bottom. Draw the tallest (all severities) first.
    var cum = [], acc = xs.map(function () { return 0; });
    raw.forEach(function (r) { acc = acc.map(function (v, i) { return v + r[i]; }); cum.push(acc.slice()); });
    var bars = uPlot.paths.bars({ size: [0.8, 40] });
    var sers = [{ label: "Day", value: function (u, t) { return t == null ? "—" : dayLabel(t); } }];
    var d = [xs];
    for (var i = SEVS.length - 1; i >= 0; i--) {
      (function (i) {
        sers.push({
          label: SEVS[i], fill: colour[SEVS[i]], stroke: colour[SEVS[i]], paths: bars, points: { show: false },
          value: function (u, v, si, idx) { return idx == null ? "—" : String(raw[i][idx]); }
        });
        d.push(cum[i]);
      })(i);
    }
    var h = 220;
    var u = new uPlot({
      width: width(el), height: h, series: sers, legend: { live: true },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{}, { label: "incidents" }], cursor: { drag: { x: false, y: false } }
    }, d, el);
    onClick(u, function (i) { location.href = listFor(series[i].start, series[i].end); });
    charts.push({ u: u, el: el, h: h });
  })();

  // ---- MTTA and MTTR trend -------------------------------------------------
  (function () {
    var el = document.getElementById("chart-trend");
    if (!el || !xs.length) { return; }
    function col(metric, p) {
      return series.map(function (b) { return b[metric].n ? b[metric][p] / 3600 : null; });
    }
    var sers = [{ label: "Day", value: function (u, t) { return t == null ? "—" : dayLabel(t); } }];
    var d = [xs];
    [["MTTA p50", "mtta_seconds", "p50", "#2f6fd6", []], ["MTTA p90", "mtta_seconds", "p90", "#2f6fd6", [6, 4]],
     ["MTTR p50", "mttr_seconds", "p50", "#c62828", []], ["MTTR p90", "mttr_seconds", "p90", "#c62828", [6, 4]]].forEach(function (s) {
      sers.push({ label: s[0], stroke: s[3], width: 2, dash: s[4], spanGaps: true,
        value: function (u, v) { return v == null ? "—" : fmtDur(v * 3600); } });
      d.push(col(s[1], s[2]));
    });
    var h = 220;
    var u = new uPlot({
      width: width(el), height: h, series: sers, scales: { x: { time: true } },
      axes: [{}, { label: "hours" }], cursor: { drag: { x: false, y: false } }
    }, d, el);
    onClick(u, function (i) { location.href = listFor(series[i].start, series[i].end); });
    charts.push({ u: u, el: el, h: h });
  })();

  // ---- SLA compliance per severity ------------------------------------------
  (function () {
    var el = document.getElementById("chart-sla");
    if (!el) { return; }
    var sevs = SEVS.filter(function (s) { return data.sla[s]; });
    if (!sevs.length) { return; }
    var xs = sevs.map(function (s, i) { return i + 1; });
    var kinds = [["acknowledge", "Acknowledge", "#2f6fd6", -1], ["resolve", "Resolve", "#7b1fa2", 1]];
    var sers = [{ label: "Severity", value: function (u, x) { return x == null ? "—" : sevs[x - 1]; } }];
    var d = [xs];
    kinds.forEach(function (k) {
      var cs = sevs.map(function (s) { return data.sla[s][k[0]]; });
      sers.push({
        label: k[1], fill: k[2], stroke: k[2], points: { show: false },
        paths: uPlot.paths.bars({ size: [0.35, 60], align: k[3] }),
        value: function (u, v, si, idx) {
          if (idx == null) { return "—"; }
          var c = cs[idx], n = c.met + c.missed;
          return n ? (100 * c.met / n).toFixed(1) + "% (" + c.met + "/" + n + (c.pending ? ", " + c.pending + " pending" : "") + ")" : "—";
        }
      });
      d.push(cs.map(function (c) { var n = c.met + c.missed; return n ? 100 * c.met / n : null; }));
    });
    var h = 200;
    var u = new uPlot({
      width: width(el), height: h, series: sers,
      scales: { x: { time: false, range: [0.5, sevs.length + 0.5] }, y: { range: [0, 100] } },
      axes: [{ values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) && sevs[v - 1] ? sevs[v - 1] : ""; }); }, incrs: [1] },
             { label: "% met" }],
      cursor: { drag: { x: false, y: false } }
    }, d, el);
    var rows = document.querySelectorAll("table.sla tbody a");
    onClick(u, function (i) { if (rows[i]) { location.href = rows[i].getAttribute("href"); } });
    charts.push({ u: u, el: el, h: h });
  })();
})();
