#pragma once
// The conformance library's error vocabulary: what went wrong before or after a run (the verdicts
// of a run are not errors). The CLI maps each code to an exit code.

#include <cstdint>
#include <string_view>

#include "dclcomms/core/result.hpp"

namespace dclcomms::conformance {

enum class ConformanceErrorCode : std::uint8_t {
  bad_argument,     // a seed range or a shard as the user wrote it
  driver_unusable,  // a driver that cannot be started, or whose hello is not the protocol's
  bad_report,       // a report.json that is not one of ours
  shards_mismatch,  // reports that do not make one sweep: one missing, one twice, not sweeps, two ranges
};
std::string_view to_string(ConformanceErrorCode code);

using ConformanceError = core::Error<ConformanceErrorCode>;

}  // namespace dclcomms::conformance
