// libFuzzer target: parse_auth_chain + verify_auth_chain on arbitrary text. Invariants: failures are
// typed with a message; accepted chains re-serialise to JSON that parses to the same chain; the
// verifier never crashes, whatever the links claim, and every failure names what was wrong.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dclcomms::auth;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto chain = parse_auth_chain(text);
  if (!chain.ok()) {
    DCL_ASSERT(!chain.error().message.empty());
    return 0;
  }
  DCL_ASSERT(!chain->empty());
  const std::string json = to_json(*chain);
  auto again = parse_auth_chain(json);
  DCL_ASSERT(again.ok());
  DCL_ASSERT(to_json(*again) == json);

  // Verify at a time before and after the usual vector expiration, against the chain's own final
  // payload (the only expectation that can succeed) and with a verifier that accepts everything.
  const Eip1654Verifier accept_all = [](std::string_view, std::string_view, std::string_view) -> dclcomms::core::Result<bool, AuthError> {
    return true;
  };
  for (const std::int64_t now : {std::int64_t{1'874'966'400'000}, std::int64_t{1'924'992'000'000}}) {
    for (const Eip1654Verifier* verifier : {static_cast<const Eip1654Verifier*>(nullptr), &accept_all}) {
      auto verdict = verify_auth_chain(*chain, chain->back().payload, now, verifier);
      if (verdict.ok()) {
        DCL_ASSERT(verdict->owner_address.size() == 42);
      } else {
        DCL_ASSERT(!verdict.error().message.empty());
      }
    }
  }
  return 0;
}
