#pragma once
// Reports of a run: JUnit XML for CI, JSON for machines, and one self-contained HTML page for people
// (summary matrix, then per case the verdict, spec reference, message sequence diagram, frames in hex
// and decoded JSON, and the command that reproduces it). No external resources: it works offline.

#include <string>

#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::conformance {

std::string report_json(const std::vector<RunSummary>& runs);
std::string report_junit(const std::vector<RunSummary>& runs);
std::string report_html(const std::vector<RunSummary>& runs);

}  // namespace dclcomms::conformance
