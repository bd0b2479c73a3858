// STUN encode/parse: RFC 5769's test vectors (integrity, fingerprint, XOR-MAPPED-ADDRESS), round
// trips, and malformed datagrams refused with the right error class and never read out of bounds.
#include "dclcomms/webrtc/stun.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/prng.hpp"

namespace dclcomms::webrtc {
namespace stun_test_support {

std::vector<std::uint8_t> bytes(std::string_view hex) {
  auto decoded = core::from_hex(hex);
  EXPECT_TRUE(decoded.has_value()) << hex;
  return decoded.value_or(std::vector<std::uint8_t>{});
}

// RFC 5769 §2.1: a Binding request with SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME "evtj:h6vY"
// (padded with spaces), MESSAGE-INTEGRITY and FINGERPRINT.
const std::vector<std::uint8_t>& rfc5769_request() {
  static const std::vector<std::uint8_t> sample = bytes(
      "000100582112a442b7e7a701bc34d686fa87dfae"
      "802200105354554e207465737420636c69656e74"
      "002400046e0001ff"
      "80290008932ff9b151263b36"
      "000600096576746a3a68367659202020"
      "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
      "80280004e57a3bcf");
  return sample;
}

// RFC 5769 §2.2: the IPv4 success response, XOR-MAPPED-ADDRESS 192.0.2.1:32853.
const std::vector<std::uint8_t>& rfc5769_response_ipv4() {
  static const std::vector<std::uint8_t> sample = bytes(
      "0101003c2112a442b7e7a701bc34d686fa87dfae"
      "8022000b7465737420766563746f7220"
      "002000080001a147e112a643"
      "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
      "80280004c07d4c96");
  return sample;
}

// RFC 5769 §2.3: the IPv6 success response, XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
const std::vector<std::uint8_t>& rfc5769_response_ipv6() {
  static const std::vector<std::uint8_t> sample = bytes(
      "010100482112a442b7e7a701bc34d686fa87dfae"
      "8022000b7465737420766563746f7220"
      "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
      "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
      "80280004c8fb0b4c");
  return sample;
}

constexpr std::string_view rfc5769_password = "VOkJxbRl1RmTxUk/WvJxBt";

const StunTransactionId rfc5769_transaction_id = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// The samples pad with spaces (RFC 8489 lets the padding be anything); we pad with zeros. This
// zeroes every attribute's padding so that a sample and our encoding can be compared byte by byte.
std::vector<std::uint8_t> zero_padding(std::vector<std::uint8_t> message) {
  for (std::size_t at = 20; at + 4 <= message.size();) {
    const std::size_t length = (std::size_t{message[at + 2]} << 8) | message[at + 3];
    const std::size_t padded = (length + 3) & ~std::size_t{3};
    for (std::size_t i = at + 4 + length; i < at + 4 + padded && i < message.size(); ++i) message[i] = 0;
    at += 4 + padded;
  }
  return message;
}

StunErrorCode parse_error(const std::vector<std::uint8_t>& datagram) {
  auto parsed = parse_stun(datagram);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? StunErrorCode::unexpected : parsed.error().code;
}

StunMessage full_message() {
  StunMessage message;
  message.type = stun_binding_request;
  message.transaction_id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  message.username = "abcd:efghij";
  message.priority = 0x6e0001ff;
  message.use_candidate = true;
  message.ice_controlling = 0x0123456789abcdefULL;
  message.xor_mapped_address = SocketAddress{"10.1.2.3", 40000};
  message.software = "dclcomms";
  return message;
}

}  // namespace stun_test_support

namespace {

using namespace stun_test_support;

TEST(StunRfc5769, RequestParsesWithItsIntegrityAndFingerprint) {
  auto parsed = parse_stun(rfc5769_request());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->type, stun_binding_request);
  EXPECT_EQ(parsed->transaction_id, rfc5769_transaction_id);
  EXPECT_EQ(parsed->username, "evtj:h6vY");
  EXPECT_EQ(parsed->software, "STUN test client");
  EXPECT_EQ(parsed->priority, 0x6e0001ffU);
  EXPECT_EQ(parsed->ice_controlled, 0x932ff9b151263b36ULL);
  EXPECT_FALSE(parsed->ice_controlling.has_value());
  EXPECT_FALSE(parsed->use_candidate);
  EXPECT_TRUE(parsed->has_integrity);
  EXPECT_TRUE(parsed->has_fingerprint);
  EXPECT_TRUE(stun_integrity_ok(rfc5769_request(), rfc5769_password));
  EXPECT_FALSE(stun_integrity_ok(rfc5769_request(), "VOkJxbRl1RmTxUk/WvJxBu"));
  EXPECT_FALSE(stun_integrity_ok(rfc5769_request(), ""));
}

TEST(StunRfc5769, Ipv4ResponseParsesWithItsXorMappedAddress) {
  auto parsed = parse_stun(rfc5769_response_ipv4());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->type, stun_binding_success);
  EXPECT_EQ(parsed->transaction_id, rfc5769_transaction_id);
  EXPECT_EQ(parsed->xor_mapped_address, (SocketAddress{"192.0.2.1", 32853}));
  EXPECT_EQ(parsed->software, "test vector");
  EXPECT_TRUE(parsed->has_integrity);
  EXPECT_TRUE(parsed->has_fingerprint);
  EXPECT_TRUE(stun_integrity_ok(rfc5769_response_ipv4(), rfc5769_password));
  EXPECT_FALSE(stun_integrity_ok(rfc5769_response_ipv4(), "wrong"));
}

TEST(StunRfc5769, Ipv6ResponseParsesWithItsXorMappedAddress) {
  auto parsed = parse_stun(rfc5769_response_ipv6());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->xor_mapped_address, (SocketAddress{"2001:db8:1234:5678:11:2233:4455:6677", 32853}));
  EXPECT_TRUE(stun_integrity_ok(rfc5769_response_ipv6(), rfc5769_password));
}

// Our encoder lays each sample out the same (attribute order, lengths, XOR-MAPPED-ADDRESS) and keys
// the same HMAC: with the samples' space padding zeroed, every byte up to MESSAGE-INTEGRITY is equal,
// and our MESSAGE-INTEGRITY and FINGERPRINT pass the checks the samples pass.
TEST(StunRfc5769, SamplesReencodeTheSameUpToTheirPaddingBytes) {
  for (const auto* sample : {&rfc5769_request(), &rfc5769_response_ipv4(), &rfc5769_response_ipv6()}) {
    auto parsed = parse_stun(*sample);
    ASSERT_TRUE(parsed) << parsed.error().message;
    const std::vector<std::uint8_t> encoded = encode_stun(*parsed, rfc5769_password, true);
    ASSERT_EQ(encoded.size(), sample->size());
    const std::size_t integrity_at = sample->size() - 8 - 24;
    const std::vector<std::uint8_t> expected = zero_padding(*sample);
    EXPECT_EQ(core::to_hex(std::span(encoded).first(integrity_at)), core::to_hex(std::span(expected).first(integrity_at)));
    EXPECT_TRUE(stun_integrity_ok(encoded, rfc5769_password));
    auto again = parse_stun(encoded);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_TRUE(again->has_integrity);
    EXPECT_TRUE(again->has_fingerprint);
  }
  // Built from fields rather than parsed, §2.2's XOR-MAPPED-ADDRESS encodes to the sample's bytes.
  StunMessage response;
  response.type = stun_binding_success;
  response.transaction_id = rfc5769_transaction_id;
  response.xor_mapped_address = SocketAddress{"192.0.2.1", 32853};
  const std::vector<std::uint8_t> encoded = encode_stun(response, rfc5769_password, true);
  EXPECT_EQ(core::to_hex(std::span(encoded).subspan(20, 12)), "002000080001a147e112a643");
}

TEST(StunRfc5769, FingerprintAndIntegrityCoverEveryByte) {
  // A flipped bit anywhere breaks FINGERPRINT (or the framing first), except in FINGERPRINT's own
  // type, which makes it an attribute after MESSAGE-INTEGRITY: ignored, and no FINGERPRINT left.
  const std::vector<std::uint8_t>& sample = rfc5769_request();
  const std::size_t fingerprint_type_at = sample.size() - 8;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    std::vector<std::uint8_t> changed = sample;
    changed[i] ^= 0x01;
    auto parsed = parse_stun(changed);
    if (i == fingerprint_type_at || i == fingerprint_type_at + 1) {
      ASSERT_TRUE(parsed) << parsed.error().message;
      EXPECT_FALSE(parsed->has_fingerprint);
    } else {
      EXPECT_FALSE(parsed.ok()) << "byte " << i;
    }
  }
  // MESSAGE-INTEGRITY covers the attributes before it: a changed PRIORITY value fails it.
  std::vector<std::uint8_t> changed = sample;
  changed[44] ^= 0x01;  // PRIORITY's first value byte (after the header and SOFTWARE's 20 bytes)
  EXPECT_FALSE(stun_integrity_ok(changed, rfc5769_password));
  std::vector<std::uint8_t> bad_fingerprint = sample;
  bad_fingerprint.back() ^= 0xFF;
  EXPECT_EQ(parse_error(bad_fingerprint), StunErrorCode::bad_fingerprint);
  EXPECT_TRUE(stun_integrity_ok(bad_fingerprint, rfc5769_password));  // FINGERPRINT is not covered
}

TEST(Stun, RoundTripsEveryAttribute) {
  StunMessage message = full_message();
  const std::vector<std::uint8_t> encoded = encode_stun(message, "a-password-of-22-chars", true);
  EXPECT_EQ(encoded.size() % 4, 0u);
  EXPECT_TRUE(looks_like_stun(encoded));
  auto parsed = parse_stun(encoded);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->type, message.type);
  EXPECT_EQ(parsed->transaction_id, message.transaction_id);
  EXPECT_EQ(parsed->username, message.username);
  EXPECT_EQ(parsed->priority, message.priority);
  EXPECT_TRUE(parsed->use_candidate);
  EXPECT_EQ(parsed->ice_controlling, message.ice_controlling);
  EXPECT_FALSE(parsed->ice_controlled.has_value());
  EXPECT_EQ(parsed->xor_mapped_address, message.xor_mapped_address);
  EXPECT_EQ(parsed->software, message.software);
  EXPECT_TRUE(parsed->has_integrity);
  EXPECT_TRUE(parsed->has_fingerprint);
  EXPECT_TRUE(stun_integrity_ok(encoded, "a-password-of-22-chars"));
  EXPECT_FALSE(stun_integrity_ok(encoded, "a-password-of-22-charz"));
  // Encoding is a function of the message: the same bytes again.
  EXPECT_EQ(encode_stun(message, "a-password-of-22-chars", true), encoded);
}

TEST(Stun, RoundTripsIpv6ControlledAndErrorCode) {
  StunMessage message;
  message.type = stun_binding_error;
  message.transaction_id = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1};
  message.ice_controlled = 42;
  message.error_code = 487;
  message.xor_mapped_address = SocketAddress{"fe80::1", 9};
  auto parsed = parse_stun(encode_stun(message, {}, false));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->type, stun_binding_error);
  EXPECT_EQ(parsed->error_code, 487);
  EXPECT_EQ(parsed->ice_controlled, 42u);
  EXPECT_EQ(parsed->xor_mapped_address, (SocketAddress{"fe80::1", 9}));
  EXPECT_FALSE(parsed->has_integrity);
  EXPECT_FALSE(parsed->has_fingerprint);
  EXPECT_FALSE(stun_integrity_ok(encode_stun(message, {}, false), ""));
}

TEST(Stun, EncodesWithoutIntegrityOrFingerprintWhenNotAsked) {
  StunMessage message;
  message.transaction_id[0] = 7;
  const std::vector<std::uint8_t> bare = encode_stun(message, {}, false);
  EXPECT_EQ(core::to_hex(bare), "000100002112a442070000000000000000000000");
  const std::vector<std::uint8_t> with_fingerprint = encode_stun(message, {}, true);
  EXPECT_EQ(with_fingerprint.size(), 28u);
  EXPECT_EQ(core::to_hex(std::span(with_fingerprint).subspan(0, 4)), "00010008");
  EXPECT_TRUE(parse_stun(with_fingerprint)->has_fingerprint);
}

TEST(Stun, LooksLikeStunByTheFirstByte) {
  EXPECT_FALSE(looks_like_stun({}));
  EXPECT_TRUE(looks_like_stun(std::vector<std::uint8_t>{0x00}));
  EXPECT_TRUE(looks_like_stun(std::vector<std::uint8_t>{0x03}));
  EXPECT_FALSE(looks_like_stun(std::vector<std::uint8_t>{0x16}));  // a DTLS handshake record
  EXPECT_FALSE(looks_like_stun(std::vector<std::uint8_t>{0x80}));  // RTP
}

TEST(StunMalformed, RefusesWithTheRightErrorClass) {
  const std::vector<std::uint8_t> valid = encode_stun(full_message(), "pw", true);
  // Too short for a header.
  EXPECT_EQ(parse_error(std::vector<std::uint8_t>(valid.begin(), valid.begin() + 19)), StunErrorCode::not_stun);
  EXPECT_EQ(parse_error({}), StunErrorCode::not_stun);
  // The header's length runs past the datagram (truncated in flight).
  EXPECT_EQ(parse_error(std::vector<std::uint8_t>(valid.begin(), valid.end() - 4)), StunErrorCode::truncated);
  // Bad magic cookie; top bits set; length not a multiple of 4; bytes after the message.
  std::vector<std::uint8_t> bad_cookie = valid;
  bad_cookie[7] ^= 0x01;
  EXPECT_EQ(parse_error(bad_cookie), StunErrorCode::not_stun);
  std::vector<std::uint8_t> top_bits = valid;
  top_bits[0] |= 0x80;
  EXPECT_EQ(parse_error(top_bits), StunErrorCode::not_stun);
  std::vector<std::uint8_t> odd_length = bytes("000100022112a442000000000000000000000000aabb");
  EXPECT_EQ(parse_error(odd_length), StunErrorCode::not_stun);
  std::vector<std::uint8_t> trailing = valid;
  trailing.push_back(0);
  EXPECT_EQ(parse_error(trailing), StunErrorCode::not_stun);
  // An attribute whose length runs past the message.
  EXPECT_EQ(parse_error(bytes("000100082112a442000000000000000000000000"
                              "00060008"
                              "61626364")),
            StunErrorCode::truncated);
  EXPECT_EQ(parse_error(bytes("000100042112a442000000000000000000000000"
                              "00060001")),
            StunErrorCode::truncated);
  // Known attributes with the wrong size or value.
  EXPECT_EQ(parse_error(bytes("000100082112a442000000000000000000000000"
                              "00240003"
                              "01020300")),
            StunErrorCode::bad_attribute);
  EXPECT_EQ(parse_error(bytes("000100082112a442000000000000000000000000"
                              "00250004"
                              "00000000")),
            StunErrorCode::bad_attribute);
  EXPECT_EQ(parse_error(bytes("000100082112a442000000000000000000000000"
                              "80290004"
                              "00000000")),
            StunErrorCode::bad_attribute);
  EXPECT_EQ(parse_error(bytes("0001000c2112a442000000000000000000000000"
                              "00200008"
                              "0003a147e112a643")),
            StunErrorCode::bad_attribute);
  EXPECT_EQ(parse_error(bytes("000100082112a442000000000000000000000000"
                              "00090004"
                              "00000201")),
            StunErrorCode::bad_attribute);
  EXPECT_EQ(parse_error(bytes("000100082112a442000000000000000000000000"
                              "00090004"
                              "00000464")),
            StunErrorCode::bad_attribute);
  EXPECT_EQ(parse_error(bytes("0001000c2112a442000000000000000000000000"
                              "00080008"
                              "0000000000000000")),
            StunErrorCode::bad_attribute);
  // An unknown comprehension-required attribute ends processing; an optional one is skipped.
  EXPECT_EQ(parse_error(bytes("000100082112a442000000000000000000000000"
                              "7fff0004"
                              "00000000")),
            StunErrorCode::bad_attribute);
  EXPECT_TRUE(parse_stun(bytes("000100082112a442000000000000000000000000"
                               "c0570004"
                               "00000000"))
                  .ok());
  // Anything after FINGERPRINT; a wrong FINGERPRINT.
  std::vector<std::uint8_t> after_fingerprint = encode_stun(StunMessage{}, {}, true);
  for (const std::uint8_t b : {0xc0, 0x57, 0x00, 0x00}) after_fingerprint.push_back(b);
  after_fingerprint[3] += 4;
  EXPECT_EQ(parse_error(after_fingerprint), StunErrorCode::bad_attribute);
  std::vector<std::uint8_t> bad_fingerprint = valid;
  bad_fingerprint[bad_fingerprint.size() - 2] ^= 0x10;
  EXPECT_EQ(parse_error(bad_fingerprint), StunErrorCode::bad_fingerprint);
}

TEST(StunMalformed, IgnoresAttributesAfterIntegrity) {
  // RFC 8489 §14.5: only FINGERPRINT may follow MESSAGE-INTEGRITY; anything else is not believed.
  StunMessage message;
  std::vector<std::uint8_t> encoded = encode_stun(message, "pw", false);
  for (const std::uint8_t b : {0x00, 0x24, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04}) encoded.push_back(b);
  encoded[3] += 8;
  auto parsed = parse_stun(encoded);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->priority.has_value());
  EXPECT_TRUE(stun_integrity_ok(encoded, "pw"));
}

// Every prefix and thousands of mutations of valid messages: parsing and the integrity check return
// (an error or a message) without reading out of bounds, which ASan would report. Seeded, so a
// failure reproduces.
TEST(StunMalformed, NeverReadsOutOfBoundsOnPrefixesAndMutations) {
  std::vector<std::vector<std::uint8_t>> valid = {rfc5769_request(), rfc5769_response_ipv4(), rfc5769_response_ipv6(),
                                                  encode_stun(full_message(), "pw", true)};
  core::Prng prng(20240611);
  for (const auto& message : valid) {
    for (std::size_t n = 0; n <= message.size(); ++n) {
      const std::vector<std::uint8_t> prefix(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(n));
      auto parsed = parse_stun(prefix);
      EXPECT_EQ(parsed.ok(), n == message.size()) << n;
      (void)stun_integrity_ok(prefix, rfc5769_password);
    }
    for (int round = 0; round < 2000; ++round) {
      std::vector<std::uint8_t> mutated = message;
      const auto flips = 1 + prng.uniform_below(4);
      for (std::uint64_t f = 0; f < flips; ++f) {
        mutated[prng.uniform_below(mutated.size())] = static_cast<std::uint8_t>(prng.next_u64());
      }
      if (prng.uniform_below(4) == 0) mutated.resize(prng.uniform_below(mutated.size() + 1));
      auto parsed = parse_stun(mutated);
      (void)stun_integrity_ok(mutated, rfc5769_password);
      if (parsed) {
        // Whatever parses encodes again into something that parses to the same fields.
        auto again = parse_stun(encode_stun(*parsed, {}, true));
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ(again->username, parsed->username);
        EXPECT_EQ(again->xor_mapped_address, parsed->xor_mapped_address);
        EXPECT_EQ(again->error_code, parsed->error_code);
      } else {
        EXPECT_FALSE(parsed.error().message.empty());
      }
    }
  }
}

TEST(Stun, ErrorCodesHaveNames) {
  EXPECT_EQ(to_string(StunErrorCode::truncated), "truncated");
  EXPECT_EQ(to_string(StunErrorCode::bad_integrity), "bad_integrity");
}

}  // namespace
}  // namespace dclcomms::webrtc
