// gcsight's entry point: parse the command line into a plain options struct,
// dispatch to the subcommand, return its exit status. The only place that exits.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "cli/analyze_command.h"
#include "cli/compare_command.h"
#include "cli/run_command.h"
#include "cli/watch_command.h"
#include "cli/exit_codes.h"
#include "gcsight/version.h"
#include "io/metrics_server.h"

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const std::vector<std::string> kSubcommands = {"analyze", "run", "compare", "watch"};

constexpr const char* kRunHelp =
    "Run a Go program with GODEBUG=gctrace=1,scavtrace=1 added to its environment, pass its stdout and\n"
    "stderr through (minus the runtime's trace lines), sample its memory from /proc, and explain it.\n"
    "Exits with the program's status (128+N if it died by signal N; 126 not executable, 127 not found,\n"
    "125 gcsight failed).\n"
    "\n"
    "Usage: gcsight run [OPTIONS] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Options:\n"
    "  --json FILE        write the JSON report to FILE\n"
    "  --csv FILE         write the per-cycle CSV to FILE\n"
    "  --html FILE        write the HTML report (charts, findings, cycle table) to FILE\n"
    "  --record FILE      record the run (trace, output times, samples) for `gcsight analyze FILE`\n"
    "  --no-redact        keep secret-looking values (TOKEN, PASSWORD, KEY...) in the recording and report\n"
    "  --interval SECS    time between /proc samples (default 0.1)\n"
    "  --tree             sample the whole process tree\n"
    "  -q, --quiet        no report or warnings on stderr (failures of gcsight itself are still said)\n"
    "  --show-trace       pass the runtime's trace lines through to stderr too\n"
    "  --live             full-screen dashboard while it runs (needs a terminal; keys: p pause, q quit,\n"
    "                     up/down or k/j scroll the program's output)\n"
    "  --output FILE      write the program's stdout and stderr, as passed through, to FILE\n"
    "  --color WHEN       colour the report: auto (default), always, never\n"
    "  --charts GLYPHS    charts in the report: auto (default: unicode on a UTF-8 locale), unicode, ascii, off\n"
    "  --metrics-listen HOST:PORT  serve Prometheus metrics at http://HOST:PORT/metrics while it runs\n"
    "                     (use 127.0.0.1 unless others must reach it)\n"
    "  --metrics-linger SECS  keep serving the final metrics this long after the program ends (default 0)\n"
    "  -h, --help         this help\n";

std::optional<gcsight::ChartsMode> charts_mode(const std::string& v) {
  if (v == "auto") return gcsight::ChartsMode::kAuto;
  if (v == "unicode") return gcsight::ChartsMode::kUnicode;
  if (v == "ascii") return gcsight::ChartsMode::kAscii;
  if (v == "off") return gcsight::ChartsMode::kOff;
  return std::nullopt;
}

// A number of seconds from `lo` to `hi`; nullopt and *why ("'abc' is not a number")
// when it is not one.
std::optional<double> seconds_option(const std::string& text, double lo, double hi, std::string* why) {
  char* end = nullptr;
  const double secs = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0' || std::isnan(secs)) {
    *why = "'" + text + "' is not a number";
    return std::nullopt;
  }
  if (!(secs >= lo && secs <= hi)) {
    *why = fmt::format("'{}' is not between {} and {} seconds", text, lo, hi);
    return std::nullopt;
  }
  return secs;
}

int run_usage(const std::string& msg) {
  std::cerr << "gcsight: run: " << msg << "\nUsage: gcsight run [OPTIONS] [--] PROGRAM [ARGS...] (gcsight run --help)\n";
  return 125;
}

// `run`'s options end at the program's name: what follows is the program's. They
// are read here rather than by CLI11, whose prefix_command() (2.1, Debian 12's)
// would take a misspelt option for the start of the program's command line.
int run_main(int argc, char** argv) {
  gcsight::RunArgs ra;
  int i = 2;
  auto value = [&](const std::string& opt, std::string* out) {
    if (i + 1 >= argc) return false;
    *out = argv[++i];
    (void)opt;
    return true;
  };
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.empty() || a[0] != '-') break;
    std::string v;
    if (a == "-h" || a == "--help") {
      std::cout << kRunHelp;
      return 0;
    } else if (a == "--json") {
      if (!value(a, &ra.json_file)) return run_usage("--json needs a FILE");
    } else if (a == "--csv") {
      if (!value(a, &ra.csv_file)) return run_usage("--csv needs a FILE");
    } else if (a == "--html") {
      if (!value(a, &ra.html_file)) return run_usage("--html needs a FILE");
    } else if (a == "--interval") {
      if (!value(a, &v)) return run_usage("--interval needs seconds");
      std::string why;
      const auto secs = seconds_option(v, 0.001, 3600, &why);
      if (!secs) return run_usage("--interval: " + why);
      ra.interval_ns = static_cast<int64_t>(*secs * 1e9);
    } else if (a == "--metrics-listen") {
      if (!value(a, &ra.metrics_listen)) return run_usage("--metrics-listen needs HOST:PORT");
      // Checked here: "" would otherwise read as no endpoint at all.
      std::string err;
      if (!gcsight::parse_listen_address(ra.metrics_listen, &err)) return run_usage("--metrics-listen: " + err);
    } else if (a == "--metrics-linger") {
      if (!value(a, &v)) return run_usage("--metrics-linger needs seconds");
      std::string why;
      const auto secs = seconds_option(v, 0, 86400, &why);
      if (!secs) return run_usage("--metrics-linger: " + why);
      ra.metrics_linger_ns = static_cast<int64_t>(*secs * 1e9);
    } else if (a == "--live") {
      ra.live = true;
    } else if (a == "--output") {
      if (!value(a, &ra.output_file)) return run_usage("--output needs a FILE");
    } else if (a == "--record") {
      if (!value(a, &ra.record_file)) return run_usage("--record needs a FILE");
    } else if (a == "--no-redact") {
      ra.redact = false;
    } else if (a == "--tree") {
      ra.tree = true;
    } else if (a == "-q" || a == "--quiet") {
      ra.quiet = true;
    } else if (a == "--show-trace") {
      ra.show_trace = true;
    } else if (a == "--color" || a.rfind("--color=", 0) == 0) {
      if (a == "--color") {
        if (!value(a, &v)) return run_usage("--color needs auto, always or never");
      } else {
        v = a.substr(8);
      }
      if (v == "auto") {
        ra.color = gcsight::ColorMode::kAuto;
      } else if (v == "always") {
        ra.color = gcsight::ColorMode::kAlways;
      } else if (v == "never") {
        ra.color = gcsight::ColorMode::kNever;
      } else {
        return run_usage("--color: '" + v + "' is not auto, always or never");
      }
    } else if (a == "--charts" || a.rfind("--charts=", 0) == 0) {
      if (a == "--charts") {
        if (!value(a, &v)) return run_usage("--charts needs auto, unicode, ascii or off");
      } else {
        v = a.substr(9);
      }
      const auto mode = charts_mode(v);
      if (!mode) return run_usage("--charts: '" + v + "' is not auto, unicode, ascii or off");
      ra.charts = *mode;
    } else {
      return run_usage("unknown option '" + a + "'");
    }
  }
  for (; i < argc; ++i) ra.command.emplace_back(argv[i]);
  if (ra.command.empty()) return run_usage("no program given");
  return gcsight::run_run(ra);
}

}  // namespace

int main(int argc, char** argv) {
  using gcsight::AnalyzeArgs;
  // "Did you mean" for a misspelt subcommand, before CLI11 sees it.
  if (argc >= 2 && argv[1][0] != '-') {
    const std::string word = argv[1];
    if (std::find(kSubcommands.begin(), kSubcommands.end(), word) == kSubcommands.end()) {
      std::string best;
      size_t best_d = 3;
      for (const auto& s : kSubcommands) {
        const size_t d = edit_distance(word, s);
        if (d < best_d) {
          best_d = d;
          best = s;
        }
      }
      std::cerr << "gcsight: unknown command '" << word << "'";
      if (!best.empty()) std::cerr << "; did you mean '" << best << "'?";
      std::cerr << "\nRun 'gcsight --help' for the commands.\n";
      return gcsight::kExitUsage;
    }
  }

  CLI::App app{"gcsight: explain a Go program's memory from its GC and scavenger trace"};
  app.set_version_flag("--version", std::string("gcsight ") + gcsight::kVersion);
  app.require_subcommand(1);

  AnalyzeArgs aa;
  std::string color = "auto";
  std::string charts = "auto";
  std::string fail_on;
  std::string start_time;
  auto* analyze = app.add_subcommand("analyze", "Analyse saved GODEBUG=gctrace=1,scavtrace=1 output (files or - for stdin)");
  analyze->add_option("inputs", aa.inputs, "Trace logs (.gz and .zst read transparently); - reads stdin")->required();
  analyze->add_option("--format", aa.format, "Report on stdout: text, json or csv (one row per cycle)")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  analyze->add_option("--json", aa.json_file, "Also write the JSON report to FILE");
  analyze->add_option("--csv", aa.csv_file, "Also write the per-cycle CSV to FILE");
  analyze->add_option("--html", aa.html_file, "Also write the HTML report (interactive charts, one self-contained file) to FILE");
  analyze->add_option("--color", color, "Colour the text report: auto (a terminal, unless NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  analyze->add_option("--charts", charts, "Charts in the text report: auto (unicode on a UTF-8 locale, else ascii), unicode, ascii, off")
      ->check(CLI::IsMember({"auto", "unicode", "ascii", "off"}));
  analyze->add_option("--fail-on", fail_on, "Exit 1 if a finding has this severity or worse: info, warning, critical")
      ->check(CLI::IsMember({"info", "warning", "critical"}));
  analyze->add_option("--start-time", start_time,
                      "Wall-clock time of the process start (@0s), RFC 3339 or unix seconds, for logs without timestamps");
  std::string since, until;
  analyze->add_option("--since", since,
                      "Only cycles that started at or after this: seconds since the process start (90, 90s), or an RFC 3339 "
                      "wall-clock time where the log or --start-time gives one");
  analyze->add_option("--until", until, "Only cycles that started before this (the same forms as --since)");
  analyze->add_option("--max-markers", aa.max_markers, "Program output lines kept per run in the report")
      ->check(CLI::Range(size_t{0}, size_t{1'000'000}));
  analyze->add_flag("--timings", aa.timings, "Print the time of each phase to stderr")->group("");

  gcsight::CompareArgs ca;
  std::string compare_color = "auto";
  uint32_t run_a = 0, run_b = 0;
  auto* compare = app.add_subcommand("compare", "Compare two runs (trace logs, recordings or JSON reports); "
                                                "--fail-if makes a CI job fail on a regression");
  compare->add_option("A", ca.a, "The baseline: a trace log, a recording of gcsight run, or a JSON report")->required();
  compare->add_option("B", ca.b, "The one to judge, the same kinds")->required();
  compare->add_option("--fail-if", ca.fail_if,
                      "Exit 1 when B crosses it: METRIC:+N% (relative) or METRIC:+N (in the metric's unit); - for a "
                      "decrease; repeatable. Metrics: docs/cli.md")
      ->take_all();
  compare->add_option("--format", ca.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  compare->add_option("--run-a", run_a, "Which run of A (its index; default: the one with the most cycles)");
  compare->add_option("--run-b", run_b, "Which run of B");
  compare->add_option("--color", compare_color, "auto, always, never")->check(CLI::IsMember({"auto", "always", "never"}));

  gcsight::WatchArgs wa;
  // Read as text and checked after parsing (seconds_option), so that a value
  // that is not a number is not called out of range, and the hidden --poll's
  // error names it (CLI11 gives a hidden option's errors no name).
  std::string watch_interval = "1", watch_poll = "0.1";
  std::string watch_charts = "auto";
  auto* watch = app.add_subcommand("watch", "Follow a growing trace log (as tail -F: rotation and truncation "
                                            "handled) and report each cycle as it comes");
  watch->add_option("input", wa.input, "The trace log to follow, or - for stdin")->required();
  watch->add_option("--format", wa.format, "text: a status line per interval; json: NDJSON, one object per "
                                           "cycle, scavenger line and interval summary")
      ->check(CLI::IsMember({"text", "json"}));
  watch->add_option("--interval", watch_interval, "Seconds between status lines / summaries (0.01 to 3600, default 1)");
  watch->add_flag("--from-end", wa.from_end, "Start at the file's current end instead of its start");
  watch->add_option("--metrics-listen", wa.metrics_listen,
                    "Serve Prometheus metrics at http://HOST:PORT/metrics (use 127.0.0.1 unless others must reach it)");
  watch->add_flag("--live", wa.live, "Full-screen dashboard instead of status lines (needs a terminal; keys: "
                                     "p pause, q quit, up/down or k/j scroll the log's other lines)");
  watch->add_option("--charts", watch_charts, "The dashboard's charts: auto, unicode, ascii or off")
      ->check(CLI::IsMember({"auto", "unicode", "ascii", "off"}));
  watch->add_option("--poll", watch_poll, "Seconds between checks of the file for growth (0.001 to 60)")->group("");

  // `run` takes the program's command line verbatim after its own options, so
  // it is parsed here rather than by CLI11 (which would reorder `--`).
  app.add_subcommand("run", "Run a Go program with the GC trace on, pass its output through, sample its memory, "
                            "and explain it (gcsight run --help)");
  if (argc >= 2 && std::string(argv[1]) == "run") return run_main(argc, argv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The help of the subcommand being read, when one was named.
    const std::vector<CLI::App*> named = app.get_subcommands();
    const std::string help = named.empty() ? "gcsight --help" : "gcsight " + named.back()->get_name() + " --help";
    std::cerr << "gcsight: " << e.what() << "\nRun '" << help << "' for usage.\n";
    return gcsight::kExitUsage;
  }

  if (watch->parsed()) {
    // Checked here: "" would otherwise read as no endpoint at all.
    std::string err;
    if (watch->count("--metrics-listen") > 0 && !gcsight::parse_listen_address(wa.metrics_listen, &err)) {
      std::cerr << "gcsight: --metrics-listen: " << err << "\nRun 'gcsight watch --help' for usage.\n";
      return gcsight::kExitUsage;
    }
    for (auto [text, ns, name, lo, hi] : {std::tuple{&watch_interval, &wa.interval_ns, "--interval", 0.01, 3600.0},
                                          std::tuple{&watch_poll, &wa.poll_ns, "--poll", 0.001, 60.0}}) {
      std::string why;
      const auto secs = seconds_option(*text, lo, hi, &why);
      if (!secs) {
        std::cerr << "gcsight: " << name << ": " << why << "\nRun 'gcsight watch --help' for usage.\n";
        return gcsight::kExitUsage;
      }
      *ns = static_cast<int64_t>(*secs * 1e9);
    }
    wa.charts = *charts_mode(watch_charts);
    return gcsight::run_watch(wa);
  }
  if (compare->parsed()) {
    ca.color = compare_color == "always" ? gcsight::ColorMode::kAlways
               : compare_color == "never" ? gcsight::ColorMode::kNever
                                          : gcsight::ColorMode::kAuto;
    if (compare->count("--run-a") > 0) ca.run_a = run_a;
    if (compare->count("--run-b") > 0) ca.run_b = run_b;
    return gcsight::run_compare(ca);
  }
  if (analyze->parsed()) {
    aa.color = color == "always" ? gcsight::ColorMode::kAlways
               : color == "never" ? gcsight::ColorMode::kNever
                                  : gcsight::ColorMode::kAuto;
    aa.charts = *charts_mode(charts);
    if (!fail_on.empty()) {
      aa.fail_on = fail_on == "info" ? gcsight::Severity::kInfo
                   : fail_on == "warning" ? gcsight::Severity::kWarning
                                          : gcsight::Severity::kCritical;
    }
    for (auto [text, bound, name] : {std::tuple{&since, &aa.since, "--since"}, std::tuple{&until, &aa.until, "--until"}}) {
      if (text->empty()) continue;
      *bound = gcsight::parse_time_bound(*text);
      if (!*bound) {
        std::cerr << "gcsight: " << name << ": cannot read '" << *text
                  << "' (use seconds since the process start such as 90 or 90s, or RFC 3339 such as "
                     "2024-03-01T12:00:00Z)\n";
        return gcsight::kExitUsage;
      }
    }
    if (!start_time.empty()) {
      aa.start_time_ns = gcsight::parse_start_time(start_time);
      if (!aa.start_time_ns) {
        std::cerr << "gcsight: --start-time: cannot read '" << start_time
                  << "' (use RFC 3339 such as 2024-03-01T12:00:00Z, or unix seconds)\n";
        return gcsight::kExitUsage;
      }
    }
    return gcsight::run_analyze(aa);
  }
  return gcsight::kExitUsage;
}
