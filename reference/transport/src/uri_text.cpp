// Text helpers for connection-string messages (see uri_text.hpp).
#include "dclcomms/transport/uri_text.hpp"

#include <algorithm>
#include <cstdio>

#include "dclcomms/core/utf8.hpp"

namespace dclcomms::transport::uri_text {

std::string code_point_name(char32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
  std::string out = buffer;
  switch (cp) {
    case 0x00: return out + " (NUL)";
    case 0x09: return out + " (TAB)";
    case 0x0A: return out + " (LINE FEED)";
    case 0x0D: return out + " (CARRIAGE RETURN)";
    case 0x1B: return out + " (ESCAPE)";
    case 0x20: return out + " (SPACE)";
    case 0x7F: return out + " (DELETE)";
    case 0x85: return out + " (NEXT LINE)";
    case 0xA0: return out + " (NO-BREAK SPACE)";
    case 0x200B: return out + " (ZERO WIDTH SPACE)";
    case 0x2028: return out + " (LINE SEPARATOR)";
    case 0x2029: return out + " (PARAGRAPH SEPARATOR)";
    case 0x3000: return out + " (IDEOGRAPHIC SPACE)";
    case 0xFEFF: return out + " (BYTE ORDER MARK)";
    default: return out;
  }
}

std::string hex_byte(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", byte);
  return buffer;
}

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }

// Unicode White_Space (minus the controls, caught first) plus the invisible separators that are
// not White_Space but are as good at hiding in a copied string: U+180E, U+200B, U+2060, U+FEFF.
bool is_white_space(char32_t cp) {
  return cp == 0x20 || cp == 0xA0 || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

std::string quote(std::string_view text) {
  std::string out = "'";
  std::size_t i = 0;
  while (i < text.size() && i < quote_bytes_max) {
    const core::Utf8Step step = core::decode_utf8_at(text, i);
    if (step.problem || is_control(step.code_point)) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02X", static_cast<unsigned char>(text[i]));
      out += buffer;
      i += 1;
      continue;
    }
    if (i + step.length > quote_bytes_max) break;
    out.append(text.substr(i, step.length));
    i += step.length;
  }
  if (i < text.size()) out += "...";
  out += "'";
  return out;
}

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

bool starts_with_lowercase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (to_lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

bool all_digits(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_digit); }

/// The character at `at` for a message: 'x' for printable ASCII, U+XXXX otherwise.
std::string describe_char_at(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte > 0x20 && byte < 0x7F) return std::string("'") + text[at] + "'";
  const core::Utf8Step step = core::decode_utf8_at(text, at);
  return step.problem ? hex_byte(byte) : code_point_name(step.code_point);
}

std::string offset_text(std::ptrdiff_t offset) { return "byte offset " + std::to_string(offset); }

}  // namespace dclcomms::transport::uri_text
