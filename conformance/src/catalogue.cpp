#include "../cases/cases.hpp"
#include "dclcomms/conformance/case.hpp"

namespace dclcomms::conformance {

const std::vector<Case>& case_catalogue() {
  static const std::vector<Case> cases = [] {
    std::vector<Case> all;
    add_uri_cases(all);
    add_ws_room_cases(all);
    add_ws_room_fault_cases(all);
    add_signed_login_cases(all);
    add_livekit_cases(all);
    add_simulator_cases(all);
    add_offline_cases(all);
    add_wire_cases(all);
    add_livekit_wire_cases(all);
    return all;
  }();
  return cases;
}

}  // namespace dclcomms::conformance
