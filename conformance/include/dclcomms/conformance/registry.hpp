#pragma once
// The transports the suite knows by name: our reference transports (which must pass everything) and
// the mutants (deliberately broken transports, each of which some case must catch).

#include <optional>
#include <string>
#include <vector>

#include "dclcomms/conformance/case.hpp"
#include "dclcomms/conformance/conformance_error.hpp"
#include "dclcomms/core/result.hpp"

namespace dclcomms::conformance {

/// Reference transports, by name: "ws-room". Each registers every standard type (below); its
/// capabilities say which type its cases exercise.
std::vector<TransportUnderTest> reference_transports();

/// Every standard type (reference/registry's list) on `factory`, with the harness's services
/// (the simulated LiveKit SFU, the world's wall clock).
void register_reference_types(transport::TransportFactory& factory, const HarnessServices& services);

/// A mutant and the case meant to catch it.
struct Mutant {
  TransportUnderTest transport;
  std::string caught_by;  // case id
  std::string flaw;       // what is broken
};
std::vector<Mutant> mutants();

/// A reference transport or a mutant by name.
std::optional<TransportUnderTest> find_transport(const std::string& name);

/// An out-of-process transport: a driver command (docs/driver-protocol.md), asked for its name and
/// capabilities. Fails with a readable reason.
core::Result<TransportUnderTest, ConformanceError> find_driver(const std::string& command);

}  // namespace dclcomms::conformance
