// The report model's one out-of-line function: the stable names of severities,
// shared by every renderer so that JSON, text and HTML spell them alike.
#include "core/report.h"

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

}  // namespace gcsight
