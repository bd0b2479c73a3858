// libFuzzer target for the STUN parser (stun.hpp). Built only with -DDCLCOMMS_FUZZ=ON and clang.
//
//   fuzz_stun -max_len=1500
//
// Invariants (a violation aborts, which libFuzzer reports with the input):
//   * parse_stun and stun_integrity_ok read only inside the input (ASan, which the fuzz build has);
//   * err => the message says what was wrong (non-empty);
//   * ok  => encoding the message and parsing it again gives the same fields (nothing accepted that
//            the encoder cannot express), with a FINGERPRINT and a MESSAGE-INTEGRITY that verify.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "dclcomms/webrtc/stun.hpp"

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dclcomms::webrtc;
  const std::span<const std::uint8_t> datagram(data, size);
  (void)stun_integrity_ok(datagram, "VOkJxbRl1RmTxUk/WvJxBt");  // RFC 5769's password
  (void)looks_like_stun(datagram);
  auto parsed = parse_stun(datagram);
  if (!parsed) {
    require(!parsed.error().message.empty(), "an error says what was wrong");
    return 0;
  }
  const StunMessage& message = *parsed;
  const auto encoded = encode_stun(message, "key", true);
  require(stun_integrity_ok(encoded, "key"), "our MESSAGE-INTEGRITY verifies");
  auto again = parse_stun(encoded);
  require(static_cast<bool>(again), "what was parsed encodes parseably");
  require(again->has_integrity && again->has_fingerprint, "integrity and fingerprint were written");
  require(again->type == message.type && again->transaction_id == message.transaction_id, "same header");
  require(again->username == message.username && again->software == message.software, "same texts");
  require(again->priority == message.priority && again->use_candidate == message.use_candidate, "same ICE attributes");
  require(again->ice_controlling == message.ice_controlling && again->ice_controlled == message.ice_controlled, "same roles");
  require(again->xor_mapped_address == message.xor_mapped_address, "same XOR-MAPPED-ADDRESS");
  require(again->error_code == message.error_code, "same ERROR-CODE");
  return 0;
}
