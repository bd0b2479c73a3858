#pragma once
// ASCII helpers that must not depend on the C locale (std::tolower does).

#include <cstddef>
#include <string>
#include <string_view>

namespace dclcomms::core {

/// `text` with A-Z mapped to a-z; every other byte unchanged (addresses, header names, payloads).
std::string to_lower_ascii(std::string_view text);

/// 'text' for an error message: bytes outside printable ASCII become \xNN, and text past `shown_max`
/// bytes is cut with "...", so the message is one printable, valid UTF-8 line whatever the input was.
std::string quote_printable(std::string_view text, std::size_t shown_max);

/// 0-15 for a hex digit of either case, -1 otherwise.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace dclcomms::core
