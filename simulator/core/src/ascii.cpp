#include "dclcomms/core/ascii.hpp"

namespace dclcomms::core {

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string quote_printable(std::string_view text, std::size_t shown_max) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < shown_max; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte >= 0x7F) {
      out += "\\x";
      out += digits[byte >> 4];
      out += digits[byte & 0x0f];
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (text.size() > shown_max) out += "...";
  return out + "'";
}

}  // namespace dclcomms::core
