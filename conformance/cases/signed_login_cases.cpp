// signed-login cases: being written (session 2); empty until its cases land.
#include "cases.hpp"

namespace dclcomms::conformance {

void add_signed_login_cases(std::vector<Case>&) {}

}  // namespace dclcomms::conformance
