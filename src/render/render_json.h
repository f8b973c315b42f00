// The JSON report: the machine-readable form of a Report, a contract other
// tools rely on. The schema is documented in docs/json-schema.md; keys appear
// in the documented order and doubles are rounded so output is byte-stable.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/report.h"

namespace gcsight {

/// The report as a JSON value whose objects keep the documented key order
/// (include <nlohmann/json.hpp> to use it).
nlohmann::ordered_json report_to_json(const Report& report);

/// The report as pretty JSON (2-space indent) ending in a newline; invalid UTF-8 in
/// program text is replaced by U+FFFD rather than failing.
std::string render_json(const Report& report);

/// A double rounded to `digits` significant digits, so that it prints the same everywhere.
double round_significant(double v, int digits = 6);

}  // namespace gcsight
