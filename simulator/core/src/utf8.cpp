#include "dclcomms/core/utf8.hpp"

namespace dclcomms::core {

Utf8Step decode_utf8_at(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {lead, 1, nullptr};
  if (lead < 0xC0) return {0, 1, "a continuation byte with no lead byte before it"};
  if (lead < 0xC2) return {0, 1, "an overlong 2-byte sequence (lead byte 0xC0/0xC1)"};
  if (lead > 0xF4) return {0, 1, "a byte that never appears in UTF-8"};
  const std::size_t length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  char32_t cp = lead & (lead < 0xE0 ? 0x1F : lead < 0xF0 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < length; ++k) {
    if (at + k >= text.size()) return {0, 1, "a sequence cut short by the end of the input"};
    const auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80) return {0, 1, "a sequence cut short by a non-continuation byte"};
    cp = (cp << 6) | (next & 0x3F);
  }
  if ((length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000)) return {0, 1, "an overlong encoding"};
  if (cp >= 0xD800 && cp <= 0xDFFF) return {0, 1, "an encoded UTF-16 surrogate"};
  if (cp > 0x10FFFF) return {0, 1, "a code point above U+10FFFF"};
  return {cp, length, nullptr};
}

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {  // ASCII: the common case, no call
      ++i;
      continue;
    }
    const Utf8Step step = decode_utf8_at(text, i);
    if (step.problem) return i;
    i += step.length;
  }
  return std::nullopt;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (const auto bad = find_invalid_utf8(text)) {
    out.append(text.substr(0, *bad));
    out.append("\xef\xbf\xbd");  // U+FFFD REPLACEMENT CHARACTER
    text.remove_prefix(*bad + 1);
  }
  out.append(text);
  return out;
}

}  // namespace dclcomms::core
