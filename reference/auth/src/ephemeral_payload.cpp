#include "dclcomms/auth/detail/ephemeral_payload.hpp"

#include <string>

#include "dclcomms/auth/detail/eth.hpp"

namespace dclcomms::auth::detail {

std::string strip_carriage_returns(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

core::Result<EphemeralPayload, AuthError> parse_ephemeral_payload(std::string_view payload) {
  const std::size_t first_nl = payload.find('\n');
  const std::size_t second_nl = first_nl == std::string_view::npos ? first_nl : payload.find('\n', first_nl + 1);
  if (second_nl == std::string_view::npos) {
    return core::fail(AuthErrorCode::bad_ephemeral_payload, "ephemeral payload has fewer than three lines");
  }
  // Upstream ignores extra lines; a delegation that says more than it should is refused here (a
  // signer might otherwise be shown one thing and sign another).
  if (payload.find('\n', second_nl + 1) != std::string_view::npos) {
    return core::fail(AuthErrorCode::bad_ephemeral_payload, "ephemeral payload has more than three lines");
  }
  const std::string_view purpose = payload.substr(0, first_nl);
  const std::string_view address_line = payload.substr(first_nl + 1, second_nl - first_nl - 1);
  const std::string_view expiration_line = payload.substr(second_nl + 1);
  if (!address_line.starts_with(ephemeral_address_prefix)) {
    return core::fail(AuthErrorCode::bad_ephemeral_payload, "ephemeral payload line 2 does not start with \"Ephemeral address: \"");
  }
  if (!expiration_line.starts_with(expiration_prefix)) {
    return core::fail(AuthErrorCode::bad_ephemeral_payload, "ephemeral payload line 3 does not start with \"Expiration: \"");
  }
  const std::string_view address = address_line.substr(ephemeral_address_prefix.size());
  if (!is_address(address)) {
    return core::fail(AuthErrorCode::bad_address, "ephemeral address \"" + std::string(address) + "\" is not 0x followed by 40 hex digits");
  }
  const std::string_view expiration_text = expiration_line.substr(expiration_prefix.size());
  const std::optional<std::int64_t> expiration = parse_iso8601_ms(expiration_text);
  if (!expiration) {
    return core::fail(AuthErrorCode::bad_ephemeral_payload,
                      "expiration \"" + std::string(expiration_text) + "\" is not an ISO-8601 UTC time YYYY-MM-DDTHH:MM:SS[.sss]Z");
  }
  return EphemeralPayload{purpose, address, *expiration};
}

std::string make_ephemeral_payload(std::string_view address, std::int64_t expiration_unix_ms) {
  std::string out(ephemeral_purpose);
  out += '\n';
  out += ephemeral_address_prefix;
  out += address;
  out += '\n';
  out += expiration_prefix;
  out += format_iso8601_ms(expiration_unix_ms);
  return out;
}

}  // namespace dclcomms::auth::detail
