// The read loop shared by `gcsight analyze` and the tests: one pass over each
// input, lines handed on as views (no copy unless the stitcher holds one).
#include "io/analyze_files.h"

#include "core/log_wrapper.h"
#include "gcsight/version.h"

namespace gcsight {

bool analyze_reader(LineReader& reader, Analyzer& analyzer, int default_year, std::string* error) {
  analyzer.begin_input(reader.name());
  UnwrapOptions uopts;
  uopts.default_year = default_year;
  LogUnwrapper unwrap(uopts);
  LineStitcher stitcher([&analyzer](const TraceEvent& e) { analyzer.on_event(e); });
  Line line;
  Unwrapped u;
  uint64_t lines = 0;
  bool last_terminated = true;
  while (reader.next(line)) {
    ++lines;
    last_terminated = line.terminated;
    if (unwrap.feed(line.text, line.number, u)) {
      stitcher.push({u.payload, u.first_line, u.has_time ? u.wall_ns : 0, line.terminated});
    }
  }
  // One unfinished joined line may remain per stream.
  while (unwrap.finish(u)) stitcher.push({u.payload, u.first_line, u.has_time ? u.wall_ns : 0, last_terminated});
  stitcher.finish();
  InputInfo info{reader.name(), reader.bytes_read(), lines, {}};
  const bool ok = !reader.failed();
  if (!ok) {
    info.error = reader.error();
    if (error != nullptr) *error = reader.error();
  }
  analyzer.end_input(std::move(info), stitcher.stats(), std::string(wrapper_name(unwrap.kind())));
  return ok;
}

Report analyze_files(const std::vector<std::string>& paths, const AnalyzeOptions& opts,
                     const CycleSink& cycles, int default_year, std::vector<std::string>* errors) {
  Analyzer analyzer(opts, cycles);
  for (const std::string& path : paths) {
    std::string err;
    auto reader = LineReader::open(path, &err);
    if (!reader) {
      const std::string name = path == "-" ? "<stdin>" : path;
      analyzer.begin_input(name);
      analyzer.end_input(InputInfo{name, 0, 0, err}, StitchStats{}, "none");
      if (errors != nullptr) errors->push_back(err);
      continue;
    }
    if (!analyze_reader(*reader, analyzer, default_year, &err) && errors != nullptr) errors->push_back(err);
  }
  return analyzer.finish(kVersion);
}

}  // namespace gcsight
