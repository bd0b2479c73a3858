#pragma once
// Reports of a run: JUnit XML for CI, JSON for machines, and one self-contained HTML page for people
// (summary matrix, then per case the verdict, spec reference, message sequence diagram, frames in hex
// and decoded JSON, and the command that reproduces it). No external resources: it works offline.

#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/conformance/conformance_error.hpp"
#include "dclcomms/core/result.hpp"

#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::conformance {

std::string report_json(const std::vector<RunSummary>& runs);
/// The runs a report.json holds, as report_json wrote them (for `conformance merge`); fails with
/// what is wrong with the text.
core::Result<std::vector<RunSummary>, ConformanceError> read_report_json(std::string_view text);
std::string report_junit(const std::vector<RunSummary>& runs);
std::string report_html(const std::vector<RunSummary>& runs);

}  // namespace dclcomms::conformance
