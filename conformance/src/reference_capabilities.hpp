#pragma once
// What our reference transports declare (shared by the registry and the mutants built on them).
#include "dclcomms/conformance/case.hpp"

namespace dclcomms::conformance {
Capabilities ws_room_capabilities();
}  // namespace dclcomms::conformance
