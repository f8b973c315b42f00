#include "support/analyze_text.h"

#include <gtest/gtest.h>

#include "core/analyzer.h"
#include "io/analyze_files.h"
#include "io/line_reader.h"

namespace gcsight::testing_support {

Report analyze_text(std::string text, const std::string& name, int year) {
  Analyzer analyzer;
  auto reader = LineReader::from_string(std::move(text), name);
  std::string err;
  EXPECT_TRUE(analyze_reader(*reader, analyzer, year, &err)) << err;
  return analyzer.finish("test");
}

}  // namespace gcsight::testing_support
