#pragma once
// Text helpers for connection-string checks and their messages, shared by the generic grammar and
// every type's validator (reference/<type>/src/*_uri.cpp), so that all messages quote input the
// same way and classify characters the same way.

#include <cstddef>
#include <string>
#include <string_view>

namespace dclcomms::transport::uri_text {

/// Messages quote input, but never all of it: a 8 KiB token in a log line helps nobody.
inline constexpr std::size_t quote_bytes_max = 80;

/// 'text' for a message: control characters and bytes that are not valid UTF-8 escaped (\xNN),
/// cut after quote_bytes_max bytes but never inside a character, so a message is one printable line
/// of valid UTF-8 whatever was quoted (messages end up in JSON, which rejects anything else).
std::string quote(std::string_view text);
/// "U+0009 (TAB)": a code point and, for the ones that hide in copied strings, its name.
std::string code_point_name(char32_t cp);
/// "0xC3".
std::string hex_byte(unsigned char byte);
/// The character at `at` for a message: 'x' for printable ASCII, U+XXXX otherwise.
std::string describe_char_at(std::string_view text, std::size_t at);
/// "byte offset N".
std::string offset_text(std::ptrdiff_t offset);

bool is_control(char32_t cp);
/// Unicode White_Space plus the invisible separators that hide as well in a copied string.
bool is_white_space(char32_t cp);
bool is_alpha(char c);
bool is_digit(char c);
bool is_hex(char c);
char to_lower(char c);
std::string lowercase(std::string_view text);
/// Whether `text` starts with `prefix` (given in lowercase), ignoring ASCII case.
bool starts_with_lowercase(std::string_view text, std::string_view prefix);
bool all_digits(std::string_view text);

}  // namespace dclcomms::transport::uri_text
