#pragma once
// A stand-in signer/verifier pair for core tests that are about the protocol state machine, not about
// cryptography: the "chain" is {"owner":…,"payload":…}. Real AuthChains are tested in reference/auth
// and end to end against upstream peers.

#include <string>
#include <string_view>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/ws_room/server_core.hpp"

namespace dclcomms::ws_room::testing {

inline std::string fake_chain(std::string_view owner, std::string_view payload) { return std::string(owner) + "|" + std::string(payload); }

inline core::Result<std::string, ChallengeError> verify_fake_chain(std::string_view chain, std::string_view challenge, core::TimePoint) {
  const auto bar = chain.find('|');
  if (bar == std::string_view::npos) return core::fail(ChallengeErrorCode::bad_chain, "not a test chain");
  if (chain.substr(bar + 1) != challenge) return core::fail(ChallengeErrorCode::wrong_payload, "final payload is not the challenge");
  return std::string(chain.substr(0, bar));
}

}  // namespace dclcomms::ws_room::testing
