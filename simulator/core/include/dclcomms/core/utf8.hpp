#pragma once
// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dclcomms::core {

/// One step of strict UTF-8 decoding at a byte offset. `problem` is null when the sequence there is
/// valid; otherwise it says what is wrong with it, for messages (`length` is then 1, so a caller can
/// step over the bad byte).
struct Utf8Step {
  char32_t code_point = 0;
  std::size_t length = 1;
  const char* problem = nullptr;
};

/// Decodes the sequence starting at `text[at]` (`at` < size). The only UTF-8 decoder of the
/// project: connection strings, the codec's string checks and messages all go through it.
Utf8Step decode_utf8_at(std::string_view text, std::size_t at);

/// Offset of the first byte that does not start a valid UTF-8 sequence, or nothing when `text` is
/// entirely valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

inline bool is_valid_utf8(std::string_view text) { return !find_invalid_utf8(text).has_value(); }

/// `text` with every invalid byte replaced by U+FFFD, so that it can go into JSON or a terminal.
std::string to_valid_utf8(std::string_view text);

}  // namespace dclcomms::core
