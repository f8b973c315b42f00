// The figures `gcsight compare` compares, read from a JSON report (the
// document of docs/json-schema.md). Reports made from a trace log or a
// recording go through the same JSON first, so there is one way to read them.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/compare.h"

namespace gcsight {

/// Whether `head` (the first bytes of a file) starts a JSON document.
bool looks_like_json(std::string_view head);

/// The figures of run `run` of `doc` (by its index), or of the run with the
/// most cycles when `run` is nullopt. nullopt and *error when the document is
/// not a gcsight report of a schema this version reads, or has no such run
/// (then also *no_such_run, when given: the report is fine, the index is not).
std::optional<RunMetrics> metrics_from_json(const nlohmann::ordered_json& doc, std::optional<uint32_t> run,
                                            const std::string& input, std::string* error,
                                            bool* no_such_run = nullptr);

}  // namespace gcsight
