// Browser test of gcsight's HTML report: writes pages with `gcsight analyze
// --html` (corpus captures) and `gcsight run --html` (a real Go program), opens
// each headless in the system Chromium from a file:// URL, and checks what a
// reader relies on: no console error, no request but the page itself, every
// chart drawn, hover naming the cycle, a finding's link highlighting its
// cycles, the table paging, sorting and filtering, and the layout: charts
// that follow a resize, a phone-width window and the printed page. Screenshots
// go to the artifacts directory.
//
// usage: node html_report_test.mjs --gcsight BIN --corpus DIR --go-programs DIR
//          --modules DIR --artifacts DIR [--page FILE.html]
//   --modules   the node_modules holding puppeteer-core (installed by the build with npm ci)
//   --page      only open this existing page and run the generic checks (for big pages by hand)
// environment: CHROMIUM (default /usr/bin/chromium). Exit 77 (skipped) when it is missing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];

const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.log(`SKIP: ${chromium} is missing (Debian's chromium package; scripts/setup.sh installs it)`);
  process.exit(77);
}
const require = createRequire(path.join(path.resolve(args.modules), "noop.js"));
const puppeteer = require("puppeteer-core");

const artifacts = path.resolve(args.artifacts || "test-artifacts");
mkdirSync(artifacts, { recursive: true });

let failures = 0;
function check(cond, what) {
  if (cond) {
    console.log(`  ok   ${what}`);
  } else {
    console.log(`  FAIL ${what}`);
    failures++;
  }
}

// Writes the pages to check; returns [{name, file, expect}].
function makePages() {
  const bin = path.resolve(args.gcsight);
  const pages = [];
  const analyze = (name, input, expect) => {
    const file = path.join(artifacts, `${name}.html`);
    execFileSync(bin, ["analyze", input, "--html", file, "--format", "json"], { stdio: ["ignore", "ignore", "inherit"] });
    pages.push({ name, file, expect });
  };
  // A forced GC and a 1 GB heap drop: findings that name cycles, log-line markers.
  analyze("memtest-go1.22", path.join(args.corpus, "go1.22.12/memtest/combined.log"), { finding: "heap-collected", forced: 1 });
  // Hundreds of cycles: the table pages.
  analyze("forced-noring-go1.23", path.join(args.corpus, "go1.23.5/forced-noring/stderr.log"), { forced: 9, pages: true });
  // long-pauses names its longest cycle twice (max_gc, and first in longest_gc).
  analyze("memtest-gctrace-only-go1.23", path.join(args.corpus, "go1.23.5/memtest-gctrace-only/combined.log"), { finding: "long-pauses", forced: 1 });

  // `gcsight run` of the memtest example: RSS and its parts, the process findings.
  const candidates = ["go1.22", "go1.23", "go1.21", "go1.19"].map((v) => path.join(args["go-programs"], v, "memtest"));
  const prog = candidates.find((p) => existsSync(p));
  if (prog) {
    const file = path.join(artifacts, "run-memtest.html");
    execFileSync(bin, ["run", "--html", file, "-q", "--interval", "0.02", "--", prog], {
      env: { ...process.env, MEMTEST_MB: "200", IDLE_SECONDS: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    pages.push({ name: "run-memtest", file, expect: { finding: "heap-collected", process: true, forced: 1 } });
  } else {
    console.log(`note: no memtest program under ${args["go-programs"]}; the gcsight run page is not checked`);
    failures++;
  }
  return pages;
}

// Pixels that are clearly coloured (series colours, not the grey of axes,
// grid and text): how much of a chart's data was drawn.
async function colouredPixels(page, canvasHandle, yellow) {
  return page.evaluate((c, wantYellow) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 128) continue;
      const r = d[i], g = d[i + 1], b = d[i + 2];
      if (wantYellow) { if (r > 200 && g > 150 && g < 235 && b < 120) n++; }
      else if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
    }
    return n;
  }, canvasHandle, yellow);
}

// Waits until every run's charts are drawn; false (and a failed check) after 30 s.
async function pageReady(page, what) {
  try {
    await page.waitForFunction(() => {
      const runs = document.querySelectorAll("section.run[data-run]");
      return runs.length > 0 && [...runs].every((s) => s.dataset.ready === "1" || !s.querySelector(".chart"));
    }, { timeout: 30000 });
    return true;
  } catch (e) {
    check(false, `${what}: page ready (${e.message})`);
    return false;
  }
}

// The charts wider than their box, and the page's width against the window's.
function chartFit(page) {
  return page.evaluate(() => ({
    over: [...document.querySelectorAll("section.run .chart")].flatMap((c) => {
      const box = c.getBoundingClientRect();
      return [...c.querySelectorAll("canvas")].filter((cv) => cv.getBoundingClientRect().right > box.right + 1)
        .map((cv) => `${c.dataset.chart} ${Math.round(cv.getBoundingClientRect().width)} px in ${Math.round(box.width)}`);
    }),
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}

// Sets the table's filter as typing would; returns the table's state.
async function setFilter(page, text) {
  await page.$eval("section.run input.filter", (e, t) => { e.value = t; e.dispatchEvent(new Event("input")); }, text);
  return page.evaluate(() => {
    const t = document.querySelector("section.run .cycle-table");
    return { rows: Number(t.dataset.rows), first: t.querySelector("tbody tr") ? t.querySelector("tbody tr").dataset.gc : null };
  });
}

async function checkPage(browser, p) {
  console.log(`${p.name}: ${p.file} (${statSync(p.file).size} bytes)`);
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const url = pathToFileURL(p.file).href;
  const errors = [], requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    if (r.url() === url) return r.continue();
    requests.push(r.url());
    return r.abort();
  });
  await page.goto(url, { waitUntil: "load" });
  try {
    await page.waitForFunction(() => {
      const runs = document.querySelectorAll("section.run[data-run]");
      return runs.length > 0 && [...runs].every((s) => s.dataset.ready === "1" || !s.querySelector(".chart"));
    }, { timeout: 30000 });
  } catch (e) {
    check(false, `page ready (${e.message}); errors: ${errors.join(" | ")}`);
    await page.screenshot({ path: path.join(artifacts, `${p.name}.png`), fullPage: true });
    await page.close();
    return;
  }

  // Every chart has data and drew it.
  const charts = await page.$$("section.run .chart");
  check(charts.length >= 5, `${charts.length} charts in the page`);
  for (const c of charts) {
    const name = await c.evaluate((e) => `run ${e.closest("section").dataset.run} ${e.dataset.chart}`);
    const canvas = await c.$("canvas");
    if (!canvas) { check(false, `${name}: has a canvas`); continue; }
    const pixels = await colouredPixels(page, canvas, false);
    check(pixels > 40, `${name}: data drawn (${pixels} coloured pixels)`);
  }
  const lengths = await page.evaluate(() => window.gcsightReport.runs.flatMap((v) => v.charts.map((u) => u.data[0].length)));
  check(lengths.length > 0 && lengths.every((n) => n > 0), `uPlot data lengths ${lengths.join(", ")}`);
  if (p.expect.process) {
    check(await page.$('.chart[data-chart="rss"] canvas') !== null, "RSS breakdown chart present");
  }
  await page.screenshot({ path: path.join(artifacts, `${p.name}.png`), fullPage: true });
  await (await page.$("section.run .charts")).screenshot({ path: path.join(artifacts, `${p.name}-charts.png`) });

  // Hover over the memory chart: the legend names the cycle.
  // (Mouse events reach only what is in the viewport.)
  const over = await page.$('.chart[data-chart="memory"] .u-over');
  await over.scrollIntoView();
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.5);
  const legend = await page.$eval('.chart[data-chart="memory"] .u-legend .u-series:first-child .u-value', (e) => e.textContent);
  check(/gc \d+|sample @|scavenger after gc \d+/.test(legend), `hover shows the cycle: "${legend}"`);
  const pauseLegend = await (async () => {
    const o = await page.$('.chart[data-chart="pauses"] .u-over');
    await o.scrollIntoView();
    const b = await o.boundingBox();
    await page.mouse.move(b.x + b.width * 0.3, b.y + b.height * 0.5);
    return page.$eval('.chart[data-chart="pauses"] .u-legend .u-series:first-child .u-value', (e) => e.textContent);
  })();
  check(/^gc \d+/.test(pauseLegend), `hover on the pause chart shows the cycle: "${pauseLegend}"`);
  const memCanvas = await page.$('.chart[data-chart="memory"] canvas');
  await (await page.$('.chart[data-chart="pauses"]')).screenshot({ path: path.join(artifacts, `${p.name}-hover.png`) });

  // A finding's link highlights its cycles on the charts and in the table.
  if (p.expect.finding) {
    await page.mouse.move(0, 0);
    const before = await colouredPixels(page, memCanvas, true);
    const link = await page.$(`section.run li.finding[data-code="${p.expect.finding}"] .show-evidence`);
    check(link !== null, `${p.expect.finding} has a "show on the charts" link`);
    if (link) {
      await link.click();
      await new Promise((r) => setTimeout(r, 200));
      const state = await page.evaluate((code) => ({
        active: document.querySelector(`li.finding[data-code="${code}"]`).classList.contains("active"),
        highlight: document.querySelector("section.run").dataset.highlight,
        bar: document.querySelector("section.run .hl-bar").textContent,
        rows: document.querySelectorAll("section.run table.cycles tr.hl").length,
      }), p.expect.finding);
      const after = await colouredPixels(page, memCanvas, true);
      check(state.active && Number(state.highlight) > 0, `finding marked active, ${state.highlight} highlights: ${state.bar}`);
      check(after > before + 50, `highlight band drawn on the memory chart (${before} -> ${after} highlight pixels)`);
      check(state.rows > 0, `${state.rows} highlighted table rows`);
      // "Highlighted: <title> — cycles 13, 1, 3; at 1.6 s": each cycle once.
      const listed = (/^cycles? ([\d, ]+)/.exec(state.bar.split(" — ").pop()) || [null, ""])[1].split(", ").filter((g) => g);
      check(listed.length > 0 && new Set(listed).size === listed.length, `the bar lists each cycle once: ${listed.join(", ")}`);
      const mem = await page.$('.chart[data-chart="memory"]');
      await mem.screenshot({ path: path.join(artifacts, `${p.name}-highlight.png`) });
    }
  }

  // The table: sort, filter, page.
  const tableState = () => page.evaluate(() => {
    const t = document.querySelector("section.run .cycle-table");
    return {
      rows: Number(t.dataset.rows),
      shown: t.querySelectorAll("tbody tr").length,
      first: t.querySelector("tbody tr") ? t.querySelector("tbody tr").dataset.gc : null,
      info: t.querySelector(".page-info").textContent,
    };
  });
  const all = await tableState();
  check(all.rows > 0 && all.shown > 0, `table: ${all.info}`);
  const pauseTh = await page.$('section.run table.cycles th[data-key="pause"]');
  await pauseTh.click();
  await pauseTh.click();
  const sorted = await tableState();
  const maxGc = await page.evaluate(() => window.gcsightReport.data.report.runs[0].summary.stw_pause_ns.max_gc);
  check(sorted.first === String(maxGc), `sorted by pause, descending: first row gc ${sorted.first} (longest pause: gc ${maxGc})`);
  const filter = await page.$("section.run input.filter");
  await filter.type("forced");
  const forced = await tableState();
  check(forced.rows === p.expect.forced, `filter "forced": ${forced.rows} rows (expected ${p.expect.forced})`);
  await filter.click({ clickCount: 3 });
  await page.keyboard.press("Backspace");
  // Halfway between the shortest and the longest pause, in ms as the filter reads it.
  const mid = await page.evaluate(() => {
    const t = window.gcsightReport.data.report.runs[0].chart.table;
    const k = t.columns.indexOf("stw_pause_ns");
    const v = t.rows.map((r) => r[k]);
    return ((Math.min(...v) + Math.max(...v)) / 2 / 1e6).toFixed(4);
  });
  await filter.type(`pause>${mid}`);
  const slow = await tableState();
  check(slow.rows > 0 && slow.rows < all.rows, `filter "pause>${mid}": ${slow.rows} of ${all.rows} rows`);
  // The headings as shown, in any case, and the short names.
  const stw = await setFilter(page, `STW Pause > ${mid}`);
  check(stw.rows === slow.rows, `filter "STW Pause > ${mid}": ${stw.rows} rows, as "pause>${mid}"`);
  const procs = await page.evaluate(() => {
    const t = window.gcsightReport.data.report.runs[0].chart.table;
    return t.rows[0][t.columns.indexOf("procs")];
  });
  const byKey = await setFilter(page, `procs=${procs}`), byHeading = await setFilter(page, `P=${procs}`);
  check(byHeading.rows > 0 && byHeading.rows === byKey.rows, `filter "P=${procs}": ${byHeading.rows} rows, as "procs=${procs}"`);
  const midT = await page.evaluate(() => {
    const t = window.gcsightReport.data.report.runs[0].chart.table;
    const v = t.rows.map((r) => r[t.columns.indexOf("start_ns")]).filter((x) => x !== null);
    return ((Math.min(...v) + Math.max(...v)) / 2 / 1e9).toFixed(4);
  });
  const early = await setFilter(page, `start<${midT}`), earlyT = await setFilter(page, `t<${midT}`);
  check(early.rows > 0 && early.rows < all.rows && early.rows === earlyT.rows, `filter "start<${midT}": ${early.rows} rows, as "t<${midT}"`);
  const help = await page.$eval("section.run input.filter", (e) => e.title);
  check(/STW pause/.test(help) && /\bP\b/.test(help) && /\bstart\b/.test(help), `the filter's tooltip names the headings: "${help}"`);
  // A bare number is that gc cycle, not every cell holding its digits ("1.00 ms" for 100).
  const gcPick = await page.evaluate(() => {
    const t = window.gcsightReport.data.report.runs[0].chart.table;
    const gcs = t.rows.map((r) => r[t.columns.indexOf("gc")]);
    return String(gcs.includes(100) ? 100 : gcs.includes(10) ? 10 : gcs[0]);
  });
  const one = await setFilter(page, gcPick);
  check(one.rows === 1 && one.first === gcPick, `filter "${gcPick}": ${one.rows} row(s), first gc ${one.first}`);
  await setFilter(page, "");
  if (p.expect.pages) {
    const first = await tableState();
    await page.click("section.run .cycle-table button.next");
    const second = await tableState();
    check(first.shown === 50 && second.first !== first.first && /page 2 of/.test(second.info), `paging: ${second.info}`);
  }
  const tableEl = await page.$("section.run .cycle-table");
  await tableEl.screenshot({ path: path.join(artifacts, `${p.name}-table.png`) });

  // Zoom by dragging on the memory chart: the other charts follow.
  await over.scrollIntoView();
  const ob = await over.boundingBox();
  await page.mouse.move(ob.x + ob.width * 0.2, ob.y + ob.height / 2);
  await page.mouse.down();
  await page.mouse.move(ob.x + ob.width * 0.5, ob.y + ob.height / 2, { steps: 5 });
  await page.mouse.up();
  const scales = await page.evaluate(() => window.gcsightReport.runs[0].charts.map((u) => [u.scales.x.min, u.scales.x.max]));
  const full = await page.evaluate(() => window.gcsightReport.runs[0].xRange);
  check(scales.every((s) => s[0] === scales[0][0] && s[1] === scales[0][1]) && scales[0][1] - scales[0][0] < (full[1] - full[0]) * 0.6,
    `drag zooms every chart: [${scales[0].map((v) => v.toFixed(3)).join(", ")}] of [${full.map((v) => v.toFixed(3)).join(", ")}]`);

  // A narrower window: every chart follows it (the histogram too), and the page does not scroll sideways.
  await page.setViewport({ width: 800, height: 1000 });
  await new Promise((r) => setTimeout(r, 300));
  const fit = await chartFit(page);
  check(fit.over.length === 0 && fit.scrollWidth <= fit.clientWidth,
    `at 800 px the charts follow the window: ${fit.over.join(", ") || "all fit"}; page ${fit.scrollWidth} px wide in ${fit.clientWidth}`);

  check(errors.length === 0, `no console errors${errors.length ? ": " + errors.join(" | ") : ""}`);
  check(requests.length === 0, `no requests but the page${requests.length ? ": " + requests.join(" ") : ""}`);
  await page.close();
  await checkLayout(browser, p);
}

// A phone-width window and the printed page.
async function checkLayout(browser, p) {
  const url = pathToFileURL(p.file).href;
  // 375 px, as a phone that honours the page's viewport meta: the charts fit
  // their boxes and long input paths wrap.
  const phone = await browser.newPage();
  await phone.setViewport({ width: 375, height: 800, isMobile: true });
  await phone.goto(url, { waitUntil: "load" });
  if (await pageReady(phone, `${p.name} at 375 px`)) {
    const fit = await chartFit(phone);
    check(fit.over.length === 0, `at 375 px every chart fits its box: ${fit.over.join(", ") || "all fit"}`);
    check(fit.scrollWidth <= fit.clientWidth, `at 375 px the page does not scroll sideways: ${fit.scrollWidth} px wide in ${fit.clientWidth}`);
    await phone.screenshot({ path: path.join(artifacts, `${p.name}-phone.png`), fullPage: true });
  }
  await phone.close();

  // Printed: the paper is narrower than the window the page was drawn in (A4
  // holds about 718 CSS px) and no resize event comes; the charts and the
  // table must fit it, and the printout says how many of the cycles it holds.
  const paper = await browser.newPage();
  await paper.setViewport({ width: 1400, height: 1000 });
  await paper.goto(url, { waitUntil: "load" });
  if (await pageReady(paper, `${p.name} printed`)) {
    await paper.emulateMediaType("print");
    await paper.$eval("#app", (e) => { e.style.width = "700px"; });
    const fit = await chartFit(paper);
    check(fit.over.length === 0, `printed, every chart fits the paper: ${fit.over.join(", ") || "all fit"}`);
    const printed = await paper.evaluate(() => {
      const t = document.querySelector("section.run .cycle-table");
      const line = t.querySelector(".print-info");
      return {
        table: Math.round(t.querySelector("table.cycles").getBoundingClientRect().width),
        box: Math.round(t.getBoundingClientRect().width),
        line: line && line.offsetParent !== null ? line.textContent : null,
        rows: t.querySelectorAll("tbody tr").length,
        total: window.gcsightReport.data.report.runs[0].chart.table.rows.length,
      };
    });
    check(printed.table <= printed.box, `printed, the table fits the paper: ${printed.table} px in ${printed.box}`);
    check(printed.line !== null && printed.line.includes(`${printed.rows} of ${printed.total}`),
      `printed, a line says how many cycles the printout holds: "${printed.line}" (${printed.rows} rows of ${printed.total})`);
    await paper.screenshot({ path: path.join(artifacts, `${p.name}-print.png`), fullPage: true });
  }
  await paper.close();
}

// A byte figure under 1 KiB is rounded as every other figure: the live heap
// trend of a page whose blob says 191.099 bytes a second.
async function checkSmallBytes(browserH, p) {
  const html = readFileSync(p.file, "utf8");
  const re = /(<script type="application\/json" id="gcsight-data">)([\s\S]*?)(<\/script>)/;
  const blob = JSON.parse(re.exec(html)[2]);
  Object.assign(blob.report.runs[0].summary.live_heap_trend, { points: 5, slope_bytes_per_s: 191.099 });
  const file = path.join(artifacts, `${p.name}-small-rate.html`);
  writeFileSync(file, html.replace(re, (m, open, body, close) => open + JSON.stringify(blob).replace(/</g, "\\u003c") + close));
  const page = await browserH.newPage();
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  const card = await page.evaluate(() => [...document.querySelectorAll("section.run .card")]
    .filter((c) => c.querySelector(".k").textContent === "live heap trend").map((c) => c.querySelector(".v").textContent)[0]);
  check(card === "191 B/s", `a trend of 191.099 B/s reads "${card}"`);
  await page.close();
}

const pages = args.page ? [{ name: path.basename(args.page, ".html"), file: path.resolve(args.page), expect: {} }] : makePages();
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files"],
});
try {
  for (const p of pages) {
    if (args.page) await checkGeneric(browser, p);
    else await checkPage(browser, p);
  }
  if (!args.page) await checkSmallBytes(browser, pages[0]);
} finally {
  await browser.close();
}

// For a page opened by hand (--page): load time, charts drawn, hover, no errors or requests.
async function checkGeneric(browserH, p) {
  const page = await browserH.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const url = pathToFileURL(p.file).href;
  const errors = [], requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.setRequestInterception(true);
  page.on("request", (r) => { if (r.url() === url) return r.continue(); requests.push(r.url()); return r.abort(); });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => [...document.querySelectorAll("section.run[data-run]")].every((s) => s.dataset.ready === "1"), { timeout: 60000 });
  console.log(`${p.name}: ${statSync(p.file).size} bytes, charts ready in ${Date.now() - t0} ms`);
  for (const c of await page.$$("section.run .chart canvas")) check((await colouredPixels(page, c, false)) > 60, "chart drawn");
  const over = await page.$('.chart[data-chart="memory"] .u-over');
  await over.scrollIntoView();
  const box = await over.boundingBox();
  const t1 = Date.now();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const legend = await page.$eval('.chart[data-chart="memory"] .u-legend .u-series:first-child .u-value', (e) => e.textContent);
  check(/gc \d+/.test(legend), `hover (${Date.now() - t1} ms): "${legend}"`);
  const link = await page.$(".show-evidence");
  if (link) { await link.click(); check(true, "finding link clicked"); }
  await page.screenshot({ path: path.join(artifacts, `${p.name}.png`), fullPage: true });
  check(errors.length === 0, `no console errors${errors.length ? ": " + errors.join(" | ") : ""}`);
  check(requests.length === 0, "no requests but the page");
  await page.close();
}

if (failures) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("all checks passed");
