// Connection-string parsing (spec §2). Layout of this file, in the order the checks run:
//   1. text helpers (quoting for messages, strict UTF-8 decoding, character classes);
//   2. the generic grammar (length, UTF-8, controls/white space, ':' separator, type);
//   3. URL checks shared by ws-room, livekit and signed-login (Boost.URL does the parsing; the
//      hand-written "layout" below only locates parts so that messages can name them);
//   4. the livekit access_token (JWT shape) check;
//   5. one function per standard type, and the dispatch.
// Every loop is bounded by the input, which is itself bounded by transport_uri_bytes_max.

#include "dclcomms/transport/transport_uri.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <optional>
#include <span>

#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url_view.hpp>
#include <nlohmann/json.hpp>

#include "dclcomms/transport/simulator_params.hpp"

namespace dclcomms::transport {

std::string_view to_string(UriErrorCode code) {
  switch (code) {
    case UriErrorCode::empty: return "empty";
    case UriErrorCode::too_long: return "too_long";
    case UriErrorCode::invalid_utf8: return "invalid_utf8";
    case UriErrorCode::control_character: return "control_character";
    case UriErrorCode::whitespace: return "whitespace";
    case UriErrorCode::missing_separator: return "missing_separator";
    case UriErrorCode::bad_type: return "bad_type";
    case UriErrorCode::unsupported_type: return "unsupported_type";
    case UriErrorCode::empty_params: return "empty_params";
    case UriErrorCode::bad_url: return "bad_url";
    case UriErrorCode::bad_scheme: return "bad_scheme";
    case UriErrorCode::missing_host: return "missing_host";
    case UriErrorCode::bad_host: return "bad_host";
    case UriErrorCode::bad_port: return "bad_port";
    case UriErrorCode::bad_path: return "bad_path";
    case UriErrorCode::userinfo_not_allowed: return "userinfo_not_allowed";
    case UriErrorCode::fragment_not_allowed: return "fragment_not_allowed";
    case UriErrorCode::missing_token: return "missing_token";
    case UriErrorCode::bad_token: return "bad_token";
    case UriErrorCode::bad_parameter: return "bad_parameter";
    case UriErrorCode::unknown_parameter: return "unknown_parameter";
    case UriErrorCode::duplicate_parameter: return "duplicate_parameter";
  }
  return "unknown";
}

namespace {

using Fail = core::Unexpected<UriError>;

// ---------------------------------------------------------------------------------------------
// 1. Text helpers

// Messages quote input, but never all of it: a 8 KiB token in a log line helps nobody.
constexpr std::size_t quote_bytes_max = 80;

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

/// One step of strict UTF-8 decoding (RFC 3629: no overlongs, no surrogates, nothing past
/// U+10FFFF). `problem` is null when the sequence is valid.
struct Utf8Step {
  char32_t code_point = 0;
  std::size_t length = 1;
  const char* problem = nullptr;
};

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
  if ((length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000)) {
    return {0, 1, "an overlong encoding"};
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) return {0, 1, "an encoded UTF-16 surrogate"};
  if (cp > 0x10FFFF) return {0, 1, "a code point above U+10FFFF"};
  return {cp, length, nullptr};
}

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F); }

// Unicode White_Space (minus the controls, caught first) plus the invisible separators that are
// not White_Space but are as good at hiding in a copied string: U+180E, U+200B, U+2060, U+FEFF.
bool is_white_space(char32_t cp) {
  return cp == 0x20 || cp == 0xA0 || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

/// 'text' for a message: control characters and bytes that are not valid UTF-8 escaped (\xNN),
/// cut after quote_bytes_max bytes but never inside a character. So a message is one printable
/// line of valid UTF-8 whatever was quoted, even a slice that splits a character (messages end up
/// in JSON, which rejects anything else).
std::string quote(std::string_view text) {
  std::string out = "'";
  std::size_t i = 0;
  while (i < text.size() && i < quote_bytes_max) {
    const Utf8Step step = decode_utf8_at(text, i);
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
  const Utf8Step step = decode_utf8_at(text, at);
  return step.problem ? hex_byte(byte) : code_point_name(step.code_point);
}

std::string offset_text(std::ptrdiff_t offset) { return "byte offset " + std::to_string(offset); }

// ---------------------------------------------------------------------------------------------
// 2. The generic grammar

core::Result<core::Ok, UriError> check_characters(std::string_view uri) {
  // UTF-8 over the whole input first: later checks may then decode freely.
  for (std::size_t i = 0; i < uri.size();) {
    const Utf8Step step = decode_utf8_at(uri, i);
    if (step.problem) {
      return core::fail(UriErrorCode::invalid_utf8, "invalid UTF-8 at " + offset_text(static_cast<std::ptrdiff_t>(i)) +
                                                        ": byte " + hex_byte(static_cast<unsigned char>(uri[i])) +
                                                        " starts " + step.problem);
    }
    i += step.length;
  }
  for (std::size_t i = 0; i < uri.size();) {
    const Utf8Step step = decode_utf8_at(uri, i);
    if (is_control(step.code_point)) {
      return core::fail(UriErrorCode::control_character,
                        "control character " + code_point_name(step.code_point) + " at " +
                            offset_text(static_cast<std::ptrdiff_t>(i)) +
                            "; connection strings are a single line of printable text");
    }
    if (is_white_space(step.code_point)) {
      return core::fail(UriErrorCode::whitespace,
                        "white space " + code_point_name(step.code_point) + " at " +
                            offset_text(static_cast<std::ptrdiff_t>(i)) +
                            "; connection strings contain no spaces (percent-encode them as %20 inside a URL)");
    }
    i += step.length;
  }
  return core::Ok{};
}

core::Result<core::Ok, UriError> check_type(std::string_view type, std::string_view uri) {
  constexpr std::string_view grammar = " (types match [A-Za-z][A-Za-z0-9-]+, ADR-180)";
  if (type.empty()) {
    return core::fail(UriErrorCode::bad_type,
                      "the type before ':' is empty in " + quote(uri) + "; expected '<type>:<parameters>'");
  }
  if (!is_alpha(type[0])) {
    return core::fail(UriErrorCode::bad_type, "type " + quote(type) + " starts with " + describe_char_at(type, 0) +
                                                  ", not a letter" + std::string(grammar));
  }
  for (std::size_t i = 1; i < type.size(); ++i) {
    const char c = type[i];
    if (!is_alpha(c) && !is_digit(c) && c != '-') {
      return core::fail(UriErrorCode::bad_type, "type " + quote(type) + " has " + describe_char_at(type, i) + " at " +
                                                    offset_text(static_cast<std::ptrdiff_t>(i)) + std::string(grammar));
    }
  }
  if (type.size() < 2) {
    return core::fail(UriErrorCode::bad_type,
                      "type " + quote(type) + " is a single character; types have at least two" + std::string(grammar));
  }
  return core::Ok{};
}

// ---------------------------------------------------------------------------------------------
// 3. URLs (ws-room, livekit, signed-login)

/// What one URL-based type accepts.
struct UrlRules {
  std::string_view type;                      // for messages
  std::span<const std::string_view> schemes;  // lowercase
  std::string_view schemes_text;              // for messages, e.g. "ws:// or wss://"
};

constexpr std::string_view ws_schemes[] = {"ws", "wss"};
constexpr std::string_view http_schemes[] = {"http", "https"};

/// Where the parts of a URL's authority are, found by hand ONLY to name the part a message is
/// about (Boost.URL decides validity and gives the values). npos = absent.
struct AuthorityLayout {
  std::size_t begin = std::string_view::npos;  // first byte after "://"
  std::size_t end = std::string_view::npos;    // the '/', '?', '#' or end that closes it
  std::size_t host_begin = std::string_view::npos;
  std::size_t port_colon = std::string_view::npos;

  bool present() const { return begin != std::string_view::npos; }
  bool contains(std::size_t at) const { return present() && at >= begin && at < end; }
  std::string_view port_text(std::string_view url) const {
    if (port_colon == std::string_view::npos) return {};
    return url.substr(port_colon + 1, end - port_colon - 1);
  }
};

AuthorityLayout locate_authority(std::string_view url) {
  AuthorityLayout layout;
  const std::size_t marker = url.find("://");
  if (marker == std::string_view::npos || marker == 0 || !is_alpha(url[0])) return layout;
  for (std::size_t i = 0; i < marker; ++i) {
    const char c = url[i];
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return layout;
  }
  layout.begin = marker + 3;
  layout.end = std::min(url.find_first_of("/?#", layout.begin), url.size());
  const std::string_view authority = url.substr(layout.begin, layout.end - layout.begin);
  const std::size_t at_sign = authority.rfind('@');
  layout.host_begin = layout.begin + (at_sign == std::string_view::npos ? 0 : at_sign + 1);
  if (layout.host_begin < layout.end && url[layout.host_begin] == '[') {
    const std::size_t close = url.find(']', layout.host_begin);
    if (close != std::string_view::npos && close + 1 < layout.end && url[close + 1] == ':') {
      layout.port_colon = close + 1;
    }
  } else {
    const std::size_t colon = url.find(':', layout.host_begin);
    if (colon < layout.end) layout.port_colon = colon;
  }
  return layout;
}

/// The error code for a problem at `at` inside the authority: the part it falls in.
UriErrorCode authority_part_code(const AuthorityLayout& layout, std::size_t at) {
  if (at < layout.host_begin) return UriErrorCode::userinfo_not_allowed;
  if (layout.port_colon != std::string_view::npos && at > layout.port_colon) return UriErrorCode::bad_port;
  return UriErrorCode::bad_host;
}

bool is_url_char(char c) {
  // RFC 3986 unreserved, gen-delims and sub-delims; '%' is checked separately.
  return is_alpha(c) || is_digit(c) || std::string_view("-._~:/?#[]@!$&'()*+,;=").find(c) != std::string_view::npos;
}

/// Finds the first character that can never be in the URL, so the message can point at it
/// (Boost.URL only says "leftover" or "mismatch"). `origin` maps URL offsets to offsets in the
/// connection string (negative when "wss://" was prepended).
core::Result<core::Ok, UriError> scan_url_characters(std::string_view url, const AuthorityLayout& layout,
                                                     std::ptrdiff_t origin, const UrlRules& rules) {
  for (std::size_t i = 0; i < url.size();) {
    const char c = url[i];
    const std::string where = offset_text(origin + static_cast<std::ptrdiff_t>(i));
    const bool in_authority = layout.contains(i);
    if (static_cast<unsigned char>(c) >= 0x80) {
      const Utf8Step step = decode_utf8_at(url, i);
      const UriErrorCode code = in_authority ? authority_part_code(layout, i) : UriErrorCode::bad_url;
      return core::fail(code, "non-ASCII character " + code_point_name(step.code_point) + " at " + where + " in the " +
                                  std::string(rules.type) +
                                  " URL; URLs are ASCII (punycode for host names, percent-encoding elsewhere)");
    }
    if (c == '#') {
      return core::fail(UriErrorCode::fragment_not_allowed, "fragment " + quote(url.substr(i)) + " at " + where +
                                                                " is not allowed in a " + std::string(rules.type) +
                                                                " URL (a fragment is never sent to the server)");
    }
    if (c == '%') {
      if (i + 2 >= url.size() || !is_hex(url[i + 1]) || !is_hex(url[i + 2])) {
        return core::fail(UriErrorCode::bad_url, "malformed percent-encoding " + quote(url.substr(i, 3)) + " at " +
                                                     where + "; '%' must be followed by two hex digits");
      }
      i += 3;
      continue;
    }
    if (!is_url_char(c)) {
      char encoded[8];
      std::snprintf(encoded, sizeof encoded, "%%%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      const UriErrorCode code = in_authority ? authority_part_code(layout, i) : UriErrorCode::bad_url;
      return core::fail(code, "character '" + std::string(1, c) + "' at " + where + " is not allowed in a URL" +
                                  (in_authority ? std::string(" authority")
                                                : " (percent-encode it as " + std::string(encoded) + ")"));
    }
    if ((c == '[' || c == ']') && !in_authority) {
      return core::fail(UriErrorCode::bad_url, "'" + std::string(1, c) + "' at " + where +
                                                   " outside the host; square brackets only enclose IPv6 hosts");
    }
    ++i;
  }
  return core::Ok{};
}

/// Explains why a URL with an authority did not parse (or parsed into a path that does not start
/// with '/', which Boost 1.81 allows after an authority although RFC 3986 does not).
Fail diagnose_authority(std::string_view url, const AuthorityLayout& layout, std::string_view boost_reason,
                        const UrlRules& rules) {
  if (layout.present()) {
    const std::string_view port = layout.port_text(url);
    if (layout.port_colon != std::string_view::npos && !all_digits(port) && !port.empty()) {
      return core::fail(UriErrorCode::bad_port,
                        "port " + quote(port) + " in " + quote(url) + " is not a number (ports are 1..65535)");
    }
    if (layout.host_begin < layout.end && url[layout.host_begin] == '[') {
      const std::size_t stop = layout.port_colon == std::string_view::npos ? layout.end : layout.port_colon;
      return core::fail(UriErrorCode::bad_host, "IP literal " +
                                                    quote(url.substr(layout.host_begin, stop - layout.host_begin)) +
                                                    " in " + quote(url) + " is not a valid [IPv6] address");
    }
  }
  return core::fail(UriErrorCode::bad_url, quote(url) + " is not a valid " + std::string(rules.type) + " URL (" +
                                               std::string(boost_reason) + ")");
}

/// A host name (reg-name): dot-separated labels of letters, digits, '-' and '_', each 1..63 bytes,
/// not starting or ending with '-', 253 bytes in all; and not all-numeric at the end (that is a
/// broken IPv4 address, e.g. 256.1.1.1, which browsers reject too).
core::Result<core::Ok, UriError> check_host_name(std::string_view host) {
  constexpr std::size_t host_bytes_max = 253;
  constexpr std::size_t label_bytes_max = 63;
  if (host.size() > host_bytes_max) {
    return core::fail(UriErrorCode::bad_host, "host " + quote(host) + " is " + std::to_string(host.size()) +
                                                  " bytes, over the DNS limit of 253");
  }
  std::size_t label_begin = 0;
  std::string_view last_label;
  while (label_begin <= host.size()) {
    const std::size_t dot = std::min(host.find('.', label_begin), host.size());
    const std::string_view label = host.substr(label_begin, dot - label_begin);
    if (label.empty()) {
      return core::fail(UriErrorCode::bad_host, "host " + quote(host) + " has an empty label at byte " +
                                                    std::to_string(label_begin) + " of the host");
    }
    if (label.size() > label_bytes_max) {
      return core::fail(UriErrorCode::bad_host, "host " + quote(host) + " has a label of " +
                                                    std::to_string(label.size()) + " bytes; DNS labels are at most 63");
    }
    for (std::size_t i = 0; i < label.size(); ++i) {
      const char c = label[i];
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
        const std::string what = c == '%' ? std::string("percent-encoding") : "'" + std::string(1, c) + "'";
        return core::fail(UriErrorCode::bad_host, "host " + quote(host) + " contains " + what +
                                                      "; host names are letters, digits, '-', '_' and '.'");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return core::fail(UriErrorCode::bad_host,
                        "host " + quote(host) + " has label " + quote(label) + " that starts or ends with '-'");
    }
    last_label = label;
    label_begin = dot + 1;
  }
  if (all_digits(last_label)) {
    return core::fail(UriErrorCode::bad_host,
                      "host " + quote(host) + " looks like an IPv4 address but is not one (four numbers 0..255)");
  }
  return core::Ok{};
}

/// A URL that passed check_url(): its parts and the pieces to rebuild a normalised string.
struct CheckedUrl {
  UrlParts parts;
  std::string origin;  // scheme://host[:port], normalised
  std::string encoded_path;
  bool has_query = false;
  std::string encoded_query;
};

core::Result<CheckedUrl, UriError> check_url(std::string_view url, std::ptrdiff_t origin, const UrlRules& rules) {
  const AuthorityLayout layout = locate_authority(url);
  if (auto scanned = scan_url_characters(url, layout, origin, rules); !scanned) return Fail{scanned.error()};

  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    if (url.find(':') == std::string_view::npos || !is_alpha(url[0])) {
      return core::fail(UriErrorCode::bad_scheme, quote(url) + " has no scheme; " + std::string(rules.type) +
                                                      " needs an absolute " + std::string(rules.schemes_text) + " URL");
    }
    return diagnose_authority(url, layout, parsed.error().message(), rules);
  }
  const boost::urls::url_view& view = *parsed;

  const std::string scheme = lowercase(view.scheme());
  if (std::find(rules.schemes.begin(), rules.schemes.end(), scheme) == rules.schemes.end()) {
    return core::fail(UriErrorCode::bad_scheme, "scheme " + quote(view.scheme()) + " is not allowed for " +
                                                    std::string(rules.type) + " (use " +
                                                    std::string(rules.schemes_text) + ")");
  }
  if (!view.has_authority()) {
    return core::fail(UriErrorCode::missing_host, quote(url) + " has no '//' authority, so no host; expected " +
                                                      std::string(rules.schemes_text) + "<host>");
  }
  if (view.has_userinfo()) {
    return core::fail(
        UriErrorCode::userinfo_not_allowed,
        "userinfo " + quote(std::string(view.encoded_user()) + (view.has_password() ? ":***" : "") + "@") + " in the " +
            std::string(rules.type) + " URL is not allowed; credentials never go in a connection string");
  }
  const std::string_view path = view.encoded_path();
  if (!path.empty() && path.front() != '/') {
    return diagnose_authority(url, layout, "junk after the authority", rules);
  }

  CheckedUrl out;
  std::string host_in_url;
  switch (view.host_type()) {
    case boost::urls::host_type::none: return core::fail(UriErrorCode::missing_host, quote(url) + " has no host");
    case boost::urls::host_type::name: {
      const std::string_view host = view.encoded_host();
      if (host.empty()) return core::fail(UriErrorCode::missing_host, quote(url) + " has an empty host");
      if (auto checked = check_host_name(host); !checked) return Fail{checked.error()};
      out.parts.host = lowercase(host);
      host_in_url = out.parts.host;
      break;
    }
    case boost::urls::host_type::ipv4:
      out.parts.host = std::string(view.encoded_host());
      host_in_url = out.parts.host;
      break;
    case boost::urls::host_type::ipv6:
      out.parts.host = std::string(view.encoded_host_address());
      host_in_url = "[" + out.parts.host + "]";
      break;
    case boost::urls::host_type::ipvfuture:
      return core::fail(UriErrorCode::bad_host, "IP literal " + quote(view.encoded_host()) +
                                                    " is an IPvFuture address; only IPv4 and [IPv6] are supported");
  }

  std::string port_in_url;
  if (view.has_port()) {
    const std::string_view port = view.port();
    if (port.empty()) {
      return core::fail(UriErrorCode::bad_port, "empty port after ':' in " + quote(view.encoded_authority()) +
                                                    "; drop the ':' or give a port 1..65535");
    }
    unsigned long value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc{} || end != port.data() + port.size() || port.size() > 5 || value == 0 || value > 65535) {
      return core::fail(UriErrorCode::bad_port, "port " + quote(port) + " is out of range 1..65535");
    }
    out.parts.port = static_cast<std::uint16_t>(value);
    port_in_url = ":" + std::to_string(value);
  }

  // Split the encoded path ourselves: Boost's segments() hides a leading "/." (it uses it to
  // round-trip paths such as "/.//x"), and that is exactly a segment we must see.
  for (std::size_t begin = 0; begin < path.size();) {
    const std::size_t slash = std::min(path.find('/', begin + 1), path.size());
    const std::string_view encoded = path.substr(begin + 1, slash - begin - 1);
    const auto segment = boost::urls::make_pct_string_view(encoded);  // valid: Boost parsed it
    const std::string decoded = segment ? segment->decode() : std::string(encoded);
    if (decoded == "." || decoded == "..") {
      return core::fail(UriErrorCode::bad_path, "path " + quote(path) + " has a '" + decoded +
                                                    "' segment; servers would resolve it differently");
    }
    begin = slash;
  }
  const std::string decoded_path = view.path();
  for (const char c : decoded_path) {
    if (is_control(static_cast<unsigned char>(c))) {
      return core::fail(UriErrorCode::bad_path, "path " + quote(path) + " decodes to control character " +
                                                    code_point_name(static_cast<unsigned char>(c)));
    }
  }
  if (view.has_fragment()) {  // normally caught by the scan; kept so the rule never depends on it
    return core::fail(
        UriErrorCode::fragment_not_allowed,
        "fragment " + quote(view.encoded_fragment()) + " is not allowed in a " + std::string(rules.type) + " URL");
  }

  out.parts.scheme = scheme;
  out.parts.path = path.empty() ? "/" : std::string(path);
  for (const auto& param : view.params()) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2": the empty piece is no parameter
    out.parts.query.emplace_back(param.key, param.value);
  }
  out.origin = scheme + "://" + host_in_url + port_in_url;
  out.encoded_path = std::string(path);
  out.has_query = view.has_query();
  out.encoded_query = std::string(view.encoded_query());
  return out;
}

// ---------------------------------------------------------------------------------------------
// 4. livekit access_token: the structural shape of a JWS compact serialisation (RFC 7515 §7.1).
//    No signature check: the LiveKit server does that, and we hold no key.

std::optional<std::string> decode_base64url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // no length of real data encodes to 4k+1 chars
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    std::uint32_t sextet = 0;
    if (c >= 'A' && c <= 'Z')
      sextet = static_cast<std::uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z')
      sextet = static_cast<std::uint32_t>(c - 'a' + 26);
    else if (is_digit(c))
      sextet = static_cast<std::uint32_t>(c - '0' + 52);
    else if (c == '-')
      sextet = 62;
    else if (c == '_')
      sextet = 63;
    else
      return std::nullopt;
    buffer = (buffer << 6) | sextet;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

/// Null when `token` looks like a JWT; otherwise what is wrong. Never quotes the token: it is a
/// credential and messages end up in logs.
std::optional<std::string> jwt_problem(std::string_view token) {
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    const auto segments = std::count(token.begin(), token.end(), '.') + 1;
    return "it has " + std::to_string(segments) + (segments == 1 ? " segment" : " segments") +
           ", a JWT has 3 '.'-separated segments (header.payload.signature)";
  }
  const std::array<std::string_view, 3> segments = {token.substr(0, first_dot),
                                                    token.substr(first_dot + 1, second_dot - first_dot - 1),
                                                    token.substr(second_dot + 1)};
  constexpr std::array<std::string_view, 3> names = {"header", "payload", "signature"};
  std::array<std::string, 3> decoded;
  for (std::size_t i = 0; i < 3; ++i) {
    if (segments[i].empty()) return "its " + std::string(names[i]) + " segment is empty";
    auto bytes = decode_base64url(segments[i]);
    if (!bytes) return "its " + std::string(names[i]) + " segment is not base64url (A-Z a-z 0-9 - _, no padding)";
    decoded[i] = std::move(*bytes);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const auto json = nlohmann::json::parse(decoded[i], nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) return "its " + std::string(names[i]) + " is not a JSON object";
    if (i == 0) {
      const auto alg = json.find("alg");
      if (alg == json.end() || !alg->is_string() || alg->get_ref<const std::string&>().empty()) {
        return std::string("its header has no \"alg\"");
      }
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// 5. The standard types

Fail empty_params_error(std::string_view type, std::string_view what) {
  return core::fail(UriErrorCode::empty_params,
                    "nothing after '" + std::string(type) + ":'; " + std::string(type) + " needs " + std::string(what));
}

// The kernel, hammurabi and bevy prepend wss:// unless the parameters start with ws: or wss:.
// We also treat "<scheme>://…" and http:/https: as an explicit scheme, so that
// "ws-room:https://host/room" is a clear bad_scheme instead of "wss://https://host" (bad_port).
bool has_explicit_scheme(std::string_view params) {
  if (starts_with_lowercase(params, "ws:") || starts_with_lowercase(params, "wss:") ||
      starts_with_lowercase(params, "http:") || starts_with_lowercase(params, "https:")) {
    return true;
  }
  return locate_authority(params).present();
}

core::Result<TransportUri, UriError> parse_ws_room(TransportUri uri) {
  if (uri.params.empty()) return empty_params_error(uri.type, "a WebSocket URL, e.g. ws-room:wss://host/rooms/room-1");
  static constexpr UrlRules rules{"ws-room", ws_schemes, "ws:// or wss://"};
  constexpr std::string_view default_prefix = "wss://";
  const bool explicit_scheme = has_explicit_scheme(uri.params);
  const std::string url = explicit_scheme ? uri.params : std::string(default_prefix) + uri.params;
  const auto origin = static_cast<std::ptrdiff_t>(uri.type.size() + 1) -
                      static_cast<std::ptrdiff_t>(explicit_scheme ? 0 : default_prefix.size());
  auto checked = check_url(url, origin, rules);
  if (!checked) return Fail{checked.error()};
  uri.endpoint = checked->origin + checked->encoded_path + (checked->has_query ? "?" + checked->encoded_query : "");
  uri.url = std::move(checked->parts);
  return uri;
}

core::Result<TransportUri, UriError> parse_livekit(TransportUri uri) {
  if (uri.params.empty()) {
    return empty_params_error(uri.type, "a URL with a token, e.g. livekit:wss://host?access_token=<JWT>");
  }
  static constexpr UrlRules rules{"livekit", ws_schemes, "ws:// or wss://"};
  auto checked = check_url(uri.params, static_cast<std::ptrdiff_t>(uri.type.size() + 1), rules);
  if (!checked) return Fail{checked.error()};

  UrlParts parts = std::move(checked->parts);
  std::vector<std::pair<std::string, std::string>> others;
  std::size_t tokens = 0;
  for (auto& [key, value] : parts.query) {
    if (key != "access_token") {
      others.emplace_back(std::move(key), std::move(value));
      continue;
    }
    ++tokens;
    uri.access_token = std::move(value);
  }
  if (tokens == 0) {
    return core::fail(UriErrorCode::missing_token,
                      "livekit URL " + quote(checked->origin + checked->encoded_path) +
                          " has no access_token query parameter; expected ?access_token=<JWT>");
  }
  if (tokens > 1) {
    return core::fail(UriErrorCode::bad_token,
                      "access_token appears " + std::to_string(tokens) + " times in the livekit URL; give exactly one");
  }
  if (uri.access_token.empty()) {
    return core::fail(UriErrorCode::missing_token,
                      "access_token is empty in the livekit URL; expected access_token=<JWT>");
  }
  if (auto problem = jwt_problem(uri.access_token)) {
    return core::fail(UriErrorCode::bad_token, "access_token is not a well-formed JWT: " + *problem);
  }
  parts.query = std::move(others);
  uri.endpoint = checked->origin + checked->encoded_path;  // what the SDK connects to; the token goes apart
  uri.url = std::move(parts);
  return uri;
}

core::Result<TransportUri, UriError> parse_signed_login(TransportUri uri) {
  if (uri.params.empty()) {
    return empty_params_error(uri.type,
                              "an http(s) URL to POST to, e.g. signed-login:https://host/worlds/x.dcl.eth/comms");
  }
  static constexpr UrlRules rules{"signed-login", http_schemes, "http:// or https://"};
  auto checked = check_url(uri.params, static_cast<std::ptrdiff_t>(uri.type.size() + 1), rules);
  if (!checked) return Fail{checked.error()};
  uri.endpoint = checked->origin + checked->encoded_path + (checked->has_query ? "?" + checked->encoded_query : "");
  uri.url = std::move(checked->parts);
  return uri;
}

core::Result<TransportUri, UriError> parse_simulator(TransportUri uri) {
  auto params = parse_simulator_params(uri.params);
  if (!params) return Fail{params.error()};
  return uri;
}

Fail unsupported(std::string_view type, std::string_view params) {
  std::string message =
      "unsupported transport type " + quote(type) + " (supported: ws-room, livekit, signed-login, offline, simulator)";
  const std::string lower = lowercase(type);
  for (const std::string_view known : standard_transport_types) {
    if (lower == known) message += "; types are case-sensitive: did you mean '" + std::string(known) + "'?";
  }
  if (params.starts_with("//")) message += "; is the '<type>:' prefix missing before the URL?";
  return core::fail(UriErrorCode::unsupported_type, std::move(message));
}

}  // namespace

core::Result<TransportUri, UriError> parse_transport_uri_generic(std::string_view uri) {
  if (uri.empty()) {
    return core::fail(UriErrorCode::empty,
                      "the connection string is empty; expected '<type>:<parameters>', e.g. 'offline:offline'");
  }
  if (uri.size() > transport_uri_bytes_max) {
    return core::fail(UriErrorCode::too_long, "the connection string is " + std::to_string(uri.size()) +
                                                  " bytes, over the limit of " +
                                                  std::to_string(transport_uri_bytes_max));
  }
  if (auto checked = check_characters(uri); !checked) return Fail{checked.error()};
  const std::size_t separator = uri.find(':');
  if (separator == std::string_view::npos) {
    return core::fail(
        UriErrorCode::missing_separator,
        "no ':' in " + quote(uri) + "; a connection string is '<type>:<parameters>' (e.g. 'offline:offline')");
  }
  const std::string_view type = uri.substr(0, separator);
  if (auto checked = check_type(type, uri); !checked) return Fail{checked.error()};
  TransportUri out;
  out.type = std::string(type);
  out.params = std::string(uri.substr(separator + 1));
  return out;
}

core::Result<TransportUri, UriError> parse_transport_uri(std::string_view uri) {
  auto generic = parse_transport_uri_generic(uri);
  if (!generic) return generic;
  TransportUri parsed = std::move(generic).value();
  if (parsed.type == "ws-room") return parse_ws_room(std::move(parsed));
  if (parsed.type == "livekit") return parse_livekit(std::move(parsed));
  if (parsed.type == "signed-login") return parse_signed_login(std::move(parsed));
  if (parsed.type == "offline") return parsed;  // anything goes, even nothing (spec §7.1)
  if (parsed.type == "simulator") return parse_simulator(std::move(parsed));
  return unsupported(parsed.type, parsed.params);
}

}  // namespace dclcomms::transport
