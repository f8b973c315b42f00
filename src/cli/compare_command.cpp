#include "cli/compare_command.h"

#include <unistd.h>
#include <zlib.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/analyze_command.h"
#include "cli/exit_codes.h"
#include "cli/output_file.h"
#include "core/compare.h"
#include "gcsight/version.h"
#include "io/line_reader.h"
#include "render/render_compare.h"
#include "render/render_json.h"
#include "render/report_metrics.h"

namespace gcsight {

namespace {

// The whole of a file, plain or gzip'd; nullopt when it cannot be read.
std::optional<std::string> read_whole(const std::string& path, std::string* error) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = path + ": cannot open";
    return std::nullopt;
  }
  std::string data;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
  int code = 0;
  const char* msg = gzerror(f, &code);
  const bool ok = n == 0 && code == Z_OK;
  if (!ok) *error = path + ": " + (msg != nullptr ? msg : "read error");
  gzclose(f);
  if (!ok) return std::nullopt;
  return data;
}

// One side's figures: a JSON report is read as it is; a trace log or a
// recording is analysed first, into the same JSON.
std::optional<RunMetrics> load_side(const std::string& path, std::optional<uint32_t> run, int* status) {
  if (path == "-") {
    std::cerr << "gcsight: compare: give A and B as files ('-' is not read)\n";
    *status = kExitUsage;
    return std::nullopt;
  }
  std::string err;
  nlohmann::ordered_json doc;
  if (looks_like_json(read_head(path, 256))) {
    const auto text = read_whole(path, &err);
    if (!text) {
      std::cerr << "gcsight: " << err << "\n";
      *status = kExitInput;
      return std::nullopt;
    }
    doc = nlohmann::ordered_json::parse(*text, nullptr, false);
    if (doc.is_discarded()) {
      std::cerr << "gcsight: " << path << ": not valid JSON\n";
      *status = kExitInput;
      return std::nullopt;
    }
  } else {
    int st = kExitOk;
    const auto report = build_report({path}, AnalyzeOptions{}, {}, &st);
    if (st != kExitOk || !report) {
      *status = st == kExitOk ? kExitInput : st;
      return std::nullopt;
    }
    doc = report_to_json(*report);
  }
  bool no_such_run = false;
  auto m = metrics_from_json(doc, run, path, &err, &no_such_run);
  if (!m) {
    std::cerr << "gcsight: " << err << "\n";
    // A --run-a/--run-b the report does not have is the command line's mistake.
    *status = no_such_run ? kExitUsage : kExitInput;
  }
  return m;
}

}  // namespace

int run_compare(const CompareArgs& args) {
  std::vector<Threshold> thresholds;
  for (const std::string& spec : args.fail_if) {
    std::string err;
    auto t = parse_threshold(spec, &err);
    if (!t) {
      std::cerr << "gcsight: --fail-if " << err << "\n";
      return kExitUsage;
    }
    thresholds.push_back(std::move(*t));
  }
  int status = kExitOk;
  auto a = load_side(args.a, args.run_a, &status);
  if (!a) return status;
  auto b = load_side(args.b, args.run_b, &status);
  if (!b) return status;
  const Comparison c = compare_runs(std::move(*a), std::move(*b), thresholds);
  if (args.format == "json") {
    std::cout << render_compare_json(c, kVersion);
  } else {
    std::cout << render_compare_text(c, use_color(args.color, STDOUT_FILENO));
  }
  if (std::string err; !flush_stdout(&err)) {
    std::cerr << "gcsight: " << err << "\n";
    return kExitOutput;
  }
  if (c.unknown) {
    for (const ThresholdResult& t : c.thresholds) {
      if (!t.known) {
        std::cerr << "gcsight: --fail-if " << t.threshold.spec << ": " << metric_info(t.threshold.metric).name
                  << " is not known on both sides\n";
      }
    }
    return kExitUsage;
  }
  return c.crossed ? kExitFailOn : kExitOk;
}

}  // namespace gcsight
