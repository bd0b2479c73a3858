// Strict hex for signatures and addresses. core::from_hex is deliberately lenient (white space,
// optional 0x) for fixtures; signatures on the wire must be exactly "0x" + digits.
#include <cstdio>
#include <string>

#include "dclcomms/auth/detail/eth.hpp"
#include "dclcomms/core/ascii.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::auth::detail {
namespace {

constexpr std::size_t signature_hex_chars = 2 + 2 * 65;

}  // namespace

bool is_address(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || text[1] != 'x') return false;
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (core::hex_digit_value(text[i]) < 0) return false;
  }
  return true;
}

core::Result<Signature65, AuthError> parse_signature(std::string_view text) {
  if (text.size() < 2 || text[0] != '0' || text[1] != 'x') {
    return core::fail(AuthErrorCode::bad_signature_format, "signature does not start with \"0x\"");
  }
  if (text.size() != signature_hex_chars) {
    return core::fail(AuthErrorCode::bad_signature_format,
                      "signature has " + std::to_string(text.size()) + " characters, expected 132 (0x + 65 bytes)");
  }
  Signature65 sig{};
  for (std::size_t i = 0; i < sig.size(); ++i) {
    const int hi = core::hex_digit_value(text[2 + 2 * i]);
    const int lo = core::hex_digit_value(text[3 + 2 * i]);
    if (hi < 0 || lo < 0) {
      return core::fail(AuthErrorCode::bad_signature_format,
                        "signature has a non-hex character at offset " + std::to_string(hi < 0 ? 2 + 2 * i : 3 + 2 * i));
    }
    sig[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  std::uint8_t& v = sig[64];
  if (v == 0 || v == 1) v = static_cast<std::uint8_t>(v + 27);  // raw recovery ids, as upstream accepts
  if (v != 27 && v != 28) {
    return core::fail(AuthErrorCode::bad_signature_format,
                      "signature recovery byte v=" + std::to_string(v) + " is not one of 0, 1, 27, 28");
  }
  return sig;
}

std::string signature_to_hex(const Signature65& signature) { return "0x" + core::to_hex(signature); }

}  // namespace dclcomms::auth::detail
