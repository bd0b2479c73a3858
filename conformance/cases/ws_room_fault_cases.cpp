// ws-room-fault cases: being written (session 2); empty until its cases land.
#include "cases.hpp"

namespace dclcomms::conformance {

void add_ws_room_fault_cases(std::vector<Case>&) {}

}  // namespace dclcomms::conformance
