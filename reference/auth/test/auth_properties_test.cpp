// RapidCheck properties over arbitrary keys, messages, payloads and times.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/auth/detail/eth.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::auth {
namespace {

rc::Gen<PrivateKey> arbitrary_key() {
  return rc::gen::map(rc::gen::container<std::array<std::uint8_t, 32>>(rc::gen::arbitrary<std::uint8_t>()),
                      [](std::array<std::uint8_t, 32> bytes) {
                        auto k = PrivateKey::from_bytes(bytes);
                        if (k.ok()) return *k;
                        bytes.fill(0);  // 0 or >= n (probability ~2^-128): fall back to key 1
                        bytes[31] = 1;
                        return *PrivateKey::from_bytes(bytes);
                      });
}

// Messages mixing ASCII, newlines, carriage returns and multi-byte UTF-8 (valid UTF-8 throughout,
// since JS strings cannot carry anything else).
rc::Gen<std::string> arbitrary_message() {
  static const std::vector<std::string> pieces = {
      "a", "Z", "0", " ", "\n", "\r", "\r\n", "\t", ":", "\"", "\\", "é", "ß", "€", "中", "🚀", std::string(1, '\0'), "0x", "{}"};
  return rc::gen::map(rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, pieces.size())),
                      [](const std::vector<std::size_t>& picks) {
                        std::string out;
                        for (std::size_t i : picks) out += pieces[i];
                        return out;
                      });
}

RC_GTEST_PROP(AuthProperties, SignThenRecoverGivesTheSignersAddress, ()) {
  const PrivateKey key = *arbitrary_key();
  const std::string message = *rc::gen::oneOf(arbitrary_message(), rc::gen::arbitrary<std::string>());
  const std::string sig = personal_sign(key, message);
  RC_ASSERT(sig.size() == 132u);
  auto who = recover_personal_signer(message, sig);
  RC_ASSERT(who.ok());
  RC_ASSERT(*who == key.address());
  // Low-s always.
  RC_ASSERT(std::stoi(sig.substr(66, 2), nullptr, 16) <= 0x7f);
}

RC_GTEST_PROP(AuthProperties, AddressIsChecksummedAndLowercasesConsistently, ()) {
  const std::string address = (*arbitrary_key()).address();
  RC_ASSERT(detail::is_address(address));
  auto bytes = core::from_hex(address);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(detail::checksum_address(std::span<const std::uint8_t, 20>(bytes->data(), 20)) == address);
}

RC_GTEST_PROP(AuthProperties, ChainsRoundTripThroughJsonAndVerify, ()) {
  const PrivateKey owner = *arbitrary_key();
  const PrivateKey ephemeral = *arbitrary_key();
  const std::string payload = *arbitrary_message();
  const std::int64_t expiration = *rc::gen::inRange<std::int64_t>(0, 253'402'300'799'999);
  const std::int64_t now = *rc::gen::inRange<std::int64_t>(-1'000'000, 253'402'300'799'999);
  const AuthChain chain = sign_payload(make_identity(owner, ephemeral, expiration), payload);
  auto parsed = parse_auth_chain(to_json(chain));
  RC_ASSERT(parsed.ok());
  RC_ASSERT(to_json(*parsed) == to_json(chain));
  auto verdict = verify_auth_chain(*parsed, payload, now);
  if (now < expiration) {
    RC_ASSERT(verdict.ok());
    RC_ASSERT(verdict->owner_address == detail::ascii_lower(owner.address()));
  } else {
    RC_ASSERT(!verdict.ok());
    RC_ASSERT(verdict.error().code == AuthErrorCode::expired);
  }
}

RC_GTEST_PROP(AuthProperties, AnyOtherExpectedPayloadFails, ()) {
  const std::string payload = *arbitrary_message();
  const std::string other = *arbitrary_message();
  RC_PRE(payload != other);
  const AuthChain chain = sign_payload(make_identity(*arbitrary_key(), *arbitrary_key(), 4'000'000'000'000), payload);
  auto verdict = verify_auth_chain(chain, other, 0);
  RC_ASSERT(!verdict.ok());
  RC_ASSERT(verdict.error().code == AuthErrorCode::payload_mismatch);
}

RC_GTEST_PROP(AuthProperties, Iso8601RoundTrips, ()) {
  const std::int64_t ms = *rc::gen::inRange<std::int64_t>(-62'167'219'200'000, 253'402'300'800'000);
  const std::string text = format_iso8601_ms(ms);
  RC_ASSERT(text.size() == 24u);
  RC_ASSERT(parse_iso8601_ms(text) == std::optional<std::int64_t>(ms));
}

RC_GTEST_PROP(AuthProperties, ParsingArbitraryTextNeverCrashesAndNamesTheProblem, (const std::string& text)) {
  auto chain = parse_auth_chain(text);
  if (!chain.ok()) {
    RC_ASSERT(!chain.error().message.empty());
    return;
  }
  auto verdict = verify_auth_chain(*chain, "x", 0);
  RC_ASSERT(verdict.ok() || !verdict.error().message.empty());
}

}  // namespace
}  // namespace dclcomms::auth
