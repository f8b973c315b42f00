// gcsight's HTML report: draws the page from the JSON blob that
// src/render/render_html.cpp embeds (the JSON report plus, per run, a `chart`
// object with the bounded series, scavenger points and table cycles).
//
// Per run: the findings (each links to its evidence, highlighted on every
// chart and in the table), the summary, four time charts on one x axis
// (seconds since the process started; zoom, pan and hover are shared between
// them), a pause histogram, and a per-cycle table that pages, sorts and
// filters. Everything is drawn with uPlot, inlined in the page; the page makes
// no request.
//
// When a chart point covers several cycles (long runs), the series carry the
// min and max of what the point covers: both are drawn, so a peak is never
// averaged away, and hovering shows the cycle range.
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("gcsight-data").textContent);
  const report = data.report;
  const app = document.getElementById("app");

  // ------------------------------------------------------------ formatting

  const MiB = 1048576;

  function fmtBytes(b) {
    if (b === null || b === undefined) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = b, u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return (u === 0 ? String(Math.round(v)) : v.toFixed(Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0)) + " " + units[u];
  }
  function fmtNs(ns) {
    if (ns === null || ns === undefined) return "–";
    const a = Math.abs(ns);
    if (a < 1e3) return ns + " ns";
    if (a < 1e6) return trim(ns / 1e3) + " µs";
    if (a < 1e9) return trim(ns / 1e6) + " ms";
    if (a < 120e9) return trim(ns / 1e9) + " s";
    if (a < 7200e9) return trim(ns / 60e9) + " min";
    return trim(ns / 3600e9) + " h";
  }
  function trim(v) {
    const a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  function fmtSec(s) {
    if (s === null || s === undefined) return "–";
    return fmtNs(s * 1e9);
  }
  function fmtPct(f) { return f === null || f === undefined ? "–" : (f * 100).toFixed(f < 0.1 ? 2 : 1) + "%"; }
  function fmtNum(v, d) { return v === null || v === undefined ? "–" : Number(v).toLocaleString("en-US", { maximumFractionDigits: d === undefined ? 2 : d }); }

  // A value of evidence, by its key's unit suffix (docs/json-schema.md).
  function fmtEvidence(key, v) {
    if (v === null) return "–";
    if (Array.isArray(v)) return v.join(", ");
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "string") return v;
    if (key.endsWith("_bytes")) return fmtBytes(v);
    if (key.endsWith("_ns")) return fmtNs(v);
    if (key.endsWith("_fraction") || key.endsWith("_share") || key === "share") return fmtPct(v);
    if (key.endsWith("_bytes_per_s")) return fmtBytes(v) + "/s";
    return fmtNum(v, 6);
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        if (k === "class") e.className = attrs[k];
        else if (k === "text") e.textContent = attrs[k];
        else if (k.startsWith("on")) e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, attrs[k]);
      }
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function dl(pairs) {
    const d = el("dl", { class: "facts" });
    for (const [k, v] of pairs) {
      if (v === null || v === undefined || v === "") continue;
      d.append(el("dt", { text: k }), el("dd", null, v));
    }
    return d;
  }

  // ------------------------------------------------------------ colours

  const C = {
    heapStart: "#9aa5b1", heapEnd: "#5b7fa6", live: "#1f6fd1", liveFill: "rgba(31,111,209,0.18)",
    goal: "#d9822b", stacks: "#7a5cc4", rss: "#c23030", released: "#2e9a5b", retained: "#b08a1e",
    pause: "#c23030", pauseMin: "#e59a9a", assist: "#c23030", background: "#1f6fd1", idle: "#9aa5b1",
    total: "#222", printed: "#d9822b", interval: "#5b7fa6", intervalMin: "#9cc0e6", rate: "#2e9a5b",
    marker: "rgba(80,80,80,0.55)", highlight: "rgba(255,196,0,0.28)", highlightLine: "rgba(214,140,0,0.95)",
  };
  const BREAKDOWN = [
    ["heap_live", "heap live", "#1f6fd1"],
    ["heap_new", "heap new", "#7fb0ea"],
    ["stacks_globals", "stacks+globals", "#7a5cc4"],
    ["retained", "retained by Go", "#d9822b"],
    ["lazy_free", "lazy free", "#e8c15a"],
    ["file", "file", "#9aa5b1"],
    ["other", "other", "#c9ced4"],
    // After the last cycle: the new heap and other memory, which the trace cannot split.
    ["heap_new_or_other", "heap new or other", "#e3b5b5"],
  ];

  // Evidence keys that are moments (other `_ns` keys are durations).
  const TIME_KEYS = new Set(["time_ns", "after_ns", "since_ns"]);

  // ------------------------------------------------------------ page

  const title = el("header", { class: "page-head" },
    el("h1", null, "gcsight report", data.title ? el("span", { class: "subtitle", text: data.title }) : null),
    el("p", { class: "muted" }, "gcsight " + report.tool.version + " · " + report.runs.length + " run" +
      (report.runs.length === 1 ? "" : "s") + " · charts: drag to zoom, Shift+drag to pan, Ctrl+wheel to zoom, " +
      "double-click to reset; click a legend entry to hide a series"));
  app.append(title);

  const proc = report.process;
  // The process's samples are on the launch clock; runs are on their process's
  // own clock (`@`). trace_start_ns is the first run's @0 on the launch clock.
  const procOffsetNs = proc && proc.trace_start_ns !== null && proc.trace_start_ns !== undefined ? proc.trace_start_ns : 0;

  app.append(metadataSection());
  if (proc) app.append(processSection());

  const runViews = [];
  report.runs.forEach((run, i) => {
    const v = runSection(run, i);
    runViews.push(v);
    app.append(v.section);
  });
  if (report.runs.length === 0) {
    app.append(el("section", { class: "run" }, el("h2", { text: "No gc cycles" }),
      el("p", { text: "The input has no gc lines: was the program run with GODEBUG=gctrace=1?" })));
    if (proc && proc.memory) {
      const box = el("div", { class: "chart" });
      app.lastChild.append(box);
      requestAnimationFrame(() => {
        const u = breakdownChart(box, null, 0);
        window.addEventListener("resize", () => u.setSize({ width: chartWidth(box.parentNode), height: u.height }));
      });
    }
  }
  app.append(parseSection());
  // For the browser test and for poking at the page from the console.
  window.gcsightReport = { data, runs: runViews };

  // ------------------------------------------------------------ metadata

  function metadataSection() {
    const s = el("section", { class: "meta" }, el("h2", { text: "What was analysed" }));
    if (proc) {
      const host = proc.host || {};
      s.append(dl([
        ["command", el("code", { text: proc.command.join(" ") })],
        ["Go version", proc.go_version || "unknown"],
        ["GODEBUG", proc.godebug], ["GOGC", proc.gogc || "default"], ["GOMEMLIMIT", proc.gomemlimit || "none"],
        ["GOMAXPROCS", proc.gomaxprocs || "default"],
        ["Go environment", proc.go_environment.length ? proc.go_environment.join(" ") : null],
        ["host", `${host.kernel} · ${host.cpus} CPUs · ${fmtBytes(host.memory_bytes)}`],
        ["exit status", String(proc.exit_status) + (proc.signaled ? ` (signal ${proc.signal})` : "")],
        ["duration", fmtNs(proc.duration_ns)],
        ["samples", `${proc.samples} every ${fmtNs(proc.interval_ns)}` + (proc.samples_missing ? ` (${proc.samples_missing} unreadable)` : "")],
        ["RSS peak", proc.rss_peak_bytes !== undefined ? `${fmtBytes(proc.rss_peak_bytes)} at ${fmtNs(proc.rss_peak_ns)}` : null],
        ["cgroup", proc.cgroup ? `v${proc.cgroup.version}, peak ${fmtBytes(proc.cgroup.peak_bytes)}` +
          (proc.cgroup.limit_bytes !== null ? `, limit ${fmtBytes(proc.cgroup.limit_bytes)}` : ", no limit") +
          (proc.cgroup.oom_kills ? `, ${proc.cgroup.oom_kills} OOM kills` : "") : null],
      ]));
    } else {
      const t = el("table", { class: "plain" }, el("tr", null, el("th", { text: "input" }), el("th", { text: "size" }),
        el("th", { text: "lines" }), el("th", { text: "log wrapper" })));
      report.inputs.forEach((inp, i) => t.append(el("tr", null, el("td", null, el("code", { text: inp.name })),
        el("td", { text: fmtBytes(inp.bytes) }), el("td", { text: fmtNum(inp.lines, 0) }),
        el("td", { text: report.parse.wrappers[i] || "" }),
        inp.error ? el("td", { class: "bad", text: inp.error }) : null)));
      s.append(t);
    }
    return s;
  }

  function processSection() {
    const s = el("section", { class: "process" }, el("h2", { text: "Process memory" }));
    if (proc.findings.length) {
      s.append(findingsList(proc.findings, (f, link) => {
        const target = runViews[0];
        if (target) target.highlight(evidenceHighlight(f, true), link);
      }));
    } else {
      s.append(el("p", { class: "muted", text: "No memory findings." }));
    }
    if (proc.memory) {
      const m = proc.memory;
      s.append(dl([
        ["at the peak", breakdownText(m.at_peak)],
        ["at the end", breakdownText(m.at_end)],
        ["samples drawn", m.points.length < m.samples_kept ? `${m.points.length} of ${m.samples_kept} kept (the highest RSS of each stretch)` : null],
      ]));
      if (report.runs.length > 0) {
        s.append(el("p", { class: "muted", text: "RSS and its parts are drawn under run 1's memory chart, on that run's clock" +
          (proc.trace_start_ns === null ? " (the trace had no timed cycle, so the clocks are taken to coincide)." :
            ` (the process started ${fmtNs(proc.trace_start_ns)} after launch).`) }));
      }
    }
    return s;
  }

  function breakdownText(b) {
    if (!b) return null;
    return `RSS ${fmtBytes(b.rss)} at ${fmtNs(b.t_ns)}: ` +
      BREAKDOWN.map(([k, label]) => `${label} ${fmtBytes(b[k])}`).join(", ");
  }

  function parseSection() {
    const p = report.parse;
    const s = el("section", { class: "parse" }, el("h2", { text: "What was read" }));
    s.append(dl([
      ["lines", fmtNum(p.lines, 0) + " (" + fmtBytes(p.bytes) + ")"],
      ["gc lines", fmtNum(p.gc_lines, 0)], ["scavenger lines", fmtNum(p.scavenger_lines, 0)],
      ["GC forced lines", fmtNum(p.gc_forced_lines, 0)], ["program lines", fmtNum(p.program_lines, 0)],
      ["stitched lines", fmtNum(p.stitched_lines, 0)], ["unreadable runtime lines", fmtNum(p.malformed_lines, 0)],
    ]));
    if (p.first_malformed.length) {
      const ul = el("ul", { class: "malformed" });
      for (const m of p.first_malformed) ul.append(el("li", null, `${m.input}:${m.line}:${m.column}: ${m.reason}: `, el("code", { text: m.text })));
      s.append(ul);
    }
    return s;
  }

  // ------------------------------------------------------------ findings

  function findingsList(findings, onShow) {
    const ol = el("ol", { class: "findings" });
    findings.forEach((f, i) => {
      const ev = el("dl", { class: "evidence" });
      for (const k of Object.keys(f.evidence)) ev.append(el("dt", { text: k }), el("dd", { text: fmtEvidence(k, f.evidence[k]) }));
      const li = el("li", { class: "finding sev-" + f.severity, "data-code": f.code });
      const head = el("div", { class: "finding-head" },
        el("span", { class: "badge " + f.severity, text: f.severity }),
        el("strong", { text: f.title }), el("code", { class: "code", text: f.code }));
      li.append(head, el("p", { text: f.explanation }));
      if (f.advice) li.append(el("p", { class: "advice" }, el("b", { text: "Advice: " }), f.advice));
      const h = evidenceHighlight(f, false);
      if (h.gcs.length || h.gcRanges.length || h.times.length || h.timeRanges.length) {
        const link = el("a", { href: "#", class: "show-evidence", "data-finding": String(i), text: "show on the charts" });
        link.addEventListener("click", (e) => { e.preventDefault(); onShow(f, link); });
        head.append(link);
      }
      li.append(el("details", null, el("summary", { text: "evidence" }), ev));
      ol.append(li);
    });
    return ol;
  }

  // What a finding's evidence points at: cycle numbers and times (see
  // src/core/findings.cpp and memory_model.cpp for the keys). Times of the
  // process findings are on the launch clock and are moved to the run's.
  function evidenceHighlight(f, launchClock) {
    const ev = f.evidence;
    const h = { gcs: [], gcRanges: [], times: [], timeRanges: [], label: f.title };
    const shift = launchClock ? -procOffsetNs : 0;
    for (const k of Object.keys(ev)) {
      const v = ev[k];
      const isGcKey = k === "gc" || k === "gcs" || k.endsWith("_gc") || k.endsWith("_gcs") || k === "cycles" ||
        k === "last_gc_before_fall";
      if (isGcKey && k !== "cycles" && Number.isInteger(v) && v > 0) {
        if (k === "since_gc") h.gcRanges.push([v, Infinity]);
        else if (k !== "from_gc" && k !== "to_gc") h.gcs.push(v);
      }
      if (isGcKey && Array.isArray(v)) for (const g of v) if (Number.isInteger(g)) h.gcs.push(g);
      if (typeof v === "number" && (TIME_KEYS.has(k) || k.endsWith("_at_ns")) && v >= 0) h.times.push(v + shift);
    }
    if (Number.isInteger(ev.from_gc) && Number.isInteger(ev.to_gc)) h.gcRanges.push([ev.from_gc, ev.to_gc]);
    if (typeof ev.from_ns === "number" && typeof ev.to_ns === "number") h.timeRanges.push([ev.from_ns + shift, ev.to_ns + shift]);
    if (typeof ev.since_ns === "number" && Number.isInteger(ev.since_gc)) h.times = h.times.filter((t) => t !== ev.since_ns + shift);
    // Two keys may name the same cycle (long-pauses: max_gc is also the first of longest_gc).
    h.gcs = [...new Set(h.gcs)];
    return h;
  }

  // ------------------------------------------------------------ a run

  function runSection(run, runIdx) {
    const sum = run.summary;
    const ch = run.chart;
    const P = ch.points;
    const n = P.gc_first.length;
    const merged = ch.cycles_per_point > 1;
    const section = el("section", { class: "run", id: "run-" + run.index, "data-run": String(run.index) });
    section.append(el("h2", null, `Run ${run.index}`, el("span", { class: "subtitle", text:
      `${fmtNum(sum.cycles, 0)} cycles (gc ${sum.first_gc}–${sum.last_gc})${sum.duration_ns === null ? "" : " over " + fmtNs(sum.duration_ns)} · ${sum.shape}` +
      (run.inputs.length ? " · " + run.inputs.join(", ") : "") })));

    // The state the charts and the table draw from.
    const view = { section, charts: [], histogram: null, hl: null, activeLink: null, table: null, highlight };

    section.append(el("h3", { text: "Findings" }));
    if (run.findings.length) section.append(findingsList(run.findings, (f, link) => highlight(evidenceHighlight(f, false), link)));
    else section.append(el("p", { class: "muted", text: "No findings." }));
    const hlBar = el("div", { class: "hl-bar", hidden: "" });
    section.append(hlBar);

    section.append(el("h3", { text: "Summary" }), summaryBlock(sum));
    if (run.notes.length) section.append(el("ul", { class: "notes" }, ...run.notes.map((t) => el("li", { text: t }))));

    // x of each point: the start of its first cycle, in seconds.
    const xs = P.t_first_ns.map((t) => t / 1e9);
    const gcLabel = (i) => P.gc_first[i] === P.gc_last[i] ? `gc ${P.gc_first[i]}` : `gc ${P.gc_first[i]}–${P.gc_last[i]} (${P.cycles[i]} cycles)`;
    // Labels without the log package's date and time prefix (the x axis has the time).
    const markers = run.markers.filter((m) => m.time_ns !== null).map((m) => ({ t: m.time_ns / 1e9,
      text: m.text.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(\.\d+)? /, "") || m.text }));

    // Time of a cycle: of the point that covers it.
    function gcTime(g) {
      let lo = 0, hi = n - 1;
      if (n === 0) return null;
      if (g <= P.gc_first[0]) return xs[0];
      if (g >= P.gc_last[n - 1]) return P.t_last_ns[n - 1] / 1e9;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (P.gc_last[mid] < g) lo = mid + 1; else hi = mid;
      }
      if (P.gc_first[lo] === g || P.cycles[lo] <= 1) return xs[lo];
      // Inside a merged point: spread its cycles evenly over its time span.
      const f = (g - P.gc_first[lo]) / Math.max(1, P.gc_last[lo] - P.gc_first[lo]);
      return (P.t_first_ns[lo] + f * (P.t_last_ns[lo] - P.t_first_ns[lo])) / 1e9;
    }

    const chartsBox = el("div", { class: "charts" });
    section.append(el("h3", null, "Charts", el("button", { class: "reset", type: "button", text: "reset zoom", onclick: () => resetZoom() })), chartsBox);
    if (merged) chartsBox.append(el("p", { class: "muted", text:
      `Each chart point covers ${ch.cycles_per_point} consecutive cycles and draws their minimum and maximum; hover shows the cycle range.` }));
    if (n === 0) chartsBox.append(el("p", { class: "muted", text: "No cycles with a time to draw." }));

    const boxes = {};
    function box(name, heading, note) {
      const b = el("div", { class: "chart", "data-chart": name });
      chartsBox.append(el("h4", { text: heading }));
      if (note) chartsBox.append(el("p", { class: "muted chart-note", text: note }));
      chartsBox.append(b);
      boxes[name] = b;
      return b;
    }
    const procHere = proc && proc.memory && runIdx === 0;
    if (n > 0) {
      box("memory", "Memory over time", "Heap figures are per cycle (MiB as the runtime printed them)" +
        (merged ? "; the band is the live heap's min..max" : "") +
        (procHere ? "; RSS is sampled from /proc" : "") + "; dashed lines are the program's own log lines.");
      if (procHere) box("rss", "RSS and its parts", "What the process's resident memory holds, stacked; see docs/findings.md for each part's source.");
      box("pauses", "Stop-the-world pauses per cycle", `Sweep termination + mark termination, log scale; the lines are p50/p90/p99 over all ${fmtNum(sum.stw_pause_ns.count, 0)} cycles.`);
      box("histogram", "Pause histogram", null);
      box("cpu", "GC CPU over time", "Windowed: CPU of each chart point's cycles over its wall time × GOMAXPROCS (assist + background + the two STW phases; idle shown apart). As printed: the runtime's cumulative %.");
      box("interval", "Cycle interval and rate", "Time from one cycle's start to the next (log scale) and cycles per minute.");
    }

    // The table.
    section.append(el("h3", { text: "Cycles" }));
    view.table = cycleTable(section, run, view);

    // Charts are made once the section is in the page (they need its width).
    requestAnimationFrame(() => {
      if (n === 0) return;
      const sync = uPlot.sync("run-" + run.index);
      const common = (extra) => Object.assign({
        width: chartWidth(chartsBox), height: 260,
        cursor: { sync: { key: sync.key, setSeries: false }, drag: { x: true, y: false, setScale: true } },
        legend: { live: true },
        plugins: [panZoomPlugin(view), highlightPlugin(view, gcTime), markerPlugin(markers)],
      }, extra);
      view.charts.push(memoryChart(boxes.memory, common));
      if (procHere) view.charts.push(breakdownChart(boxes.rss, common, procOffsetNs, markers));
      view.charts.push(pauseChart(boxes.pauses, common));
      histogramChart(boxes.histogram);
      view.charts.push(cpuChart(boxes.cpu, common));
      view.charts.push(intervalChart(boxes.interval, common));
      // One x range for all: the memory chart's samples may outlast the cycles.
      let lo = Infinity, hi = -Infinity;
      for (const u of view.charts) {
        const x = u.data[0];
        if (x.length) { lo = Math.min(lo, x[0]); hi = Math.max(hi, x[x.length - 1]); }
      }
      if (!(hi > lo)) { lo -= 1; hi += 1; }
      view.xRange = [lo, hi];
      for (const u of view.charts) u.setScale("x", { min: view.xRange[0], max: view.xRange[1] });
      section.dataset.ready = "1";
    });
    window.addEventListener("resize", () => {
      const width = chartWidth(chartsBox);
      for (const u of view.histogram ? view.charts.concat(view.histogram) : view.charts) u.setSize({ width, height: u.height });
    });

    function resetZoom() {
      if (view.xRange) for (const u of view.charts) u.setScale("x", { min: view.xRange[0], max: view.xRange[1] });
    }

    // A finding's evidence on the charts and in the table.
    function highlight(h, link) {
      if (view.activeLink) view.activeLink.closest(".finding").classList.remove("active");
      const same = view.activeLink === link;
      view.activeLink = same ? null : link;
      view.hl = same ? null : h;
      if (view.hl) {
        link.closest(".finding").classList.add("active");
        const parts = [];
        if (h.gcs.length) parts.push("cycle" + (h.gcs.length > 1 ? "s " : " ") + h.gcs.slice(0, 12).join(", ") + (h.gcs.length > 12 ? "…" : ""));
        for (const [a, b] of h.gcRanges) parts.push(`cycles ${a}–${b === Infinity ? sum.last_gc : b}`);
        for (const t of h.times) parts.push(`at ${fmtNs(t)}`);
        for (const [a, b] of h.timeRanges) parts.push(`from ${fmtNs(a)} to ${fmtNs(b)}`);
        hlBar.replaceChildren(el("span", { text: "Highlighted: " + h.label + " — " + parts.join("; ") }),
          el("button", { type: "button", text: "clear", onclick: () => highlight(null, view.activeLink) }));
        hlBar.hidden = false;
        section.dataset.highlight = String(h.gcs.length + h.gcRanges.length + h.times.length + h.timeRanges.length);
      } else {
        hlBar.hidden = true;
        delete section.dataset.highlight;
      }
      for (const u of view.charts) u.redraw(false);
      if (view.table) view.table.refresh();
      if (view.hl && boxes.memory) boxes.memory.scrollIntoView({ behavior: "instant", block: "center" });
    }

    // ---------------------------------------------------------- charts

    function seriesX(label) {
      return { label, value: (u, v, si, idx) => idx === null || idx === undefined ? "–" : rowLabel(u, idx) };
    }
    function rowLabel(u, idx) {
      const meta = u._rows;
      const t = u.data[0][idx];
      if (!meta) return `${gcLabel(idx)} @ ${fmtSec(t)}`;
      const r = meta[idx];
      if (r.src === "gc") return `${gcLabel(r.i)} @ ${fmtSec(t)}`;
      if (r.src === "scav") return `scavenger after gc ${ch.scavenger.after_gc[r.i]} @ ${fmtSec(t)}`;
      return `sample @ ${fmtSec(t)}`;
    }
    // A log scale from the power of ten below the smallest value to the one above the largest.
    const logRange = (cols) => () => {
      let lo = Infinity, hi = -Infinity;
      for (const c of cols) for (const v of c) if (v !== null && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      if (!(hi >= lo)) return [0.1, 10];
      return [Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi) + 1e-9))];
    };
    // Log axes: a label at each power of ten only, so they do not crowd.
    const logValues = (f) => (u, splits) => splits.map((v) => (Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-6 ? f(v) : ""));
    const bytesAxis = { values: (u, splits) => splits.map((v) => fmtBytes(v)), size: 70 };
    const secAxis = { values: (u, splits) => splits.map((v) => fmtSec(v)) };
    const bytesVal = (u, v) => (v === null || v === undefined ? "–" : fmtBytes(v));

    function memoryChart(target, common) {
      // Rows: the gc points, the scavenger points and (run 1 under `run`) the
      // RSS samples, merged by time; each series has values on its own rows and
      // spanGaps joins them.
      const rows = [];
      for (let i = 0; i < n; i++) rows.push({ t: xs[i], src: "gc", i });
      const S = ch.scavenger;
      const haveScav = S.t_ns.some((t, i) => t !== null && (S.released_now_max[i] > 0 || S.retained_max[i] > 0));
      if (haveScav) S.t_ns.forEach((t, i) => { if (t !== null) rows.push({ t: t / 1e9, src: "scav", i }); });
      const M = procHere ? proc.memory.points : null;
      if (M) M.forEach((r, i) => rows.push({ t: (r[0] - procOffsetNs) / 1e9, src: "rss", i }));
      rows.sort((a, b) => a.t - b.t || (a.src < b.src ? -1 : 1));
      const col = (src, f) => rows.map((r) => (r.src === src ? f(r.i) : null));
      const zeroNull = (v) => (v > 0 ? v : null);
      const series = [seriesX("cycle")];
      const cols = [rows.map((r) => r.t)];
      // Heap figures hold from one cycle to the next: drawn as steps, not slopes.
      const stepped = uPlot.paths.stepped({ align: 1 });
      const add = (s, c) => { series.push(Object.assign({ spanGaps: true, width: 1.5, value: bytesVal, paths: stepped }, s)); cols.push(c); };
      add({ label: "heap at start", stroke: C.heapStart }, col("gc", (i) => P.heap_start_max[i]));
      add({ label: "heap after mark", stroke: C.heapEnd }, col("gc", (i) => P.heap_end_max[i]));
      add({ label: merged ? "live heap (max)" : "live heap", stroke: C.live, width: 2 }, col("gc", (i) => P.live_max[i]));
      const liveIdx = series.length - 1;
      if (merged) add({ label: "live heap (min)", stroke: C.live, dash: [4, 3], width: 1 }, col("gc", (i) => P.live_min[i]));
      add({ label: "goal", stroke: C.goal, dash: [6, 4] }, col("gc", (i) => zeroNull(P.goal_max[i])));
      if (P.stacks_globals_max.some((v) => v > 0)) add({ label: "stacks+globals", stroke: C.stacks }, col("gc", (i) => P.stacks_globals_max[i]));
      if (haveScav) {
        if (S.released_now_max.some((v) => v > 0)) add({ label: "released to OS", stroke: C.released, width: 1 }, col("scav", (i) => zeroNull(S.released_now_max[i])));
        if (S.retained_max.some((v) => v > 0)) add({ label: "retained (consumed)", stroke: C.retained }, col("scav", (i) => zeroNull(S.retained_max[i])));
      }
      if (M) add({ label: "RSS", stroke: C.rss, width: 2, paths: uPlot.paths.linear() }, col("rss", (i) => M[i][1]));
      const opts = common({
        series, scales: { x: { time: false } }, axes: [secAxis, bytesAxis],
        bands: merged ? [{ series: [liveIdx, liveIdx + 1], fill: C.liveFill }] : [],
      });
      const u = new uPlot(opts, cols, target);
      u._rows = rows;
      return u;
    }

    function pauseChart(target, common) {
      const ms = (v) => (v > 0 ? v / 1e6 : null);
      const series = [seriesX("cycle"),
        { label: merged ? "longest pause" : "pause", stroke: C.pause, width: 1, paths: () => null, points: { show: true, size: 5, fill: C.pause }, value: (u, v) => (v === null ? "–" : fmtNs(v * 1e6)) }];
      const cols = [xs, P.pause_max_ns.map(ms)];
      if (merged) {
        series.push({ label: "shortest pause", stroke: C.pauseMin, width: 1, paths: () => null, points: { show: true, size: 3, fill: C.pauseMin }, value: (u, v) => (v === null ? "–" : fmtNs(v * 1e6)) });
        cols.push(P.pause_min_ns.map(ms));
      }
      const d = sum.stw_pause_ns;
      const lines = percentileLines(d);
      const opts = common({
        series, scales: { x: { time: false }, y: { distr: 3, log: 10, range: logRange(cols.slice(1)) } },
        axes: [secAxis, { values: logValues((v) => fmtNs(v * 1e6)), size: 70 }],
      });
      opts.plugins.push(hLinesPlugin(lines.map(([l, v]) => ({ y: v / 1e6, label: `${l} ${fmtNs(v)}` }))));
      return new uPlot(opts, cols, target);
    }

    function cpuChart(target, common) {
      const pct = (i, v) => (P.capacity_ns[i] > 0 ? (100 * v) / P.capacity_ns[i] : null);
      const pv = (u, v) => (v === null || v === undefined ? "–" : v.toFixed(v < 1 ? 2 : 1) + "%");
      const series = [seriesX("cycle"),
        { label: "GC CPU (windowed)", stroke: C.total, width: 1.5, value: pv },
        { label: "assist", stroke: C.assist, width: 1, value: pv },
        { label: "background", stroke: C.background, width: 1, value: pv },
        { label: "idle", stroke: C.idle, width: 1, dash: [3, 3], value: pv },
        { label: "as printed (cumulative)", stroke: C.printed, width: 2, value: (u, v) => (v === null ? "–" : v + "%") }];
      const cols = [xs,
        xs.map((_, i) => pct(i, P.cpu_sweep_term_ns[i] + P.cpu_assist_ns[i] + P.cpu_background_ns[i] + P.cpu_mark_term_ns[i])),
        xs.map((_, i) => pct(i, P.cpu_assist_ns[i])),
        xs.map((_, i) => pct(i, P.cpu_background_ns[i])),
        xs.map((_, i) => pct(i, P.cpu_idle_ns[i])),
        P.util_pct_last.slice()];
      const opts = common({
        series, scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(5, Math.min(100, Math.ceil(max * 1.1)))] } },
        axes: [secAxis, { values: (u, splits) => splits.map((v) => v + "%") }],
      });
      return new uPlot(opts, cols, target);
    }

    function intervalChart(target, common) {
      const secs = (v) => (v !== null && v > 0 ? v / 1e9 : null);
      // Cycles per minute over a sliding window of 1/50 of the run (at least
      // one second, or a fifth of a run shorter than five): per-cycle rates
      // swing too much to read.
      const span = n > 1 ? xs[n - 1] - xs[0] : 0;
      const win = span >= 5 ? Math.max(1, span / 50) : Math.max(span / 5, 1e-3);
      let from = 0, inWin = 0;
      const rate = xs.map((t, i) => {
        inWin += P.cycles[i];
        while (xs[from] <= t - win) inWin -= P.cycles[from++];
        return t - xs[0] >= win * 0.999 ? (inWin * 60) / win : null;
      });
      const sv = (u, v) => (v === null || v === undefined ? "–" : fmtSec(v));
      const series = [seriesX("cycle"),
        { label: merged ? "interval (max)" : "interval", stroke: C.interval, width: 1, value: sv, paths: () => null, points: { show: true, size: 5, fill: C.interval } }];
      const cols = [xs, P.interval_max_ns.map(secs)];
      if (merged) {
        series.push({ label: "interval (min)", stroke: C.intervalMin, width: 1, value: sv, paths: () => null, points: { show: true, size: 3, fill: C.intervalMin } });
        cols.push(P.interval_min_ns.map(secs));
      }
      series.push({ label: `cycles per minute (over ${fmtSec(win)})`, stroke: C.rate, width: 1.5, scale: "rate", spanGaps: true,
        value: (u, v) => (v === null || v === undefined ? "–" : fmtNum(v, 1)) });
      cols.push(rate);
      const opts = common({
        series, scales: { x: { time: false }, y: { distr: 3, log: 10, range: logRange(cols.slice(1, -1)) }, rate: { range: (u, min, max) => [0, max * 1.1] } },
        axes: [secAxis, { values: logValues(fmtSec), size: 70 },
          { scale: "rate", side: 1, grid: { show: false }, values: (u, splits) => splits.map((v) => fmtNum(v, 1) + "/min"), size: 70 }],
      });
      return new uPlot(opts, cols, target);
    }

    function histogramChart(target) {
      // From the cycle table: every cycle when it has them all; otherwise its
      // even sample plus the cycles around findings and extremes (the chart
      // points hold only each stretch's min and max, which would say little
      // about the typical pause).
      const k = ch.table.columns.indexOf("stw_pause_ns");
      const values = ch.table.rows.map((r) => r[k]);
      const source = ch.table.complete ? `all ${fmtNum(values.length, 0)} cycles (the cycle table)` :
        `the ${fmtNum(values.length, 0)} cycles of the table: an even sample plus the cycles around findings and extremes, so the long end is over-represented; the percentile lines are exact over all ${fmtNum(sum.stw_pause_ns.count, 0)} cycles`;
      target.before(el("p", { class: "muted chart-note", text: "Built from " + source + ". Log-spaced bins." }));
      // Bins are on log10 of the pause in ms.
      const pos = values.filter((v) => v > 0).map((v) => v / 1e6);
      if (pos.length === 0) { target.append(el("p", { class: "muted", text: "No pauses to draw." })); return null; }
      const lo = Math.floor(Math.log10(pos.reduce((a, b) => Math.min(a, b))) * 4) / 4;
      const hi = Math.ceil(Math.log10(pos.reduce((a, b) => Math.max(a, b))) * 4 + 1e-9) / 4;
      const bins = Math.max(1, Math.round((hi - lo) * 8));
      const w = (hi - lo) / bins || 0.125;
      const xsH = [], counts = new Array(bins).fill(0);
      for (let b = 0; b < bins; b++) xsH.push(lo + (b + 0.5) * w);
      for (const v of pos) counts[Math.min(bins - 1, Math.max(0, Math.floor((Math.log10(v) - lo) / w)))]++;
      const d = sum.stw_pause_ns;
      const lines = percentileLines(d);
      const opts = {
        width: chartWidth(chartsBox), height: 220,
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false, range: [lo - w, hi + w] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
        series: [
          { label: "pause", value: (u, v, si, idx) => (idx === null || idx === undefined ? "–" :
            `${fmtNs(Math.pow(10, xsH[idx] - w / 2) * 1e6)}–${fmtNs(Math.pow(10, xsH[idx] + w / 2) * 1e6)}`) },
          { label: "count", stroke: C.pause, fill: "rgba(194,48,48,0.35)", paths: uPlot.paths.bars({ size: [0.95, 100] }), points: { show: false } },
        ],
        axes: [{ values: (u, splits) => splits.map((v) => fmtNs(Math.pow(10, v) * 1e6)) }, {}],
        plugins: [vLinesPlugin(lines.map(([l, v]) => ({ x: Math.log10(v / 1e6), label: `${l} ${fmtNs(v)}` })))],
      };
      const u = new uPlot(opts, [xsH, counts], target);
      view.histogram = u;
      return u;
    }

    return view;
  }

  // RSS and its parts, stacked; x on the run's clock (launch time - offset).
  function breakdownChart(target, common, offsetNs, markers) {
    const M = proc.memory.points;
    const cols = proc.memory.columns;
    const xsR = M.map((r) => (r[0] - offsetNs) / 1e9);
    const idx = (name) => cols.indexOf(name);
    const series = [{ label: "sample", value: (u, v) => (v === null || v === undefined ? "–" : "@ " + fmtSec(v)) }];
    const data = [xsR];
    // Stacked: series k is the sum of parts 0..k; drawn top part first so the
    // lower ones paint over it. The legend shows each part's own value.
    // A report without a part's column (an older one) has none of it.
    const parts = BREAKDOWN.map(([k]) => M.map((r) => (idx(k) >= 0 ? r[idx(k)] : 0)));
    const cum = [];
    let acc = M.map(() => 0);
    for (const p of parts) { acc = acc.map((a, i) => a + p[i]); cum.push(acc); }
    for (let k = BREAKDOWN.length - 1; k >= 0; k--) {
      const [, label, color] = BREAKDOWN[k];
      const part = parts[k];
      series.push({ label, stroke: color, fill: color, width: 0.5,
        value: (u, v, si, i) => (i === null || i === undefined ? "–" : fmtBytes(part[i])) });
      data.push(cum[k]);
    }
    series.push({ label: "RSS", stroke: C.rss, width: 2, value: bytesValGlobal });
    data.push(M.map((r) => r[idx("rss")]));
    const extraLines = [];
    if (proc.gomemlimit_bytes) extraLines.push({ y: proc.gomemlimit_bytes, label: "GOMEMLIMIT " + fmtBytes(proc.gomemlimit_bytes) });
    if (proc.cgroup && proc.cgroup.limit_bytes) extraLines.push({ y: proc.cgroup.limit_bytes, label: "cgroup limit " + fmtBytes(proc.cgroup.limit_bytes) });
    const base = {
      series, scales: { x: { time: false } },
      axes: [{ values: (u, splits) => splits.map((v) => fmtSec(v)) }, { values: (u, splits) => splits.map((v) => fmtBytes(v)), size: 70 }],
    };
    let opts;
    if (common) opts = common(base);
    else opts = Object.assign({ width: chartWidth(target.parentNode), height: 260, plugins: [] }, base);
    if (extraLines.length) opts.plugins.push(hLinesPlugin(extraLines));
    return new uPlot(opts, data, target);
  }
  function bytesValGlobal(u, v) { return v === null || v === undefined ? "–" : fmtBytes(v); }

  // The width of the charts' box: a phone's too (below 240 px the box scrolls; report.css).
  function chartWidth(container) { return Math.max(240, Math.min(1400, (container.clientWidth || 900) - 4)); }

  // ------------------------------------------------------------ chart plugins

  // Shift+drag or middle-drag pans, Ctrl+wheel zooms; every chart of the run follows.
  function panZoomPlugin(view) {
    let syncing = false;
    return {
      hooks: {
        ready: (u) => {
          const over = u.over;
          over.addEventListener("mousedown", (e) => {
            if (!(e.shiftKey || e.button === 1)) return;
            e.preventDefault();
            e.stopImmediatePropagation();
            const x0 = e.clientX, { min, max } = u.scales.x, w = over.clientWidth;
            const move = (ev) => {
              const d = ((ev.clientX - x0) / w) * (max - min);
              u.setScale("x", { min: min - d, max: max - d });
            };
            const up = () => { document.removeEventListener("mousemove", move); document.removeEventListener("mouseup", up); };
            document.addEventListener("mousemove", move);
            document.addEventListener("mouseup", up);
          }, true);
          over.addEventListener("wheel", (e) => {
            if (!(e.ctrlKey || e.metaKey)) return;
            e.preventDefault();
            const rect = over.getBoundingClientRect();
            const at = u.posToVal(e.clientX - rect.left, "x");
            const { min, max } = u.scales.x;
            const f = e.deltaY < 0 ? 0.75 : 1 / 0.75;
            u.setScale("x", { min: at - (at - min) * f, max: at + (max - at) * f });
          }, { passive: false });
          over.addEventListener("dblclick", () => {
            if (view.xRange) for (const c of view.charts) c.setScale("x", { min: view.xRange[0], max: view.xRange[1] });
          });
        },
        setScale: (u, key) => {
          if (key !== "x" || syncing || !view.xRange) return;
          syncing = true;
          for (const c of view.charts) {
            if (c !== u && (c.scales.x.min !== u.scales.x.min || c.scales.x.max !== u.scales.x.max)) {
              c.setScale("x", { min: u.scales.x.min, max: u.scales.x.max });
            }
          }
          syncing = false;
        },
      },
    };
  }

  // The highlighted evidence: bands behind the series, lines over them.
  function highlightPlugin(view, gcTime) {
    function spans(h) {
      const out = [];
      for (const [a, b] of h.gcRanges) out.push([gcTime(a), gcTime(b === Infinity ? Number.MAX_SAFE_INTEGER : b)]);
      for (const [a, b] of h.timeRanges) out.push([a / 1e9, b / 1e9]);
      return out;
    }
    function points(h) { return h.gcs.map(gcTime).concat(h.times.map((t) => t / 1e9)); }
    return {
      hooks: {
        drawClear: (u) => {
          if (!view.hl) return;
          const ctx = u.ctx, { top, height } = u.bbox;
          ctx.save();
          ctx.fillStyle = C.highlight;
          for (const [a, b] of spans(view.hl)) {
            if (a === null || b === null) continue;
            const x0 = u.valToPos(a, "x", true), x1 = u.valToPos(b, "x", true);
            ctx.fillRect(Math.min(x0, x1), top, Math.max(3, Math.abs(x1 - x0)), height);
          }
          // A narrow band around each point, so it shows even at full zoom-out.
          for (const t of points(view.hl)) {
            if (t === null) continue;
            const x = u.valToPos(t, "x", true);
            ctx.fillRect(x - 6 * devicePixelRatio, top, 12 * devicePixelRatio, height);
          }
          ctx.restore();
        },
        draw: (u) => {
          if (!view.hl) return;
          const ctx = u.ctx, { top, height } = u.bbox;
          ctx.save();
          ctx.strokeStyle = C.highlightLine;
          ctx.lineWidth = 2 * devicePixelRatio;
          for (const t of points(view.hl)) {
            if (t === null) continue;
            const x = Math.round(u.valToPos(t, "x", true));
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
          }
          ctx.restore();
        },
      },
    };
  }

  // The program's log lines as labelled dashed lines.
  function markerPlugin(markers) {
    return {
      hooks: {
        draw: (u) => {
          if (!markers.length) return;
          const ctx = u.ctx, { left, top, width, height } = u.bbox, dpr = devicePixelRatio;
          ctx.save();
          ctx.strokeStyle = C.marker;
          ctx.fillStyle = "#333";
          ctx.setLineDash([4 * dpr, 4 * dpr]);
          ctx.lineWidth = dpr;
          ctx.font = `${11 * dpr}px system-ui, sans-serif`;
          ctx.textAlign = "left";
          ctx.textBaseline = "alphabetic";
          // Each label goes on the first of three rows where it does not
          // overlap the one before; with no room it is left out (the line stays).
          const rowEnd = [-Infinity, -Infinity, -Infinity];
          for (const m of markers) {
            const x = Math.round(u.valToPos(m.t, "x", true));
            if (x < left || x > left + width) continue;
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
            const text = m.text.length > 40 ? m.text.slice(0, 39) + "…" : m.text;
            const tw = ctx.measureText(text).width;
            const lx = Math.max(left, Math.min(x + 3 * dpr, left + width - tw - 2 * dpr));
            const row = rowEnd.findIndex((end) => lx >= end + 6 * dpr);
            if (row < 0) continue;
            rowEnd[row] = lx + tw;
            ctx.fillStyle = "rgba(255,255,255,0.8)";
            ctx.fillRect(lx - dpr, top + (2 + row * 13) * dpr, tw + 2 * dpr, 12 * dpr);
            ctx.fillStyle = "#333";
            ctx.fillText(text, lx, top + (12 + row * 13) * dpr);
          }
          ctx.restore();
        },
      },
    };
  }

  function hLinesPlugin(lines) {
    return {
      hooks: {
        draw: (u) => {
          const ctx = u.ctx, { left, top, width, height } = u.bbox, dpr = devicePixelRatio;
          ctx.save();
          ctx.font = `${10 * dpr}px system-ui, sans-serif`;
          ctx.textAlign = "left";
          ctx.textBaseline = "alphabetic";
          ctx.setLineDash([2 * dpr, 3 * dpr]);
          ctx.strokeStyle = "rgba(60,60,60,0.7)";
          ctx.fillStyle = "#444";
          for (const l of lines) {
            const y = Math.round(u.valToPos(l.y, "y", true));
            if (y < top || y > top + height) continue;
            ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + width, y); ctx.stroke();
            ctx.fillText(l.label, left + width - ctx.measureText(l.label).width - 4 * dpr, y - 3 * dpr);
          }
          ctx.restore();
        },
      },
    };
  }

  function vLinesPlugin(lines) {
    return {
      hooks: {
        draw: (u) => {
          const ctx = u.ctx, { top, height } = u.bbox, dpr = devicePixelRatio;
          ctx.save();
          ctx.font = `${10 * dpr}px system-ui, sans-serif`;
          ctx.textAlign = "left";
          ctx.textBaseline = "alphabetic";
          ctx.strokeStyle = "rgba(40,40,40,0.8)";
          ctx.fillStyle = "#333";
          ctx.setLineDash([3 * dpr, 3 * dpr]);
          lines.forEach((l, i) => {
            const x = Math.round(u.valToPos(l.x, "x", true));
            ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
            ctx.fillText(l.label, x + 3 * dpr, top + (12 + (i % 4) * 12) * dpr);
          });
          ctx.restore();
        },
      },
    };
  }

  // p50/p90/p99/max, those with the same value under one label ("p99 = max 2.7 ms").
  function percentileLines(d) {
    const out = [];
    for (const [l, v] of [["p50", d.p50], ["p90", d.p90], ["p99", d.p99], ["max", d.max]]) {
      if (!(v > 0)) continue;
      if (out.length && out[out.length - 1][1] === v) out[out.length - 1][0] += " = " + l;
      else out.push([l, v]);
    }
    return out;
  }

  // ------------------------------------------------------------ summary

  function summaryBlock(s) {
    const cpu = s.gc_cpu;
    const pause = s.stw_pause_ns;
    const card = (k, v, sub) => el("div", { class: "card" }, el("div", { class: "k", text: k }), el("div", { class: "v", text: v }), sub ? el("div", { class: "sub", text: sub }) : null);
    const mml = (m) => (m ? `${fmtBytes(m.min)} – ${fmtBytes(m.max)}` : "–");
    return el("div", { class: "cards" },
      card("cycles", fmtNum(s.cycles, 0), `${s.cycles_per_minute === null ? "rate not known" : fmtNum(s.cycles_per_minute, 1) + "/min"} · ${s.user_forced_cycles} forced · ${s.periodic_cycles} periodic`),
      card("duration", fmtNs(s.duration_ns), `from ${fmtNs(s.start_ns)} to ${fmtNs(s.end_ns)}`),
      card("STW pause p50 / p99", `${fmtNs(pause.p50)} / ${fmtNs(pause.p99)}`, `p90 ${fmtNs(pause.p90)} · max ${fmtNs(pause.max)} (gc ${pause.max_gc}) · total ${fmtNs(pause.total)}`),
      // A run too short for a window has none: say nothing of it.
      card("GC CPU", fmtPct(cpu.fraction), `${cpu.max_window_fraction === null ? "" : `max ${fmtPct(cpu.max_window_fraction)} per ${fmtNs(cpu.window_ns)} · `}assist ${fmtPct(cpu.assist_share)} of mark · printed ${cpu.printed_util_last_pct}%`),
      card("live heap", s.live_heap_bytes ? fmtBytes(s.live_heap_bytes.last) : "–", "min – max " + mml(s.live_heap_bytes)),
      card("heap at start", s.heap_start_bytes ? fmtBytes(s.heap_start_bytes.max) : "–", "max (gc " + (s.heap_start_bytes ? s.heap_start_bytes.max_gc : "–") + ")"),
      card("goal", s.goal_bytes ? fmtBytes(s.goal_bytes.last) : "–", "min – max " + mml(s.goal_bytes)),
      card("live heap trend", s.live_heap_trend.points >= 3 ? fmtBytes(s.live_heap_trend.slope_bytes_per_s) + "/s" : "–", `r² ${fmtNum(s.live_heap_trend.r2, 3)} over ${s.live_heap_trend.points} points`),
      card("allocation rate", s.alloc_bytes_per_s === null ? "–" : fmtBytes(s.alloc_bytes_per_s) + "/s", null),
      card("effective GOGC", s.gogc_off ? "off" : s.gogc_effective === null ? "–" : fmtNum(s.gogc_effective, 0), `GOMAXPROCS ${s.procs}`),
      card("mark p50 / max", `${fmtNs(s.mark_ns.p50)} / ${fmtNs(s.mark_ns.max)}`, null),
      card("scavenger", s.scavenger.lines ? `${fmtBytes(s.scavenger.released_work_bytes)} released` : "no lines", s.scavenger.era || null),
    );
  }

  // ------------------------------------------------------------ table

  function cycleTable(section, run, view) {
    const T = run.chart.table;
    const ci = (name) => T.columns.indexOf(name);
    const FLAGS = [[1, "forced"], [2, "periodic"], [4, "leak check"], [8, "stitched"]];
    const flagText = (f) => FLAGS.filter(([b]) => f & b).map(([, t]) => t).join(" ");
    // key, heading, column, display, filter unit (the number a filter compares with)
    const cols = [
      ["gc", "gc", "gc", (v) => String(v), 1],
      ["t", "start", "start_ns", fmtNs, 1e9],
      ["flags", "flags", "flags", flagText, null],
      ["pause", "STW pause", "stw_pause_ns", fmtNs, 1e6],
      ["sweep", "sweep term", "clock_sweep_term_ns", fmtNs, 1e6],
      ["mark", "mark", "clock_mark_ns", fmtNs, 1e6],
      ["markterm", "mark term", "clock_mark_term_ns", fmtNs, 1e6],
      ["assist", "assist CPU", "cpu_assist_ns", fmtNs, 1e6],
      ["bg", "background CPU", "cpu_background_ns", fmtNs, 1e6],
      ["idle", "idle CPU", "cpu_idle_ns", fmtNs, 1e6],
      ["heap", "heap start", "heap_start_bytes", fmtBytes, MiB],
      ["end", "heap end", "heap_end_bytes", fmtBytes, MiB],
      ["live", "live heap", "live_heap_bytes", fmtBytes, MiB],
      ["goal", "goal", "goal_bytes", fmtBytes, MiB],
      ["stacks", "stacks", "stacks_bytes", fmtBytes, MiB],
      ["globals", "globals", "globals_bytes", fmtBytes, MiB],
      ["procs", "P", "procs", (v) => String(v), 1],
      ["util", "util %", "util_pct", (v) => (v === null ? "–" : v + "%"), 1],
      ["line", "line", "line", (v) => String(v), 1],
    ].filter((c) => ci(c[2]) >= 0 && (c[0] !== "stacks" && c[0] !== "globals" || T.rows.some((r) => r[ci(c[2])] !== null)));
    // A comparison names its column by the heading as shown or by the short key, in any case, spaces ignored.
    const nameKey = (name) => name.toLowerCase().replace(/\s+/g, "");
    const byName = new Map();
    for (const c of cols) if (c[4]) for (const name of [c[0], c[1]]) byName.set(nameKey(name), c);
    const unitName = (f) => (f === 1e9 ? " (s)" : f === 1e6 ? " (ms)" : f === MiB ? " (MiB)" : "");
    const filterHelp = "A gc number selects that cycle; words must all appear in the row (forced, periodic, stitched); " +
      "or one comparison COLUMN OP NUMBER, OP one of < <= = >= >, in the column's unit. Columns: " +
      cols.filter((c) => c[4]).map((c) => c[1] + (nameKey(c[1]) === c[0] ? "" : " or " + c[0]) + unitName(c[4])).join(", ") + ".";
    const state = { sortCol: 0, sortDir: 1, page: 0, pageSize: 50, filter: "", onlyHl: false };
    const wrap = el("div", { class: "cycle-table" });
    if (!T.complete) {
      wrap.append(el("p", { class: "note table-note", text:
        `${fmtNum(T.rows.length, 0)} of ${fmtNum(T.cycles_total, 0)} cycles shown: the cycles around findings and extremes plus an even sample; the CSV (\`--format csv\`) has them all.` }));
    }
    const filterInput = el("input", { type: "search", class: "filter", placeholder: "filter: 1234, forced, pause>1 (ms), live heap>100 (MiB), start<30 (s)…",
      "aria-label": "filter cycles", title: filterHelp });
    const hlBox = el("input", { type: "checkbox", class: "only-hl" });
    const info = el("span", { class: "page-info" });
    const prev = el("button", { type: "button", class: "prev", text: "‹ previous" });
    const next = el("button", { type: "button", class: "next", text: "next ›" });
    const controls = el("div", { class: "table-controls" }, filterInput,
      el("label", null, hlBox, " only the highlighted finding's cycles"), el("span", { class: "spacer" }), prev, info, next);
    // Print shows one page of the table without its controls: this line says which.
    const printInfo = el("p", { class: "print-info" });
    const table = el("table", { class: "cycles" });
    const thead = el("thead");
    const tbody = el("tbody");
    table.append(thead, tbody);
    wrap.append(controls, el("details", { class: "filter-help" }, el("summary", { text: "how to filter" }), el("p", { text: filterHelp })),
      printInfo, el("div", { class: "table-scroll" }, table));
    section.append(wrap);

    const headRow = el("tr");
    cols.forEach((c, k) => {
      const th = el("th", { "data-key": c[0], title: "sort by " + c[1] }, c[1]);
      th.addEventListener("click", () => {
        if (state.sortCol === k) state.sortDir = -state.sortDir; else { state.sortCol = k; state.sortDir = 1; }
        state.page = 0;
        render();
      });
      headRow.append(th);
    });
    thead.append(headRow);

    filterInput.addEventListener("input", () => { state.filter = filterInput.value.trim(); state.page = 0; render(); });
    hlBox.addEventListener("change", () => { state.onlyHl = hlBox.checked; state.page = 0; render(); });
    prev.addEventListener("click", () => { state.page = Math.max(0, state.page - 1); render(); });
    next.addEventListener("click", () => { state.page++; render(); });

    function isHighlighted(row) {
      const h = view.hl;
      if (!h) return false;
      const g = row[ci("gc")];
      if (h.gcs.includes(g)) return true;
      for (const [a, b] of h.gcRanges) if (g >= a && g <= b) return true;
      const t = row[ci("start_ns")];
      if (t !== null) for (const [a, b] of h.timeRanges) if (t >= a && t <= b) return true;
      return false;
    }

    function matcher(text) {
      if (!text) return () => true;
      const m = /^(.+?)\s*(<=|>=|<|>|=)\s*(-?[\d.]+)$/.exec(text);
      if (m) {
        const c = byName.get(nameKey(m[1]));
        if (c) {
          const k = ci(c[2]), want = parseFloat(m[3]) * c[4], op = m[2];
          return (r) => {
            const v = r[k];
            if (v === null) return false;
            return op === "<" ? v < want : op === ">" ? v > want : op === "<=" ? v <= want : op === ">=" ? v >= want : v === want;
          };
        }
      }
      const words = text.toLowerCase().split(/\s+/);
      return (r) => {
        const s = cols.map((c) => c[3](r[ci(c[2])])).join(" ").toLowerCase();
        // A bare number is a gc number: "100" is gc 100, not every cell holding "1.00 ms".
        return words.every((w) => (/^\d+$/.test(w) ? String(r[ci("gc")]) === w : s.includes(w)));
      };
    }

    function render() {
      const match = matcher(state.filter);
      let rows = T.rows.filter((r) => match(r) && (!state.onlyHl || isHighlighted(r)));
      const k = ci(cols[state.sortCol][2]), dir = state.sortDir;
      rows = rows.slice().sort((a, b) => {
        const x = a[k], y = b[k];
        if (x === y) return a[0] - b[0];
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * dir;
      });
      const pages = Math.max(1, Math.ceil(rows.length / state.pageSize));
      state.page = Math.min(state.page, pages - 1);
      const from = state.page * state.pageSize;
      const shown = rows.slice(from, from + state.pageSize);
      tbody.replaceChildren(...shown.map((r) => {
        const tr = el("tr", { "data-gc": String(r[ci("gc")]) });
        if (isHighlighted(r)) tr.classList.add("hl");
        for (const c of cols) {
          const v = r[ci(c[2])];
          tr.append(el("td", { class: c[0] === "flags" ? "flags" : "num", text: v === null ? "–" : c[3](v) }));
        }
        return tr;
      }));
      headRow.querySelectorAll("th").forEach((th, i) => {
        th.classList.toggle("sorted", i === state.sortCol);
        th.dataset.dir = i === state.sortCol ? (state.sortDir > 0 ? "asc" : "desc") : "";
      });
      info.textContent = rows.length === 0 ? "no cycles match" :
        `${fmtNum(from + 1, 0)}–${fmtNum(from + shown.length, 0)} of ${fmtNum(rows.length, 0)}` +
        (rows.length !== T.rows.length ? ` (filtered from ${fmtNum(T.rows.length, 0)})` : "") + ` · page ${state.page + 1} of ${pages}`;
      const conds = [];
      if (state.filter) conds.push(`filter "${state.filter}"`);
      if (state.onlyHl) conds.push("only the highlighted finding's cycles");
      if (state.sortCol !== 0 || state.sortDir < 0) conds.push(`sorted by ${cols[state.sortCol][1]}${state.sortDir < 0 ? ", descending" : ""}`);
      printInfo.textContent = (rows.length === 0 ? "Printed: no cycles match" :
        `Printed: cycles ${fmtNum(from + 1, 0)}–${fmtNum(from + shown.length, 0)} of ${fmtNum(rows.length, 0)}`) +
        (conds.length ? ` (${conds.join("; ")}; ${fmtNum(T.rows.length, 0)} in the table)` : "") +
        (pages > 1 ? `, page ${state.page + 1} of ${pages}: the other pages are not printed.` : ".");
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      wrap.dataset.rows = String(rows.length);
    }
    render();
    return { refresh: render };
  }
})();
