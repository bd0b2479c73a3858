#pragma once

#include "dclcomms/core/ascii.hpp"
// Ethereum building blocks under the AuthChain API, exposed for tests, fuzzers and tools: Keccak-256,
// the EIP-191 personal-message hash, EIP-55 addresses and the strict 65-byte signature codec.
// Not a stable interface; prefer auth_chain.hpp.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/core/result.hpp"

namespace dclcomms::auth::detail {

using Hash32 = std::array<std::uint8_t, 32>;
/// r(32) || s(32) || v(1) with v normalised to 27 or 28.
using Signature65 = std::array<std::uint8_t, 65>;

/// Ethereum's Keccak-256 (original Keccak padding, not NIST SHA3-256).
Hash32 keccak256(std::span<const std::uint8_t> bytes);
Hash32 keccak256(std::string_view bytes);

/// keccak256("\x19Ethereum Signed Message:\n" + decimal byte length + message) (EIP-191 version 0x45).
Hash32 personal_message_hash(std::string_view message);

/// "0x" + 40 hex digits in EIP-55 mixed case for the 20 address bytes.
std::string checksum_address(std::span<const std::uint8_t, 20> address);

/// Whether `text` is "0x" followed by exactly 40 hex digits of any case (EthAddress in @dcl/schemas).
bool is_address(std::string_view text);

/// ASCII-only lowercase; addresses and hex are ASCII, and upstream compares with toLowerCase.
inline std::string ascii_lower(std::string_view text) { return core::to_lower_ascii(text); }

/// Strict signature text: "0x" + 130 hex digits (either case), v in {0, 1, 27, 28}; v 0/1 become
/// 27/28. The error says which rule was broken (prefix, length, which character, which v).
core::Result<Signature65, AuthError> parse_signature(std::string_view text);

/// "0x" + 130 lowercase hex digits.
std::string signature_to_hex(const Signature65& signature);

}  // namespace dclcomms::auth::detail
