#pragma once
// Mutants of the reference signed-login transport (signed_login_mutants.cpp); mutants() lists them.
#include <vector>

#include "dclcomms/conformance/registry.hpp"

namespace dclcomms::conformance {
std::vector<Mutant> signed_login_mutants();
}  // namespace dclcomms::conformance
