// The HTML report: one self-contained page (scripts, styles and data inline,
// no network request) with interactive charts per run, the findings linked to
// the cycles they name, and a per-cycle table. The page is deterministic:
// the same report and facts give the same bytes.
#pragma once

#include <string>
#include <string_view>

#include "core/report.h"

namespace gcsight {

/// Facts from outside the report that the page shows; passed in, never sniffed.
struct HtmlFacts {
  std::string title;  ///< page title, e.g. the input's name or the command run
};

/// Whether this build can write the HTML report (uPlot was fetched by npm when
/// gcsight was built; see src/render/CMakeLists.txt).
bool html_report_available();

/// What `--html` says when html_report_available() is false.
inline constexpr std::string_view kNoHtmlSupport =
    "this gcsight was built without the HTML report (npm was not found when it was built; "
    "see docs/html-report.md)";

/// The data the page draws: the JSON report plus each run's chart series, its
/// table cycles and the clock offset of the process samples. Exposed for tests.
std::string html_report_data(const Report& report, const HtmlFacts& facts);

/// The report as one HTML page. The data blob has `<` escaped as `\u003c`, so
/// no program text can close its script element.
std::string render_html(const Report& report, const HtmlFacts& facts);

}  // namespace gcsight
