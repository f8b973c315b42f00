// libFuzzer target for the trace parser. Every input is split into lines the
// way LineReader splits a log; each line goes through the fast parser and the
// reference parser (tests/support), which must agree whenever either reads a
// complete runtime line, and the whole input goes through LineStitcher, which
// must not crash and must never lose a line. The checks live in
// tests/support/parser_checks.cpp so that fuzz/regressions/ can be replayed by
// the unit tests with the same logic. Built with -DGCSIGHT_BUILD_FUZZ=ON and
// clang; see fuzz/run.sh.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "support/parser_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string failure = gcsight::ref::check_input(input);
  if (!failure.empty()) {
    std::fprintf(stderr, "gcsight fuzz check failed:\n%s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
