#pragma once
// Mutants of the reference livekit transport (livekit_mutants.cpp), appended to mutants().
#include <vector>

#include "dclcomms/conformance/registry.hpp"

namespace dclcomms::conformance {
std::vector<Mutant> livekit_mutants();
}  // namespace dclcomms::conformance
