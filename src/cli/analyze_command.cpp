// `gcsight analyze`: the phases are read (with decompression and log-wrapper
// removal), stitch split lines, build runs, evaluate findings, render. Reports
// are written whole or not at all: files go to a temporary name first and are
// renamed into place once complete.
#include "cli/analyze_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/exit_codes.h"
#include "cli/output_file.h"
#include "cli/terminal.h"
#include "core/analyzer.h"
#include "core/run_session.h"
#include "gcsight/version.h"
#include "io/analyze_files.h"
#include "io/input_ends.h"
#include "io/line_reader.h"
#include "io/recording.h"
#include "render/render_csv.h"
#include "render/render_html.h"
#include "render/render_json.h"
#include "render/render_text.h"

namespace gcsight {
namespace {

/// Named, timed phases for --timings (mold's Timer idea).
class PhaseTimer {
 public:
  explicit PhaseTimer(bool on) : on_(on) {}
  void mark(const char* name) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    std::cerr << fmt::format("gcsight: timing: {:<10} {:9.3f} ms\n", name,
                             std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

int current_year() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

// The inputs that are recordings of `gcsight run` (read plain or gzip'd).
std::vector<std::string> recordings_among(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const std::string& path : inputs) {
    if (path == "-") continue;  // a pipe cannot be peeked at and read again
    const std::string head = read_head(path, 32);
    if (!head.empty() && is_recording_start(head)) out.push_back(path);
  }
  return out;
}

// Replays a recording through the session `gcsight run` used. A recording cut
// short still gives a report (with *error saying so).
std::optional<Report> replay_recording(const std::string& path, const CycleSink& sink, std::string* error) {
  std::unique_ptr<RunSession> session;
  RunExit exit;
  int64_t last_t = 0;
  RecordingVisitor v;
  v.header = [&](const ProcessInfo& info, bool show_trace, const std::vector<std::string>&) {
    session = std::make_unique<RunSession>(info, show_trace, sink, [](std::string_view) {});
  };
  v.stderr_chunk = [&](int64_t t, std::string_view d) {
    last_t = std::max(last_t, t);
    session->on_stderr(d, t);
  };
  v.sample = [&](const MemorySample& s) {
    last_t = std::max(last_t, s.t_ns);
    session->on_sample(s);
  };
  v.exit = [&](const RunExit& x) { exit = x; };
  bool complete = false;
  std::string err;
  const bool ok = read_recording(path, v, &complete, &err);
  if (!ok) *error = err;
  if (!session) return std::nullopt;
  if (!complete) {
    if (ok) *error = fmt::format("{}: the recording ends before the program did (gcsight was stopped?); "
                                 "analysed up to {:.1f} s", path, static_cast<double>(last_t) / 1e9);
    exit.duration_ns = last_t;
  }
  return session->finish(exit);
}

// The inputs in the order to read them, a rotated set's files grouped oldest
// first (each file is read once more for its first and last gc lines: a large
// plain file at its head and tail only, a compressed one whole).
std::vector<std::vector<std::string>> input_chains(const std::vector<std::string>& inputs) {
  std::vector<std::vector<std::string>> out;
  const bool can_peek = inputs.size() > 1 && std::find(inputs.begin(), inputs.end(), "-") == inputs.end();
  if (!can_peek) {
    for (const std::string& p : inputs) out.push_back({p});
    return out;
  }
  std::vector<InputEnds> ends;
  ends.reserve(inputs.size());
  for (const std::string& p : inputs) ends.push_back(read_input_ends(p, current_year()));
  for (const std::vector<size_t>& chain : chain_inputs(ends)) {
    std::vector<std::string> paths;
    for (size_t i : chain) paths.push_back(inputs[i]);
    out.push_back(std::move(paths));
  }
  return out;
}

}  // namespace

namespace {

// GCSIGHT_READ_THREADS (for benchmarks): 1 reads every input sequentially, N > 1
// parses large files on N threads (N - 1 workers and the consumer); unset or 0
// chooses from the machine.
ReadOptions read_options() {
  ReadOptions read;
  if (const char* v = std::getenv("GCSIGHT_READ_THREADS"); v != nullptr && *v != '\0') {
    const long n = std::strtol(v, nullptr, 10);
    if (n == 1) read.parallel = false;
    if (n > 1) {
      read.chunks.workers = static_cast<unsigned>(std::min(n, 64L)) - 1;
      read.chunks.consumer_parses = true;
    }
  }
  return read;
}

}  // namespace

std::optional<Report> build_report(const std::vector<std::string>& inputs, const AnalyzeOptions& opts,
                                   const CycleSink& sink, int* status, const std::function<void()>& read_done) {
  const std::vector<std::string> recordings = recordings_among(inputs);
  if (!recordings.empty()) {
    // A recording of `gcsight run` replays into the report of that run.
    if (inputs.size() != 1) {
      std::cerr << "gcsight: " << recordings.front()
                << " is a recording of `gcsight run`; analyse it alone, not with other inputs\n";
      *status = kExitUsage;
      return std::nullopt;
    }
    std::string err;
    auto replayed = replay_recording(recordings.front(), sink, &err);
    if (!err.empty()) {
      std::cerr << "gcsight: " << err << "\n";
      *status = kExitInput;
    }
    return replayed;
  }
  Analyzer analyzer(opts, sink);
  const ReadOptions read = read_options();
  for (const std::vector<std::string>& chain : input_chains(inputs)) {
    std::string err;
    if (chain.size() > 1) {
      // A rotated log: its files read as the one log they were cut from.
      std::string name;
      for (const std::string& p : chain) name += (name.empty() ? "" : " + ") + p;
      auto reader = LineReader::open_chain(chain, name);
      if (!analyze_input("", *reader, analyzer, current_year(), &err, read)) {
        std::cerr << "gcsight: " << err << "\n";
        *status = kExitInput;
      }
      continue;
    }
    const std::string& input = chain.front();
    auto reader = LineReader::open(input, &err);
    if (!reader) {
      const std::string name = input == "-" ? "<stdin>" : input;
      std::cerr << "gcsight: " << err << "\n";
      *status = kExitInput;
      analyzer.begin_input(name);
      analyzer.end_input(InputInfo{name, 0, 0, err}, StitchStats{}, "none");
      continue;
    }
    if (!analyze_input(input, *reader, analyzer, current_year(), &err, read)) {
      std::cerr << "gcsight: " << err << "\n";
      *status = kExitInput;
    }
  }
  if (read_done) read_done();
  return analyzer.finish(kVersion);
}

int run_analyze(const AnalyzeArgs& a) {
  PhaseTimer timer(a.timings);
  int status = kExitOk;

  // CSV streams as cycles are read: to stdout, or to a file renamed at the end.
  std::unique_ptr<OutputFile> csv_file;
  std::ostream* csv = nullptr;
  if (a.format == "csv" && !a.csv_file.empty()) {
    std::cerr << "gcsight: --csv FILE and --format csv both ask for the CSV; use one\n";
    return kExitUsage;
  }
  if (!a.html_file.empty() && !html_report_available()) {
    std::cerr << "gcsight: --html: " << kNoHtmlSupport << "\n";
    return kExitUsage;
  }
  if (a.format == "csv") {
    csv = &std::cout;
  } else if (!a.csv_file.empty()) {
    std::string err;
    csv_file = OutputFile::create(a.csv_file, &err);
    if (!csv_file) {
      std::cerr << "gcsight: " << err << "\n";
      return kExitOutput;
    }
    csv = &csv_file->stream();
  }
  if (csv != nullptr) write_csv_header(*csv);
  CycleSink sink;
  if (csv != nullptr) sink = [csv](uint32_t run, const GcCycle& c) { write_csv_row(*csv, run, c); };

  AnalyzeOptions opts;
  opts.max_markers = a.max_markers;
  if (a.start_time_ns) {
    opts.has_start_time = true;
    opts.start_time_ns = *a.start_time_ns;
  }
  opts.since = a.since;
  opts.until = a.until;
  std::optional<Report> built = build_report(a.inputs, opts, sink, &status, [&] { timer.mark("read"); });
  if (!built) return status;
  Report report = std::move(*built);
  timer.mark("analyse");

  if (report.parse.malformed_lines > 0 && a.format != "text") {
    const ParseProblem& p = report.parse.first_malformed.front();
    std::cerr << fmt::format("gcsight: warning: {} trace line{} could not be read; first: {}:{}:{}: {}\n",
                             report.parse.malformed_lines, report.parse.malformed_lines == 1 ? "" : "s",
                             p.input, p.line, p.column, p.reason);
  }
  const bool wall_bound = (a.since && a.since->wall) || (a.until && a.until->wall);
  if (report.runs.empty() && status == kExitOk && (a.since || a.until) && report.parse.gc_lines > 0) {
    std::cerr << "gcsight: warning: no gc cycle in the --since/--until range"
              << (wall_bound && !a.start_time_ns
                      ? " (a wall-clock bound needs times from a log wrapper or --start-time; a plain number is "
                        "seconds since the process start)"
                      : "")
              << "\n";
  } else if (report.runs.empty() && status == kExitOk) {
    std::cerr << "gcsight: warning: no gc lines found (" << no_cycles_reason(report) << ")\n";
  }

  // Files first (whole or not at all), then stdout.
  if (!a.json_file.empty()) {
    std::string err;
    if (!write_file_whole(a.json_file, render_json(report), &err)) {
      std::cerr << "gcsight: " << err << "\n";
      status = kExitOutput;
    }
  }
  if (!a.html_file.empty()) {
    std::string err;
    HtmlFacts facts;
    for (const std::string& in : a.inputs) facts.title += (facts.title.empty() ? "" : ", ") + (in == "-" ? "<stdin>" : in);
    if (!write_file_whole(a.html_file, render_html(report, facts), &err)) {
      std::cerr << "gcsight: " << err << "\n";
      status = kExitOutput;
    }
  }
  if (csv_file) {
    std::string err;
    if (!csv_file->commit(&err)) {
      std::cerr << "gcsight: " << err << "\n";
      status = kExitOutput;
    }
  }
  if (a.format == "json") {
    std::cout << render_json(report);
  } else if (a.format == "text") {
    std::cout << render_text(report, text_style(a.color, a.charts, STDOUT_FILENO));
  }
  if (std::string err; !flush_stdout(&err)) {
    std::cerr << "gcsight: " << err << "\n";
    return kExitOutput;
  }
  timer.mark("render");

  if (status == kExitOk && a.fail_on) {
    for (const Run& r : report.runs) {
      for (const Finding& f : r.findings) {
        if (f.severity >= *a.fail_on) return kExitFailOn;
      }
    }
    for (const Finding& f : report.process.findings) {
      if (f.severity >= *a.fail_on) return kExitFailOn;
    }
  }
  return status;
}

namespace {
// Seconds whose nanoseconds fit an int64_t, with room to spare.
constexpr double kMaxSeconds = 9.2e9;
}  // namespace

std::optional<int64_t> parse_start_time(const std::string& text) {
  if (text.empty()) return std::nullopt;
  // Unix seconds, possibly fractional.
  char* end = nullptr;
  const double secs = std::strtod(text.c_str(), &end);
  if (end != nullptr && *end == '\0') {
    if (!std::isfinite(secs) || std::fabs(secs) >= kMaxSeconds) return std::nullopt;
    return static_cast<int64_t>(secs * 1e9);
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::string rest = text.substr(static_cast<size_t>(consumed));
  int64_t frac_ns = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int64_t scale = 100000000;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      frac_ns += (rest[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    rest = rest.substr(i);
  }
  int64_t offset_s = 0;
  if (rest == "Z" || rest == "z" || rest.empty()) {
    offset_s = 0;
  } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() == 6 && rest[3] == ':') {
    const int oh = std::atoi(rest.substr(1, 2).c_str());
    const int om = std::atoi(rest.substr(4, 2).c_str());
    offset_s = (oh * 3600 + om * 60) * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  // Days from civil (Howard Hinnant's algorithm).
  const int yy = y - (mo <= 2);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  const int64_t unix_s = days * 86400 + h * 3600 + mi * 60 + s - offset_s;
  return unix_s * 1'000'000'000 + frac_ns;
}

}  // namespace gcsight

namespace gcsight {

std::optional<TimeBound> parse_time_bound(const std::string& text) {
  std::string_view v = text;
  if (!v.empty() && v.back() == 's') v.remove_suffix(1);
  double secs = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (!v.empty() && r.ec == std::errc() && r.ptr == v.data() + v.size()) {
    // Seconds since the process start: never negative (`-5` is not a Unix
    // time), and in nanoseconds within 64 bits (292 years).
    if (!std::isfinite(secs) || secs < 0 || secs >= kMaxSeconds) return std::nullopt;
    return TimeBound{false, static_cast<int64_t>(std::llround(secs * 1e9))};
  }
  // A wall-clock time must look like one (a plain number is since the start).
  if (text.find('-') == std::string::npos) return std::nullopt;
  const auto wall = parse_start_time(text);
  if (!wall) return std::nullopt;
  return TimeBound{true, *wall};
}

}  // namespace gcsight
