// The scripts and styles the HTML report inlines, embedded at build time by
// cmake/embed_assets.cmake: uPlot (from npm, pinned in web/package-lock.json)
// and gcsight's own web/report.js and web/report.css.
#pragma once

#include <string_view>

namespace gcsight::html_assets {

/// uPlot's `dist/uPlot.iife.min.js`; empty when the build had no npm.
extern const std::string_view uplot_js;
/// uPlot's `dist/uPlot.min.css`; empty when the build had no npm.
extern const std::string_view uplot_css;
/// web/report.js: draws the charts, findings and table from the data blob.
extern const std::string_view report_js;
/// web/report.css.
extern const std::string_view report_css;

}  // namespace gcsight::html_assets
