#pragma once
// STUN messages as ICE connectivity checks use them (RFC 8489 format, RFC 8445 §7 attributes):
// Binding requests/responses with USERNAME, MESSAGE-INTEGRITY (HMAC-SHA1, short-term credentials),
// FINGERPRINT (CRC-32 ^ 0x5354554e), PRIORITY, USE-CANDIDATE, ICE-CONTROLLING/-CONTROLLED,
// XOR-MAPPED-ADDRESS and ERROR-CODE. Bytes in, bytes out: no socket, no clock.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/webrtc/socket_address.hpp"

namespace dclcomms::webrtc {

enum class StunErrorCode : std::uint8_t {
  not_stun,         // too short, top bits set, wrong magic cookie or length not a multiple of 4
  truncated,        // the header's length or an attribute's runs past the datagram
  bad_attribute,    // a known attribute with the wrong size or value (the message names it)
  bad_fingerprint,  // FINGERPRINT present and wrong
  bad_integrity,    // MESSAGE-INTEGRITY absent or wrong for the key
  bad_username,     // USERNAME is not "<our ufrag>:<their ufrag>"
  unexpected,       // a valid message that is not what the receiver expects (e.g. not a Binding)
};
std::string_view to_string(StunErrorCode code);
using StunError = core::Error<StunErrorCode>;

inline constexpr std::uint16_t stun_binding_request = 0x0001;
inline constexpr std::uint16_t stun_binding_success = 0x0101;
inline constexpr std::uint16_t stun_binding_error = 0x0111;
inline constexpr std::uint16_t stun_binding_indication = 0x0011;

using StunTransactionId = std::array<std::uint8_t, 12>;

struct StunMessage {
  std::uint16_t type = stun_binding_request;
  StunTransactionId transaction_id{};
  std::optional<std::string> username;
  std::optional<std::uint32_t> priority;
  bool use_candidate = false;
  std::optional<std::uint64_t> ice_controlling;  // tie-breaker
  std::optional<std::uint64_t> ice_controlled;
  std::optional<SocketAddress> xor_mapped_address;
  std::optional<std::uint16_t> error_code;  // e.g. 401, 487
  std::optional<std::string> software;      // SOFTWARE (0x8022): informational; kept so RFC 5769's samples re-encode
  bool has_integrity = false;               // set by parse_stun
  bool has_fingerprint = false;             // set by parse_stun
};

/// RFC 7983 demultiplexing: the first byte of a STUN message is 0..3 (DTLS is 20..63).
bool looks_like_stun(std::span<const std::uint8_t> datagram);

/// Parses a datagram; checks structure and, when present, FINGERPRINT. Unknown comprehension-
/// optional attributes are skipped; it never reads out of bounds on any input (fuzzed).
core::Result<StunMessage, StunError> parse_stun(std::span<const std::uint8_t> datagram);

/// Whether the datagram's MESSAGE-INTEGRITY is right for `key` (the ICE password). False when absent.
bool stun_integrity_ok(std::span<const std::uint8_t> datagram, std::string_view key);

/// Encodes `message` (has_integrity/has_fingerprint ignored): MESSAGE-INTEGRITY with `integrity_key`
/// when it is not empty, then FINGERPRINT when `fingerprint`.
std::vector<std::uint8_t> encode_stun(const StunMessage& message, std::string_view integrity_key, bool fingerprint);

}  // namespace dclcomms::webrtc
