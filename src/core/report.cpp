// The report model's out-of-line functions: the stable names of severities,
// shared by every renderer so that JSON, text and HTML spell them alike, and
// the reason a report has no cycle, shared by the text report and stderr.
#include "core/report.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/godebug.h"

namespace gcsight {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "unknown";  // only reachable with a value cast from outside the enum
}

std::string no_cycles_reason(const Report& r) {
  const bool unread = !r.inputs.empty() && std::all_of(r.inputs.begin(), r.inputs.end(), [](const InputInfo& in) {
                        return !in.error.empty() && in.lines == 0;
                      });
  if (unread) return "no input could be read";
  if (r.process.present) {
    // gcsight adds gctrace=1 only when the user's GODEBUG has no gctrace of its own.
    const std::string gctrace = godebug_value(r.process.godebug, "gctrace");
    if (gctrace == "0") return "the program's own GODEBUG sets gctrace=0, which turns the trace off; gcsight keeps a user's setting";
  }
  if (r.parse.malformed_lines > 0) {
    return fmt::format("{} trace line{} could not be read; the parse section names the first",
                       r.parse.malformed_lines, r.parse.malformed_lines == 1 ? "" : "s");
  }
  return "was the program run with GODEBUG=gctrace=1?";
}

}  // namespace gcsight
