// Human formatting of quantities for the terminal (and later HTML) reports:
// bytes in IEC units, durations adaptively from ns to hours, rates, percents,
// counts and UTC wall-clock instants. Machine formats (JSON, CSV) never use
// these: they carry the raw integers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gcsight {

/// Bytes in IEC units: "0 B", "512 B", "1.5 KiB", "1.0 MiB", "123 MiB" (one decimal below 100).
std::string format_bytes(uint64_t bytes);

/// Bytes as whole MiB ("4 MiB", "0 MiB"), for figures the runtime truncated to MB.
std::string format_bytes_whole_mib(uint64_t bytes);

/// A signed byte quantity (e.g. a growth rate numerator); negative values get a leading '-'.
std::string format_bytes_signed(double bytes);

/// A duration: "999 ns", "1.5 µs", "12.3 ms", "2.5 s", "2m05s", "1h02m"; negatives get '-'.
std::string format_duration(int64_t ns);

/// A byte rate: "1.2 MiB/s"; negatives get '-'.
std::string format_byte_rate(double bytes_per_s);

/// A fraction (0.021) as a percent with one decimal: "2.1%"; tiny non-zero values as "<0.1%".
std::string format_percent(double fraction);

/// An integer with thousands separators: "1,234,567".
std::string format_count(uint64_t n);

/// A wall-clock instant (ns since the Unix epoch) in UTC: "2024-01-02T03:04:05.123Z".
std::string format_wall_utc(int64_t ns_since_epoch);

/// `text` with the few non-ASCII glyphs gcsight's own text uses (— – … µ ² ≈) in
/// ASCII, each as wide as it was ("-", "-", "~", "u", "2", "~"): for a terminal that
/// may not show UTF-8 (ASCII charts). Any other byte is left as it is.
std::string ascii_glyphs(std::string_view text);

}  // namespace gcsight
