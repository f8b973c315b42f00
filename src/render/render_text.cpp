// Report -> terminal text. The layout follows compiler diagnostics (rustc,
// lnav): a finding reads `warning[code]: title`, then `= why:` and `= help:`
// wrapped to the terminal width, then its evidence as key=value, so the eye
// finds the verdict first and the reasons after. Findings come most severe
// first (stable within a severity, keeping the analysis's own order).
//
// Every figure goes through units_format (IEC bytes, adaptive durations).
// Where the run's heap is small the runtime's MB-truncated figures are coarse,
// so heap sizes are printed as whole MiB with a caveat instead of a decimal
// that would pretend precision. Text that comes from the traced program
// (markers, malformed lines) is sanitised: control bytes are shown as `\xNN`,
// so a program's own escape sequences can neither colour nor garble the
// report. Colour is applied here but decided by the caller.
#include "render/render_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "render/display_width.h"
#include "render/sgr.h"
#include "render/units_format.h"

namespace gcsight {
namespace {

constexpr int kMinWidth = 40;
constexpr size_t kLabelWidth = 17;        // statistics label column
constexpr size_t kMaxMalformedShown = 5;  // malformed lines quoted in the parse section
constexpr size_t kMaxEvidenceList = 10;   // elements of an evidence list before "…"

// Terminal columns `s` occupies (wide characters two, combining marks none),
// skipping ANSI SGR sequences.
size_t display_width(std::string_view s) {
  size_t w = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      w += display_columns(s.substr(start, i - start));
      while (i < s.size() && s[i] != 'm') ++i;
      start = i + 1;
    }
  }
  if (start < s.size()) w += display_columns(s.substr(start));
  return w;
}

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Program-supplied text made safe for a terminal, one piece at a time: tabs
// become a space; control bytes (ESC among them), the C1 controls U+0080-U+009F
// (a terminal may take U+009B for CSI) and bytes that are not well-formed UTF-8
// become a visible `\xNN` each; the rest is copied. `emit` gets each piece's
// text and the columns it takes.
template <typename Emit>
void sanitize_pieces(std::string_view s, size_t bytes, Emit emit) {
  for (size_t i = 0; i < bytes && i < s.size();) {
    const char c = s[i];
    if (c == '\t') {
      emit(std::string_view(" "), 1);
      ++i;
      continue;
    }
    const Utf8Step step = is_control(c) ? Utf8Step{} : decode_utf8(s, i);
    if (!step.valid || (step.cp >= 0x80 && step.cp <= 0x9f)) {
      for (size_t k = 0; k < step.length; ++k) {
        emit(std::string_view(fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i + k]))), 4);
      }
    } else {
      emit(s.substr(i, step.length), display_columns(s.substr(i, step.length)));
    }
    i += step.length;
  }
}

std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  sanitize_pieces(s, s.size(), [&out](std::string_view piece, size_t) { out += piece; });
  return out;
}

// Columns the sanitised form of s[0, bytes) occupies.
size_t sanitized_width(std::string_view s, size_t bytes) {
  size_t w = 0;
  sanitize_pieces(s, bytes, [&w](std::string_view, size_t columns) { w += columns; });
  return w;
}

// `s` cut to at most `width` columns, with "…" when cut (between code points:
// a wide character that would overflow is left out).
std::string truncate_to(std::string_view s, size_t width) {
  if (display_columns(s) <= width) return std::string(s);
  std::string out(fit_columns(s, width > 0 ? width - 1 : 0));
  out += "…";
  return out;
}

// Whether `w` is a unit as units_format prints it (possibly followed by
// punctuation), which must not be wrapped away from its number.
bool is_unit_word(std::string_view w) {
  while (!w.empty() && std::string_view(",;:)]").find(w.back()) != std::string_view::npos) {
    w.remove_suffix(1);
  }
  if (w.size() > 2 && w.substr(w.size() - 2) == "/s") w.remove_suffix(2);
  static constexpr std::string_view kUnits[] = {"B",   "KiB", "MiB", "GiB", "TiB", "PiB",
                                                "EiB", "ns",  "µs",  "ms",  "s"};
  return std::find(std::begin(kUnits), std::end(kUnits), w) != std::end(kUnits);
}

// The words of `text`, split at spaces, for wrapping: a unit stays with the
// number before it ("1.5 MiB", "12 ms"), and with `keep_go` a version with "Go".
std::vector<std::string> words_of(std::string_view text, bool keep_go) {
  std::vector<std::string> words;
  for (size_t i = 0; i <= text.size();) {
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    const std::string_view word = text.substr(i, j - i);
    if (!word.empty() && !words.empty() && (is_unit_word(word) || (keep_go && words.back().ends_with("Go")))) {
      words.back() += ' ';
      words.back() += word;
    } else if (!word.empty()) {
      words.emplace_back(word);
    }
    i = j + 1;
  }
  return words;
}

std::string plural(uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", format_count(n), n == 1 ? one : many);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// An evidence value for people: units chosen from the key's suffix.
std::string evidence_text(const EvidenceItem& item) {
  const std::string_view key = item.key;
  const auto scalar = [key](int64_t v) -> std::string {
    if (ends_with(key, "_bytes")) {
      return v < 0 ? fmt::format("-{}", format_bytes(static_cast<uint64_t>(-(v + 1)) + 1))
                   : format_bytes(static_cast<uint64_t>(v));
    }
    if (ends_with(key, "_ns")) return format_duration(v);
    return fmt::format("{}", v);
  };
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          return scalar(v);
        } else if constexpr (std::is_same_v<T, double>) {
          if (ends_with(key, "_bytes_per_s")) return format_byte_rate(v);
          if (ends_with(key, "_bytes")) return format_bytes_signed(v);
          if (ends_with(key, "_fraction") || ends_with(key, "_share")) return format_percent(v);
          return fmt::format("{:.4g}", v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          // Quote text that would otherwise read as several items.
          if (v.find_first_of(" ,=\"") == std::string::npos && !v.empty()) return sanitize(v);
          return fmt::format("\"{}\"", sanitize(v));
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else {
          std::string out = "[";
          const size_t shown = std::min(v.size(), kMaxEvidenceList);
          for (size_t i = 0; i < shown; ++i) {
            if (i > 0) out += ", ";
            out += scalar(v[i]);
          }
          if (shown < v.size()) out += fmt::format(", … +{} more", v.size() - shown);
          out += "]";
          return out;
        }
      },
      item.value);
}

class TextWriter {
 public:
  explicit TextWriter(const TextStyle& style)
      : color_(style.color), width_(static_cast<size_t>(std::max(style.width, kMinWidth))), charts_(style.charts) {}

  [[nodiscard]] std::string take() { return std::move(out_); }

  void report(const Report& r) {
    if (r.process.present) process_section(r.process);
    if (r.runs.empty()) {
      constexpr std::string_view kNone = "no gc cycles found";
      wrap_tokens(paint(kSgrBold, kNone) + " ", kNone.size() + 1,
                  words_of(sanitize("(" + no_cycles_reason(r) + ")"), /*keep_go=*/false));
      line("");
    }
    for (const Run& run : r.runs) {
      run_section(run, r.process);
      line("");
    }
    parse_section(r);
  }

 private:
  std::string paint(std::string_view sgr, std::string_view text) const { return gcsight::paint(color_, sgr, text); }

  // "  = why: " and the like: a bold label indented under the finding.
  std::string label_prefix(std::string_view label) const {
    return fmt::format("  {} ", paint(kSgrBold, label));
  }

  void line(std::string_view s) {
    out_ += s;
    out_.push_back('\n');
  }

  // Greedy word wrap of `text` after `prefix`; continuation lines are indented
  // to the prefix's width. A newline in `text` starts a new line.
  void wrap(std::string_view prefix, std::string_view text) {
    bool first_line = true;
    size_t start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      if (nl == std::string_view::npos) nl = text.size();
      const std::string para = sanitize(text.substr(start, nl - start));
      wrap_tokens(first_line ? prefix : std::string_view(), display_width(prefix), words_of(para, /*keep_go=*/false));
      first_line = false;
      start = nl + 1;
    }
  }

  // Lays out unbreakable `tokens` separated by spaces after `prefix` (or, when
  // it is empty, `indent` spaces), breaking lines before the width is passed.
  void wrap_tokens(std::string_view prefix, size_t indent, const std::vector<std::string>& tokens) {
    const std::string pad(indent, ' ');
    std::string cur = prefix.empty() ? pad : std::string(prefix);
    size_t cur_w = indent;
    bool empty = true;
    for (const std::string& tok : tokens) {
      const size_t tw = display_width(tok);
      if (!empty && cur_w + 1 + tw > width_) {
        line(cur);
        cur = pad;
        cur_w = indent;
        empty = true;
      }
      if (!empty) {
        cur.push_back(' ');
        ++cur_w;
      }
      cur += tok;
      cur_w += tw;
      empty = false;
    }
    line(cur);
  }

  void stat(std::string_view label, std::string_view value) {
    wrap(fmt::format("  {:<{}}", label, kLabelWidth), value);
  }

  void run_section(const Run& run, const ProcessInfo& process) {
    header(run);
    findings(run);
    statistics(run.summary);
    charts(run, process);
    notes(run);
    markers(run);
  }

  // Sparklines on one time axis (the trace's clock): the memory rows share a
  // scale, so the live heap can be read against the goal and RSS; pauses have
  // their own. Each column shows the largest value of its slice of time.
  void charts(const Run& run, const ProcessInfo& process) {
    const RunSummary& s = run.summary;
    if (charts_ == ChartGlyphs::kOff || run.series.points.empty() || s.duration_ns <= 0) return;
    ChartSeries live, goal, rss, pause{.points = {}, .holds = false};
    for (const SeriesPoint& p : run.series.points) {
      live.points.emplace_back(p.t_first_ns, p.live_max);
      goal.points.emplace_back(p.t_first_ns, p.goal_max);
      pause.points.emplace_back(p.t_first_ns, p.pause_max_ns);
    }
    int64_t from = s.start_ns, to = s.end_ns;
    const MemoryTimeline& m = process.memory;
    if (process.present && m.trace_start_ns >= 0 && !m.points.empty()) {
      for (const RssBreakdown& b : m.points) rss.points.emplace_back(b.t_ns - m.trace_start_ns, b.rss);
      from = std::min<int64_t>(0, from);
      to = std::max(to, rss.points.back().first);
    }
    if (to <= from) return;
    const bool coarse = s.low_precision;
    const uint64_t live_max = series_max(live, from, to), goal_max = series_max(goal, from, to);
    const uint64_t rss_max = series_max(rss, from, to), pause_max = series_max(pause, from, to);
    const uint64_t mem_scale = std::max({live_max, goal_max, rss_max});
    struct Row {
      std::string label;
      const ChartSeries* series;
      uint64_t scale;
      std::string note;
    };
    std::vector<Row> rows;
    rows.push_back({"live heap", &live, mem_scale, fmt::format("max {} (gc {})", heap(s.heap_live.max, coarse), s.heap_live.max_gc)});
    if (s.goal.present) rows.push_back({"heap goal", &goal, mem_scale, fmt::format("max {}", heap(goal_max, coarse))});
    if (!rss.points.empty()) rows.push_back({"rss", &rss, mem_scale, fmt::format("max {}", format_bytes(rss_max))});
    rows.push_back({"stw pause", &pause, pause_max,
                    fmt::format("max {} (gc {})", format_duration(static_cast<int64_t>(s.stw_pause_ns.max)), s.stw_pause_ns.max_gc)});
    size_t note_width = 0;
    for (const Row& r : rows) note_width = std::max(note_width, display_width(r.note));
    constexpr size_t kChartLabel = 12;
    const size_t fixed = 2 + kChartLabel + 1 + 2 + note_width;
    if (width_ < fixed + 16) return;
    const size_t columns = width_ - fixed;
    line("");
    line(paint(kSgrBold, "charts"));
    for (const Row& r : rows) {
      const std::string spark = sparkline(*r.series, from, to, columns, r.scale, charts_);
      line(fmt::format("  {:<{}} {}  {}", r.label, kChartLabel, paint(kSgrCyan, spark), paint(kSgrDim, r.note)));
    }
    wrap("  ", fmt::format("{} to @{}, one column ≈ {}; the memory rows share one scale, 0 to {}",
                           from == 0 ? std::string("process start") : "@" + format_duration(from), format_duration(to),
                           format_duration((to - from) / static_cast<int64_t>(columns)), format_bytes(mem_scale)));
  }

  void header(const Run& run) {
    const RunSummary& s = run.summary;
    std::string h = fmt::format("run {} — {} lines {}–{}: ", run.index,
                                sanitize(join(run.inputs, " + ")), run.first_line, run.last_line);
    if (s.cycles == 0) {
      h += "no gc cycles";
    } else {
      h += fmt::format("{} (gc {}–{})", plural(s.cycles, "cycle", "cycles"), s.first_gc, s.last_gc);
    }
    if (s.duration_ns > 0) h += fmt::format(" over {}", format_duration(s.duration_ns));
    if (!s.shape.empty()) h += fmt::format(", {} line shape", s.shape);
    bold_wrapped("", h);
  }

  // `text` in bold after `prefix`, wrapped to the width; lines after the first
  // are indented by two spaces. A number stays with its unit, and a version with "Go".
  void bold_wrapped(std::string_view prefix, std::string_view text) {
    const std::vector<std::string> words = words_of(text, /*keep_go=*/true);
    std::string lead(prefix);
    std::string cur;
    size_t cur_w = display_width(prefix);
    for (const std::string& w : words) {
      const size_t tw = display_width(w);
      if (!cur.empty() && cur_w + 1 + tw > width_) {
        line(lead + paint(kSgrBold, cur));
        lead = "  ";
        cur.clear();
        cur_w = 2;
      }
      if (!cur.empty()) {
        cur += ' ';
        ++cur_w;
      }
      cur += w;
      cur_w += tw;
    }
    line(lead + paint(kSgrBold, cur));
  }

  static std::string_view severity_sgr(Severity sev) {
    switch (sev) {
      case Severity::kCritical:
        return kSgrRed;
      case Severity::kWarning:
        return kSgrYellow;
      case Severity::kInfo:
        return kSgrCyan;
    }
    return kSgrBold;
  }

  void findings(const Run& run) { findings(run.findings); }

  void findings(const std::vector<Finding>& list) {
    if (list.empty()) {
      line("");
      line("no findings");
      return;
    }
    std::vector<const Finding*> order;
    order.reserve(list.size());
    for (const Finding& f : list) order.push_back(&f);
    std::stable_sort(order.begin(), order.end(), [](const Finding* a, const Finding* b) {
      return static_cast<int>(a->severity) > static_cast<int>(b->severity);
    });
    for (const Finding* f : order) {
      line("");
      bold_wrapped(fmt::format("{}[{}]: ", paint(severity_sgr(f->severity), severity_name(f->severity)),
                               sanitize(f->code)),
                   f->title);
      if (!f->explanation.empty()) wrap(label_prefix("= why:"), f->explanation);
      if (!f->advice.empty()) wrap(label_prefix("= help:"), f->advice);
      if (!f->evidence.empty()) {
        // Break lines between items only, so that a value is never split.
        std::vector<std::string> items;
        items.reserve(f->evidence.size());
        for (const EvidenceItem& e : f->evidence) {
          if (!items.empty()) items.back().push_back(',');
          items.push_back(fmt::format("{}={}", sanitize(e.key), evidence_text(e)));
        }
        const std::string prefix = fmt::format("  {} ", paint(kSgrDim, "evidence:"));
        wrap_tokens(prefix, display_width(prefix), items);
      }
    }
  }

  static std::string distribution(const Distribution& d, bool with_total) {
    std::string s = fmt::format(
        "p50 {}, p90 {}, p99 {}, max {} (gc {})", format_duration(static_cast<int64_t>(d.p50)),
        format_duration(static_cast<int64_t>(d.p90)), format_duration(static_cast<int64_t>(d.p99)),
        format_duration(static_cast<int64_t>(d.max)), d.max_gc);
    if (with_total) {
      s += fmt::format("; {} in total over {}", format_duration(static_cast<int64_t>(d.total)),
                       plural(d.count, "pause", "pauses"));
    }
    return s;
  }

  // Heap figures: whole MiB when the run's figures are too coarse for decimals.
  static std::string heap(uint64_t bytes, bool coarse) {
    return coarse ? format_bytes_whole_mib(bytes) : format_bytes(bytes);
  }

  static std::string min_max_last(const MinMaxLast& m, bool coarse) {
    return fmt::format("min {}, max {} (gc {}), last {}", heap(m.min, coarse), heap(m.max, coarse),
                       m.max_gc, heap(m.last, coarse));
  }

  static std::string trend(const Trend& t) {
    const std::string sign = t.slope_bytes_per_s > 0 ? "+" : "";
    return fmt::format("{}{} (r² {:.2f}, {} points)", sign, format_byte_rate(t.slope_bytes_per_s),
                       t.r2, format_count(t.points));
  }

  void statistics(const RunSummary& s) {
    line("");
    line(paint(kSgrBold, "statistics"));
    if (s.cycles == 0) {
      stat("cycles", "none");
    } else {
      std::vector<std::string> kinds;
      if (s.user_forced_cycles)
        kinds.push_back(fmt::format("{} user-forced", s.user_forced_cycles));
      if (s.periodic_cycles) kinds.push_back(fmt::format("{} periodic", s.periodic_cycles));
      if (s.stitched_cycles) kinds.push_back(fmt::format("{} stitched", s.stitched_cycles));
      if (s.legacy_cycles) kinds.push_back(fmt::format("{} Go <= 1.4", s.legacy_cycles));
      std::string c = format_count(s.cycles);
      if (!kinds.empty()) c += fmt::format(" ({})", join(kinds, ", "));
      c += s.cycles_per_minute >= 0 ? fmt::format(", {:.1f} per minute", s.cycles_per_minute)
                                    : std::string(", rate per minute not known");
      if (s.numbering_gaps) {
        c += fmt::format("; gc numbering skips {} ({} missing)",
                         plural(s.numbering_gaps, "time", "times"),
                         plural(s.missing_cycles, "cycle", "cycles"));
      }
      stat("cycles", c);
    }
    if (s.duration_ns > 0) {
      std::string span = fmt::format("@{} to @{} since process start", format_duration(s.start_ns),
                                     format_duration(s.end_ns));
      if (s.has_wall_clock) span += fmt::format("; started {}", format_wall_utc(s.wall_start_ns));
      stat("time span", span);
    } else if (s.has_wall_clock) {
      stat("time span", fmt::format("started {}", format_wall_utc(s.wall_start_ns)));
    }
    if (s.stw_pause_ns.count > 0) stat("stw pauses", distribution(s.stw_pause_ns, true));
    if (s.mark_ns.count > 0) stat("concurrent mark", distribution(s.mark_ns, false));
    gc_cpu(s);
    heap_figures(s);
    if (s.alloc_bytes_per_s >= 0) {
      stat("alloc rate", format_byte_rate(s.alloc_bytes_per_s) + " (estimated)");
    }
    if (s.gogc_off) {
      stat("effective GOGC", "off (heap goal astronomically large)");
    } else if (s.gogc_effective >= 0) {
      stat("effective GOGC",
           fmt::format("≈{:.0f} (median of goal over live heap)", s.gogc_effective));
    }
    if (s.procs > 0) stat("GOMAXPROCS", fmt::format("{}", s.procs));
    scavenger(s.scavenger, s.low_precision);
  }

  void gc_cpu(const RunSummary& s) {
    std::vector<std::string> parts;
    if (s.gc_cpu_fraction >= 0) {
      std::string c = format_percent(s.gc_cpu_fraction) + " computed (idle excluded)";
      if (s.gc_cpu_fraction_max_window >= 0 && s.gc_cpu_window_ns > 0) {
        c += fmt::format(", worst {} window {}", format_duration(s.gc_cpu_window_ns),
                         format_percent(s.gc_cpu_fraction_max_window));
      }
      parts.push_back(std::move(c));
    }
    if (s.cycles > s.legacy_cycles) {
      parts.push_back(
          fmt::format("printed {}% at the end (max {}%)", s.util_pct_last, s.util_pct_max));
    }
    if (s.gc_cpu_fraction >= 0 && s.cpu_ns[1] + s.cpu_ns[2] > 0) {
      parts.push_back(fmt::format("assists did {} of mark work", format_percent(s.assist_share)));
    }
    if (!parts.empty()) stat("gc cpu", join(parts, "; "));
  }

  void heap_figures(const RunSummary& s) {
    const bool coarse = s.low_precision;
    if (s.heap_live.present) stat("live heap", min_max_last(s.heap_live, coarse));
    // Fewer than 3 points give no fit (slope and r² 0): not a trend to show.
    if (s.live_trend.points >= 3) {
      std::string t = trend(s.live_trend) + " over the run";
      if (s.live_trend_recent.points >= 3) {
        t += fmt::format("; {} over the last third", trend(s.live_trend_recent));
      }
      stat("live heap trend", t);
    }
    if (s.heap_end.present) {
      stat("heap peak", fmt::format("{} at end of mark (gc {})", heap(s.heap_end.max, coarse),
                                    s.heap_end.max_gc));
    }
    if (s.goal.present && !s.gogc_off) stat("heap goal", min_max_last(s.goal, coarse));
    if (s.stacks.present || s.globals.present) {
      std::vector<std::string> parts;
      if (s.stacks.present) {
        parts.push_back(fmt::format("stacks last {} (max {})", heap(s.stacks.last, coarse),
                                    heap(s.stacks.max, coarse)));
      }
      if (s.globals.present) {
        parts.push_back(fmt::format("globals last {} (max {})", heap(s.globals.last, coarse),
                                    heap(s.globals.max, coarse)));
      }
      stat("stacks/globals", join(parts, "; "));
    }
    if (coarse) {
      line(std::string(kLabelWidth + 2, ' ') + "(heap < 16 MiB: MB-truncated figures are coarse)");
    }
  }

  void scavenger(const ScavengerSummary& sc, bool coarse) {
    if (sc.lines == 0) {
      stat("scavenger", "no scavenger lines");
      return;
    }
    std::vector<std::string> counts;
    if (sc.forced_lines) counts.push_back(fmt::format("{} forced", sc.forced_lines));
    if (sc.controller_resets) {
      counts.push_back(plural(sc.controller_resets, "controller reset", "controller resets"));
    }
    std::string v = sc.era.empty() ? std::string() : sanitize(sc.era) + ": ";
    v += plural(sc.lines, "line", "lines");
    if (!counts.empty()) v += fmt::format(" ({})", join(counts, ", "));
    v += fmt::format("; released {} of work", format_bytes(sc.released_work_bytes));
    if (sc.released_now.present) {
      // `scav` lines count in KiB, exact at any heap size; only scvg's MB are coarse.
      const bool in_mb = coarse && !sc.era.starts_with("scav");
      v += fmt::format("; released to the OS now {} (max {})", heap(sc.released_now.last, in_mb),
                       heap(sc.released_now.max, in_mb));
    }
    if (sc.consumed.present) {
      v += fmt::format("; consumed last {} (max {})", heap(sc.consumed.last, coarse),
                       heap(sc.consumed.max, coarse));
    }
    if (sc.util_pct.present) {
      v += fmt::format("; util last {}% (max {}%)", sc.util_pct.last, sc.util_pct.max);
    }
    stat("scavenger", v);
  }

  void notes(const Run& run) {
    for (const std::string& n : run.notes) wrap(label_prefix("note:"), n);
  }

  void markers(const Run& run) {
    if (run.markers_total == 0) return;
    line("");
    line(paint(kSgrBold,
               fmt::format("program output ({} kept of {})", format_count(run.markers.size()),
                           plural(run.markers_total, "line", "lines"))));
    for (const Marker& m : run.markers) {
      std::string where = fmt::format("  line {}", m.line);
      if (m.after_gc > 0) {
        where += fmt::format(", after gc {}", m.after_gc);
      } else {
        where += ", before any gc";
      }
      if (m.time_ns >= 0) where += fmt::format(", @{}", format_duration(m.time_ns));
      if (m.wall_ns != 0) where += fmt::format(", {}", format_wall_utc(m.wall_ns));
      where += ": ";
      const size_t used = display_width(where);
      const size_t room = width_ > used + 8 ? width_ - used : 8;
      line(paint(kSgrDim, where) + truncate_to(sanitize(m.text), room));
    }
  }

  // `gcsight run`: what ran, how it ended, and what /proc showed.
  void process_section(const ProcessInfo& p) {
    line(paint(kSgrBold, "program"));
    std::vector<std::string> words;
    for (const auto& a : p.command) words.push_back(sanitize(a));
    stat("command", join(words, " "));
    stat("go version", p.go_version.empty() ? (p.go_version_note.empty() ? "unknown" : p.go_version_note)
                                            : p.go_version);
    if (!p.host_kernel.empty()) {
      stat("host", fmt::format("{}, {} CPUs, {} memory", sanitize(p.host_kernel), p.host_cpus, format_bytes(p.host_memory)));
    }
    std::string ended = p.signaled ? fmt::format("killed by signal {} (exit status {})", p.signal, p.exit_status)
                                   : fmt::format("exit status {}", p.exit_status);
    stat("ran", fmt::format("{}, {}", format_duration(p.duration_ns), ended));
    stat("settings", fmt::format("GODEBUG={} GOGC={} GOMEMLIMIT={} GOMAXPROCS={}", sanitize(p.godebug),
                                 p.gogc.empty() ? "(default)" : sanitize(p.gogc),
                                 p.gomemlimit.empty() ? "(default)" : sanitize(p.gomemlimit),
                                 p.gomaxprocs.empty() ? "(default)" : sanitize(p.gomaxprocs)));
    const MemoryTimeline& m = p.memory;
    if (m.have_peak) {
      stat("rss", fmt::format("peak {} at {}, last {} at {}; {} samples every {}{}", format_bytes(m.at_peak.rss),
                              format_duration(m.at_peak.t_ns), format_bytes(m.at_end.rss),
                              format_duration(m.at_end.t_ns), format_count(p.samples),
                              format_duration(p.interval_ns),
                              p.samples_missing > 0 ? fmt::format(" ({} could not be read)", p.samples_missing)
                                                    : std::string()));
      stat("rss at peak", breakdown(m.at_peak));
      stat("rss at end", breakdown(m.at_end));
    } else {
      stat("rss", fmt::format("not sampled ({} samples, {} could not be read)", p.samples, p.samples_missing));
    }
    if (m.cgroup_known) {
      stat("cgroup", fmt::format("v{}, usage peak {} at {}, limit {}{}", m.cgroup_version, format_bytes(m.cgroup_peak),
                                 format_duration(m.cgroup_peak_ns),
                                 m.cgroup_limited ? format_bytes(m.cgroup_limit) : std::string("none"),
                                 m.oom_kills > 0 ? fmt::format(", {} OOM kill(s)", m.oom_kills) : std::string()));
    }
    stat("gcsight itself", fmt::format("{} RSS, {} CPU", format_bytes(p.self_rss), format_duration(static_cast<int64_t>(p.self_cpu_ns))));
    if (m.have_peak || !p.findings.empty()) findings(p.findings);
    line("");
  }

  // "1.0 GiB = heap 10 MiB live + 2 MiB new, retained 990 MiB, file 1.5 MiB, other 8 MiB"; after the
  // last cycle the new heap is not known and shares one figure with other.
  static std::string breakdown(const RssBreakdown& b) {
    std::string s = format_bytes(b.rss) + " = ";
    std::vector<std::string> parts;
    const bool unsplit = b.trace && !b.heap_new_known;
    if (b.trace) {
      parts.push_back(unsplit ? fmt::format("heap {} live + new not known (after the last cycle)", format_bytes(b.heap_live))
                              : fmt::format("heap {} live + {} new", format_bytes(b.heap_live), format_bytes(b.heap_new)));
      parts.push_back(fmt::format("stacks+globals {}", format_bytes(b.stacks_globals)));
      parts.push_back(fmt::format("retained {}", format_bytes(b.retained)));
    }
    if (b.lazy_free > 0) parts.push_back(fmt::format("LazyFree {}", format_bytes(b.lazy_free)));
    parts.push_back(fmt::format("file {}", format_bytes(b.file)));
    parts.push_back(unsplit ? fmt::format("new heap or other {}", format_bytes(b.heap_new_or_other))
                            : fmt::format("other {}", format_bytes(b.other)));
    s += join(parts, ", ");
    s += fmt::format(" (at {})", format_duration(b.t_ns));
    return s;
  }

  void parse_section(const Report& r) {
    const ParseSummary& p = r.parse;
    line(paint(kSgrBold, "parse"));
    std::vector<std::string> inputs;
    for (const InputInfo& in : r.inputs) {
      std::string s = fmt::format("{} ({}, {})", sanitize(in.name), format_bytes(in.bytes),
                                  plural(in.lines, "line", "lines"));
      if (!in.error.empty()) s += fmt::format(": error: {}", sanitize(in.error));
      inputs.push_back(std::move(s));
    }
    if (!inputs.empty()) stat(inputs.size() == 1 ? "input" : "inputs", join(inputs, "; "));
    stat("lines", fmt::format("{} read ({}): {} gc, {} scavenger, {} `GC forced`, {} pacer, "
                              "{} scan, {} program",
                              format_count(p.lines), format_bytes(p.bytes),
                              format_count(p.gc_lines), format_count(p.scavenger_lines),
                              format_count(p.gc_forced_lines), format_count(p.pacer_lines),
                              format_count(p.scan_lines), format_count(p.program_lines)));
    if (p.stitched_lines > 0) {
      stat("stitched", plural(p.stitched_lines, "runtime line", "runtime lines") +
                           " re-assembled from pieces split by program output");
    }
    if (!p.wrappers.empty()) stat("log wrapper", sanitize(join(p.wrappers, ", ")));
    stat("malformed",
         p.malformed_lines == 0
             ? std::string("none")
             : plural(p.malformed_lines, "trace line", "trace lines") + " could not be read");
    const size_t shown = std::min(p.first_malformed.size(), kMaxMalformedShown);
    for (size_t i = 0; i < shown; ++i) malformed(p.first_malformed[i]);
    if (p.malformed_lines > shown && shown > 0) {
      line(fmt::format("    … and {} more", format_count(p.malformed_lines - shown)));
    }
  }

  // `file:line:col: reason`, the line, and a caret under the column when it is on the line.
  void malformed(const ParseProblem& pp) {
    line(fmt::format("    {}:{}:{}: {}", sanitize(pp.input), pp.line, pp.column,
                     paint(kSgrBold, sanitize(pp.reason))));
    constexpr std::string_view kGutter = "      | ";
    line(std::string(kGutter) + sanitize(pp.text));
    if (pp.column >= 1 && pp.column <= pp.text.size() + 1) {
      const size_t col = sanitized_width(pp.text, pp.column - 1);
      line(std::string(kGutter) + std::string(col, ' ') + paint(kSgrRed, "^"));
    }
  }

  bool color_;
  size_t width_;
  ChartGlyphs charts_;
  std::string out_;
};

}  // namespace

std::string render_text(const Report& report, const TextStyle& style) {
  TextWriter w(style);
  w.report(report);
  std::string out = w.take();
  if (style.charts != ChartGlyphs::kAscii) return out;
  // ASCII charts are for a terminal that may not show UTF-8 (a C locale over
  // SSH): the report's own few other glyphs go too.
  return ascii_glyphs(out);
}

}  // namespace gcsight
