#pragma once
// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dclcomms::core {

/// Offset of the first byte that does not start a valid UTF-8 sequence, or nothing when `text` is
/// entirely valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) { return !find_invalid_utf8(text).has_value(); }

/// `text` with every invalid byte replaced by U+FFFD, so that it can go into JSON or a terminal.
std::string to_valid_utf8(std::string_view text);

}  // namespace dclcomms::core
