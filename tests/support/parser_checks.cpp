// The checks the differential fuzzer runs on every input, kept here so that a
// test can replay the inputs it found with the very same logic.
//
// Parser check: the fast parser (core/trace_line_parser) and the reference
// parser (support/reference_parser, in its runtime-spelling mode) must agree on
// every line: the same kind, the same runtime text span and the same record,
// field by field. Lines neither reads completely (program output, pieces of
// split lines) are not compared; what the fast parser makes of those is the
// stitcher's business.
//
// Stitcher check: every input line must come back in some event. A record
// carries its first line; the program text of the other lines of a stitch comes
// back as program events with their numbers. The one line that can legitimately
// be absent is the last piece of a stitch when the runtime text runs to the end
// of it: nothing of that line is left to return. So each stitched record may
// account for one missing line after it, within the look-ahead window, provided
// every line between the two came back. And a whole runtime line at the start
// of a line is always read as its own record: no wait for another line's rest
// may take it as program text.
#include "support/parser_checks.h"

#include <cstdio>
#include <map>
#include <set>

#include "core/trace_line_parser.h"
#include "support/reference_parser.h"

namespace gcsight::ref {
namespace {

std::string_view line_kind_name(LineKind k) {
  switch (k) {
    case LineKind::kProgram: return "program";
    case LineKind::kGc: return "gc";
    case LineKind::kGcLegacy: return "gc-legacy";
    case LineKind::kScav: return "scav";
    case LineKind::kGcForced: return "GC forced";
    case LineKind::kPacer: return "pacer";
    case LineKind::kScan: return "scan";
    case LineKind::kPartial: return "partial";
  }
  return "?";
}

// The reference kind a fast-parser kind corresponds to; kNone when the fast
// parser did not read a complete runtime line.
RefKind as_ref_kind(LineKind k) {
  switch (k) {
    case LineKind::kGc: return RefKind::kGc;
    case LineKind::kGcLegacy: return RefKind::kGcLegacy;
    case LineKind::kScav: return RefKind::kScav;
    case LineKind::kGcForced: return RefKind::kGcForced;
    case LineKind::kPacer: return RefKind::kPacer;
    case LineKind::kScan: return RefKind::kScan;
    case LineKind::kProgram:
    case LineKind::kPartial: return RefKind::kNone;
  }
  return RefKind::kNone;
}

template <typename T>
void field(std::string& out, const char* name, const T& a, const T& b) {
  if (a == b) return;
  out += name;
  out += ": ";
  out += std::to_string(a);
  out += " vs ";
  out += std::to_string(b);
  out += '\n';
}

// The fast parse described as "kind [begin,end)".
std::string describe(const LineParse& p) {
  std::string s(line_kind_name(p.kind));
  if (as_ref_kind(p.kind) != RefKind::kNone) {
    s += " [" + std::to_string(p.begin) + "," + std::to_string(p.end) + ")";
  }
  return s;
}

std::string describe(const RefParse& r) {
  std::string s(ref_kind_name(r.kind));
  if (r.kind != RefKind::kNone) {
    s += " [" + std::to_string(r.begin) + "," + std::to_string(r.end) + ") shape " +
         std::string(r.shape);
  }
  return s;
}

// Kind, offsets and record of a fast parse against a reference parse.
std::string compare_parses(const LineParse& fast, const RefParse& ref) {
  const RefKind fk = as_ref_kind(fast.kind);
  if (fk == RefKind::kNone && ref.kind == RefKind::kNone) return {};
  if (fk != ref.kind || fast.begin != ref.begin || fast.end != ref.end) {
    return "fast: " + describe(fast) + "; reference: " + describe(ref) + "\n";
  }
  if (fk == RefKind::kGc || fk == RefKind::kGcLegacy) return diff_gc(fast.gc, ref.gc);
  if (fk == RefKind::kScav) return diff_scav(fast.scav, ref.scav);
  return {};
}

}  // namespace

std::string escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += ch;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string diff_gc(const GcCycle& a, const GcCycle& b) {
  std::string out;
  field(out, "line", a.line, b.line);
  field(out, "start_ns", a.start_ns, b.start_ns);
  for (int i = 0; i < 3; ++i) {
    const std::string name = "clock_ns[" + std::to_string(i) + "]";
    field(out, name.c_str(), a.clock_ns[i], b.clock_ns[i]);
  }
  for (int i = 0; i < 5; ++i) {
    const std::string name = "cpu_ns[" + std::to_string(i) + "]";
    field(out, name.c_str(), a.cpu_ns[i], b.cpu_ns[i]);
  }
  field(out, "heap_start", a.heap_start, b.heap_start);
  field(out, "heap_end", a.heap_end, b.heap_end);
  field(out, "heap_live", a.heap_live, b.heap_live);
  field(out, "goal", a.goal, b.goal);
  field(out, "stacks", a.stacks, b.stacks);
  field(out, "globals", a.globals, b.globals);
  field(out, "wall_ns", a.wall_ns, b.wall_ns);
  field(out, "util_pct", a.util_pct, b.util_pct);
  field(out, "gc", a.gc, b.gc);
  field(out, "procs", a.procs, b.procs);
  field(out, "shape", static_cast<int>(a.shape), static_cast<int>(b.shape));
  field(out, "flags", static_cast<int>(a.flags), static_cast<int>(b.flags));
  return out;
}

std::string diff_scav(const ScavEvent& a, const ScavEvent& b) {
  std::string out;
  field(out, "line", a.line, b.line);
  field(out, "wall_ns", a.wall_ns, b.wall_ns);
  field(out, "work_bytes", a.work_bytes, b.work_bytes);
  field(out, "eager_bytes", a.eager_bytes, b.eager_bytes);
  field(out, "released_bytes", a.released_bytes, b.released_bytes);
  field(out, "inuse_bytes", a.inuse_bytes, b.inuse_bytes);
  field(out, "idle_bytes", a.idle_bytes, b.idle_bytes);
  field(out, "sys_bytes", a.sys_bytes, b.sys_bytes);
  field(out, "consumed_bytes", a.consumed_bytes, b.consumed_bytes);
  field(out, "counter", a.counter, b.counter);
  field(out, "util_pct", a.util_pct, b.util_pct);
  field(out, "shape", static_cast<int>(a.shape), static_cast<int>(b.shape));
  field(out, "flags", static_cast<int>(a.flags), static_cast<int>(b.flags));
  return out;
}

std::string compare_line(std::string_view line) {
  const LineParse fast = parse_trace_line(line);
  const RefParse ref = reference_parse(line, Spelling::kRuntime);
  std::string diff = compare_parses(fast, ref);
  if (diff.empty()) return {};
  return "parsers disagree on \"" + escape(line) + "\" (fields: fast vs reference)\n" + diff;
}

std::string spelling_note(std::string_view line) {
  const RefParse lenient = reference_parse(line, Spelling::kLenient);
  if (lenient.kind == RefKind::kNone || lenient.runtime_spelling) return {};
  const LineParse fast = parse_trace_line(line);
  return "\"" + escape(line) + "\": lenient reference reads " + describe(lenient) +
         " with numbers the runtime would spell otherwise; fast parser: " + describe(fast);
}

std::vector<InputLine> split_lines(std::string_view input) {
  std::vector<InputLine> lines;
  uint64_t number = 0;
  size_t pos = 0;
  while (pos < input.size()) {
    const size_t nl = input.find('\n', pos);
    InputLine l;
    l.number = ++number;
    if (nl == std::string_view::npos) {
      l.text = input.substr(pos);
      l.terminated = false;
      pos = input.size();
    } else {
      l.text = input.substr(pos, nl - pos);
      if (!l.text.empty() && l.text.back() == '\r') l.text.remove_suffix(1);
      pos = nl + 1;
    }
    lines.push_back(l);
  }
  return lines;
}

std::string check_stitcher(std::string_view input) {
  const std::vector<InputLine> lines = split_lines(input);
  const StitchOptions opts;
  std::set<uint64_t> seen;
  std::set<uint64_t> record_lines;  // line of each gc, gc-legacy or scav record
  std::vector<uint64_t> stitched;  // line of each stitched record
  std::string failure;
  auto fail = [&failure](std::string what) {
    if (failure.empty()) failure = std::move(what);
  };

  LineStitcher stitcher(
      [&](const TraceEvent& e) {
        if (e.line < 1 || e.line > lines.size()) {
          fail("stitcher emitted an event for line " + std::to_string(e.line) + " of " +
               std::to_string(lines.size()) + "\n");
          return;
        }
        seen.insert(e.line);
        // `GC forced` with the program's text after it is the runtime's only with
        // its newline on the next line, empty: that line is its last piece.
        if (e.kind == EventKind::kGcForced && lines[e.line - 1].text != "GC forced") stitched.push_back(e.line);
        const bool record = e.kind == EventKind::kGc || e.kind == EventKind::kGcLegacy ||
                            e.kind == EventKind::kScav;
        if (!record) return;
        record_lines.insert(e.line);
        const bool is_stitched = e.kind == EventKind::kScav ? e.scav.has(kScavStitched)
                                                            : e.gc.has(kGcStitched);
        if (is_stitched) {
          stitched.push_back(e.line);
          return;
        }
        // An unstitched record is read from its own line alone.
        const std::string_view text = lines[e.line - 1].text;
        const RefParse ref = reference_parse(text, Spelling::kRuntime);
        std::string diff;
        if (e.kind == EventKind::kScav) {
          ScavEvent expect = ref.scav;
          expect.line = e.line;
          expect.wall_ns = e.wall_ns;
          diff = ref.kind == RefKind::kScav ? diff_scav(e.scav, expect) : "reference: not scav\n";
        } else {
          GcCycle expect = ref.gc;
          expect.line = e.line;
          expect.wall_ns = e.wall_ns;
          const RefKind want = e.kind == EventKind::kGc ? RefKind::kGc : RefKind::kGcLegacy;
          diff = ref.kind == want ? diff_gc(e.gc, expect) : "reference: not this gc kind\n";
        }
        if (!diff.empty()) {
          fail("stitcher record for line " + std::to_string(e.line) + " \"" + escape(text) +
               "\" is not what the line says (stitcher vs reference)\n" + diff);
        }
      },
      opts);
  for (const InputLine& l : lines) stitcher.push(l);
  stitcher.finish();
  if (!failure.empty()) return failure;

  // A whole runtime line from a line's start ends any wait for another line's
  // rest and cannot continue one: it must come back as its own record, never
  // as program text (a stitch once took a gc line as the text after its end).
  for (const InputLine& l : lines) {
    const RefParse ref = reference_parse(l.text, Spelling::kRuntime);
    const bool whole = ref.kind == RefKind::kGc || ref.kind == RefKind::kGcLegacy || ref.kind == RefKind::kScav;
    if (whole && ref.begin == 0 && record_lines.count(l.number) == 0) {
      return "stitcher read no record from line " + std::to_string(l.number) + " \"" + escape(l.text) +
             "\", a whole runtime line from its start (reference: " + describe(ref) + ")\n";
    }
  }

  // Lines that came back in no event must each be the last piece of a stitch:
  // group them by the nearest stitched record before them (stitches do not
  // overlap); a group may hold one line, and only if it is within the window.
  std::map<uint64_t, std::vector<uint64_t>> missing_after;  // stitched record line -> missing lines
  for (const InputLine& l : lines) {
    const uint64_t n = l.number;
    if (seen.count(n) != 0) continue;
    uint64_t owner = 0;
    for (uint64_t s : stitched) {
      if (s < n && s > owner) owner = s;
    }
    if (owner == 0 || n - owner >= opts.max_lookahead) {
      return "stitcher lost line " + std::to_string(n) + " \"" + escape(l.text) +
             "\": no event carries it and no stitched record before it can have consumed it\n";
    }
    missing_after[owner].push_back(n);
  }
  for (const auto& [owner, missing] : missing_after) {
    if (missing.size() == 1) continue;
    const uint64_t n = missing.front();
    return "stitcher lost line " + std::to_string(n) + " \"" + escape(lines[n - 1].text) +
           "\": the record stitched at line " + std::to_string(owner) + " leaves " +
           std::to_string(missing.size()) +
           " lines without an event, but only its last piece may have nothing left to return\n";
  }
  return {};
}

std::string check_input(std::string_view input) {
  for (const InputLine& l : split_lines(input)) {
    std::string d = compare_line(l.text);
    if (!d.empty()) return "line " + std::to_string(l.number) + ": " + d;
  }
  return check_stitcher(input);
}

}  // namespace gcsight::ref
