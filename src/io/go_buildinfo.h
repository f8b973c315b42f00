// The Go version an executable was built with, read from its build info the way
// `go version FILE` does (ELF executables only).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gcsight {

/// The Go version a binary was built with ("go1.21.13", as `go version FILE` prints it),
/// read from the ELF section .go.buildinfo (or, without section headers, from the first
/// writable segment). Reads the headers and that section only, not the whole file.
/// On failure returns nullopt and sets *error (when not null) to a message without the
/// path, for the caller to prefix: exactly "not a Go executable" for an ELF file without
/// Go build info; "not a Go executable (not an ELF file)" for other formats; otherwise
/// what went wrong ("cannot open: ...", "truncated ELF file: ...", ...).
/// Executables from Go releases before 1.18 (pointers to the version instead of the
/// text) are supported too.
std::optional<std::string> read_go_version(const std::string& path, std::string* error);

/// As read_go_version(path, error) for an executable image held in memory (tests, fuzzers).
std::optional<std::string> read_go_version_from_image(std::string_view image, std::string* error);

}  // namespace gcsight
