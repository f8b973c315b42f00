// A live snapshot in the Prometheus text exposition format (version 0.0.4),
// for the `--metrics-listen` endpoint. The metric list is in docs/cli.md.
#pragma once

#include <string>
#include <string_view>

#include "core/live_snapshot.h"

namespace gcsight {

/// The Content-Type of render_prometheus()'s output.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Every gcsight_* metric the snapshot has a value for, each with HELP and TYPE.
/// `version` is gcsight's (gcsight_build_info).
std::string render_prometheus(const LiveSnapshot& s, std::string_view version);

}  // namespace gcsight
