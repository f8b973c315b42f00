// The dashboard's layout, top to bottom: a title line (what is watched, the
// elapsed time, PAUSED / ended markers), three lines of figures (heap, pauses
// and GC CPU, RSS and its parts), one sparkline each for the live heap, RSS
// and pauses over the recent window, the findings so far, then the program's
// output filling the rest, and a line of keys. Every line is cut to the width
// by display columns; the output pane gets whatever rows the rest leave.
#include "render/render_live.h"

#include <fmt/format.h>

#include <algorithm>

#include "render/display_width.h"
#include "render/units_format.h"

namespace gcsight {
namespace {

constexpr size_t kMaxFindingRows = 4;
constexpr size_t kChartLabel = 8;   // "live   " + space
constexpr size_t kChartSuffix = 13; // " max 12.3 MiB"

// Rows above the output pane's separator.
std::vector<std::string> top_lines(const LiveFrame& f, size_t columns, ChartGlyphs glyphs) {
  std::vector<std::string> out;
  const LiveSnapshot& l = f.status.live;
  const RunSummary& r = l.run;

  std::string flags;
  if (f.paused) flags += "  [PAUSED: figures still collected]";
  if (f.quitting && !f.ended) flags += "  [quitting: waiting for the program]";
  if (f.ended) flags += fmt::format("  [program ended: status {}]", f.exit_status);
  const std::string right = fmt::format("elapsed {}", format_duration(f.status.elapsed_ns));
  std::string title = "gcsight live | " + f.title;
  const size_t room = columns > right.size() + flags.size() + 1 ? columns - right.size() - flags.size() - 1 : 0;
  title = std::string(fit_columns(title, room)) + flags;
  const size_t used = display_columns(title);
  title += std::string(columns > used + right.size() ? columns - used - right.size() : 1, ' ') + right;
  out.push_back(std::move(title));
  if (!f.notice.empty()) out.push_back("note: " + f.notice);

  if (l.have_run) {
    std::string heap = fmt::format("live heap {} | goal {} | cycles {}", format_bytes(r.heap_live.last),
                                   format_bytes(r.goal.last), format_count(l.gc_lines));
    if (l.runs > 1) heap += fmt::format(" in {} runs (gc {})", l.runs, r.last_gc);
    if (f.window_cycles_per_min >= 0) heap += fmt::format(" | {:.1f} cycles/min", f.window_cycles_per_min);
    if (l.malformed_lines > 0) heap += fmt::format(" | {} unreadable", format_count(l.malformed_lines));
    out.push_back(std::move(heap));
    std::string pause = fmt::format("pause last {} | p99 {} (last {} cycles)",
                                    format_duration(static_cast<int64_t>(f.status.last_pause_ns)),
                                    format_duration(static_cast<int64_t>(f.status.window_p99_pause_ns)),
                                    f.status.window_cycles);
    const std::string window = format_duration(f.window_ns) + (f.clock_from_cycles ? " of the trace" : "");
    pause += " | GC CPU " + (f.window_gc_cpu >= 0 ? format_percent(f.window_gc_cpu) : std::string("-")) + " (last " + window + ")";
    if (r.gc_cpu_fraction >= 0) pause += ", " + format_percent(r.gc_cpu_fraction) + " whole run";
    out.push_back(std::move(pause));
  } else {
    out.push_back(fmt::format("live heap - | waiting for the first gc line ({} lines read)", format_count(l.lines)));
    out.push_back("pause - | GC CPU -");
  }

  if (!l.process) {
    // A followed log: what the trace says about memory; RSS is not in it.
    std::string mem = "RSS unknown (not in the trace)";
    if (r.stacks.present) mem += " | stacks " + format_bytes(r.stacks.last);
    if (r.globals.present) mem += " | globals " + format_bytes(r.globals.last);
    if (r.scavenger.released_now.present) mem += " | heap released " + format_bytes(r.scavenger.released_now.last);
    if (r.scavenger.lines > 0) mem += " | scavenger returned " + format_bytes(r.scavenger.released_work_bytes);
    out.push_back(std::move(mem));
  } else if (!l.rss) {
    out.push_back("RSS - (no sample yet)");
  } else if (l.parts_known) {
    const RssBreakdown& p = l.parts;
    // Samples flushed without a later cycle: the new heap is not split from other.
    const bool unsplit = p.trace && !p.heap_new_known;
    std::string rss = fmt::format("RSS {} = live {} + new {} + stacks/globals {} + retained {}", format_bytes(*l.rss),
                                  format_bytes(p.heap_live), unsplit ? "?" : format_bytes(p.heap_new),
                                  format_bytes(p.stacks_globals), format_bytes(p.retained));
    if (p.lazy_free > 0) rss += " + lazy-free " + format_bytes(p.lazy_free);
    rss += fmt::format(" + file {} + {} {} (at {})", format_bytes(p.file), unsplit ? "new or other" : "other",
                       format_bytes(unsplit ? p.heap_new_or_other : p.other), format_duration(p.t_ns));
    out.push_back(std::move(rss));
  } else {
    out.push_back(fmt::format("RSS {} (its parts come with the next cycle)", format_bytes(*l.rss)));
  }

  if (glyphs != ChartGlyphs::kOff && columns > kChartLabel + kChartSuffix + 8) {
    const size_t width = columns - kChartLabel - kChartSuffix;
    auto chart = [&](std::string_view label, const ChartSeries& s, bool duration) {
      const uint64_t top = series_max(s, f.chart_from_ns, f.chart_to_ns);
      std::string line = fmt::format("{:<{}}", label, kChartLabel);
      line += s.points.empty() ? std::string(width, ' ') : sparkline(s, f.chart_from_ns, f.chart_to_ns, width, top, glyphs);
      line += " max " + (duration ? format_duration(static_cast<int64_t>(top)) : format_bytes(top));
      out.push_back(std::move(line));
    };
    chart("heap", f.heap_live, false);
    if (l.process) chart("RSS", f.rss, false);
    chart("pause", f.pauses, true);
    const std::string span = format_duration(f.chart_to_ns - f.chart_from_ns);
    const std::string column = format_duration((f.chart_to_ns - f.chart_from_ns) / static_cast<int64_t>(width));
    const char* clock = f.clock_from_cycles ? "the trace" : "history";
    const std::string caption =
        f.chart_back_ns > 0
            ? fmt::format("{:<{}}{} of {} ending {} before the newest, one column per {} (End: newest)", "",
                          kChartLabel, span, clock, format_duration(f.chart_back_ns), column)
            : fmt::format("{:<{}}last {} of {}, one column per {}", "", kChartLabel, span, clock, column);
    out.emplace_back(fit_columns(caption, columns));
  }

  if (f.findings.empty()) {
    out.emplace_back(l.have_run ? "findings: none so far" : "findings: -");
  } else {
    out.push_back(fmt::format("findings ({}):", f.findings.size()));
    const size_t shown = f.findings.size() > kMaxFindingRows ? kMaxFindingRows - 1 : f.findings.size();
    for (size_t i = 0; i < shown; ++i) {
      const Finding& x = f.findings[i];
      out.push_back(fmt::format("  {:<8} {}: {}", severity_name(x.severity), x.code, x.title));
    }
    if (shown < f.findings.size()) out.push_back(fmt::format("  ... and {} more (all in the report at the end)", f.findings.size() - shown));
  }
  return out;
}

struct Layout {
  std::vector<std::string> top;
  size_t pane_rows = 0;
};

Layout layout(const LiveFrame& f, size_t columns, size_t rows, ChartGlyphs glyphs) {
  Layout lay;
  lay.top = top_lines(f, columns, glyphs);
  // Keep at least 3 output rows: drop the lowest top lines (findings beyond the first) if needed.
  const size_t fixed = 2;  // separator + keys
  while (lay.top.size() + fixed + 3 > rows && lay.top.size() > 4) lay.top.pop_back();
  lay.pane_rows = rows > lay.top.size() + fixed ? rows - lay.top.size() - fixed : 0;
  return lay;
}

}  // namespace

size_t live_max_scroll(const LiveFrame& f, size_t columns, size_t rows) {
  const Layout lay = layout(f, columns, rows, ChartGlyphs::kAscii);
  return f.output.size() > lay.pane_rows ? f.output.size() - lay.pane_rows : 0;
}

std::vector<std::string> render_live(const LiveFrame& f, size_t columns, size_t rows, ChartGlyphs glyphs) {
  std::vector<std::string> out;
  if (rows == 0) return out;
  if (columns < kLiveMinColumns || rows < kLiveMinRows) {
    out.emplace_back(fit_columns(fmt::format("terminal too small ({}x{}): need {}x{}", columns, rows, kLiveMinColumns,
                                             kLiveMinRows), columns));
    out.resize(rows);
    return out;
  }
  Layout lay = layout(f, columns, rows, glyphs);
  // With ASCII charts gcsight's own text is ASCII too (as the text report's);
  // the program's lines in the pane are left as they are.
  const bool ascii = glyphs == ChartGlyphs::kAscii;
  for (std::string& line : lay.top) out.emplace_back(fit_columns(ascii ? ascii_glyphs(line) : line, columns));

  const size_t total = f.output.size();
  const size_t scroll = std::min(f.scroll, total > lay.pane_rows ? total - lay.pane_rows : 0);
  const size_t end = total - scroll;
  const size_t begin = end > lay.pane_rows ? end - lay.pane_rows : 0;
  const std::string_view rule = glyphs == ChartGlyphs::kUnicode ? "\u2500" : "-";
  std::string sep;
  sep += rule;
  sep += rule;
  sep += " " + f.pane_title + " ";
  if (scroll > 0) sep += fmt::format("(lines {}-{} of {}, {} newer below) ", begin + 1, end, total, scroll);
  if (ascii) sep = ascii_glyphs(sep);
  const size_t sep_cols = display_columns(sep);
  for (size_t c = sep_cols; c < columns; ++c) sep += rule;
  out.emplace_back(fit_columns(sep, columns));
  for (size_t i = begin; i < end; ++i) out.emplace_back(fit_columns(f.output[i], columns));
  while (out.size() < rows - 1) out.emplace_back();
  out.emplace_back(fit_columns(f.paused ? "q quit | p resume | up/k down/j output | left/h right/l history | +/- zoom | End newest"
                                        : "q quit | p pause | up/k down/j output | left/h right/l history | +/- zoom | End newest",
                               columns));
  return out;
}

}  // namespace gcsight
