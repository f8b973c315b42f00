// GODEBUG is a comma-separated list of key=value pairs; the runtime reads it
// left to right and a later key overrides an earlier one. gcsight appends its
// two keys only when absent, so a user's own gctrace/scavtrace choice stands
// and every other setting (madvdontneed=1, gcstoptheworld=...) survives.
#include "core/godebug.h"

#include <vector>

namespace gcsight {
namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const size_t end = comma == std::string_view::npos ? s.size() : comma;
    if (end > start) out.push_back(s.substr(start, end - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string godebug_value(std::string_view godebug, std::string_view key) {
  std::string value;
  for (std::string_view item : split(godebug)) {
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == key) value = std::string(item.substr(eq + 1));
  }
  return value;
}

std::string merge_godebug(std::string_view user) {
  bool has_gc = false, has_scav = false;
  for (std::string_view item : split(user)) {
    const std::string_view key = item.substr(0, item.find('='));
    has_gc |= key == "gctrace";
    has_scav |= key == "scavtrace";
  }
  std::string out(user);
  while (!out.empty() && out.back() == ',') out.pop_back();
  auto add = [&out](std::string_view kv) {
    if (!out.empty()) out += ',';
    out += kv;
  };
  if (!has_gc) add("gctrace=1");
  if (!has_scav) add("scavtrace=1");
  return out;
}

}  // namespace gcsight
