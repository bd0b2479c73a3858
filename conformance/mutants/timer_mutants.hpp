#pragma once
// Mutants whose timers stop (timer_mutants.cpp), appended to mutants(): a transport, or a driver,
// that stops serving its timer — a dead timer wheel, a `timer` request never acted on.
#include <vector>

#include "dclcomms/conformance/registry.hpp"

namespace dclcomms::conformance {
std::vector<Mutant> timer_mutants();
}  // namespace dclcomms::conformance
