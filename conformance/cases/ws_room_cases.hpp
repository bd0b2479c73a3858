#pragma once
#include <vector>

#include "dclcomms/conformance/case.hpp"

namespace dclcomms::conformance {
void add_ws_room_cases(std::vector<Case>& cases);
void add_uri_cases(std::vector<Case>& cases);
}  // namespace dclcomms::conformance
