#pragma once
// The ECDSA_EPHEMERAL delegation payload (spec §4.2): three '\n'-separated lines
//   <purpose>
//   Ephemeral address: <0x + 40 hex, any case>
//   Expiration: <ISO-8601 UTC with milliseconds>

#include <cstdint>
#include <string>
#include <string_view>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/result.hpp"

namespace dclcomms::auth::detail {

inline constexpr std::string_view ephemeral_purpose = "Decentraland Login";
inline constexpr std::string_view ephemeral_address_prefix = "Ephemeral address: ";
inline constexpr std::string_view expiration_prefix = "Expiration: ";

struct EphemeralPayload {
  std::string_view purpose;  // line 1, free text
  std::string_view address;  // as written (any case)
  std::int64_t expiration_unix_ms;
};

/// `text` without any '\r' (verifiers compare and recover over the '\n' form).
std::string strip_carriage_returns(std::string_view text);

/// Parses an already \r-stripped payload; views point into `payload`. Errors: bad_ephemeral_payload
/// (line count, labels, expiration syntax) or bad_address.
core::Result<EphemeralPayload, AuthError> parse_ephemeral_payload(std::string_view payload);

/// The payload explorers sign, with our choice of address case passed through untouched.
std::string make_ephemeral_payload(std::string_view address, std::int64_t expiration_unix_ms);

}  // namespace dclcomms::auth::detail
