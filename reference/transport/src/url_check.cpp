// URL checks shared by the URL-based types (see url_check.hpp). The hand-written "layout" below
// only locates parts so that messages can name them; Boost.URL decides validity and gives values.
// Every loop is bounded by the input, itself bounded by transport_uri_bytes_max.
#include "dclcomms/transport/url_check.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url_view.hpp>

#include "dclcomms/core/utf8.hpp"
#include "dclcomms/transport/uri_text.hpp"

namespace dclcomms::transport {

using namespace uri_text;  // this file is made of the helpers' calls

namespace {

using Fail = core::Unexpected<UriError>;

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
core::Result<core::Ok, UriError> scan_url_characters(std::string_view url, const AuthorityLayout& layout, std::ptrdiff_t origin,
                                                     const UrlRules& rules) {
  for (std::size_t i = 0; i < url.size();) {
    const char c = url[i];
    const std::string where = offset_text(origin + static_cast<std::ptrdiff_t>(i));
    const bool in_authority = layout.contains(i);
    if (static_cast<unsigned char>(c) >= 0x80) {
      const core::Utf8Step step = core::decode_utf8_at(url, i);
      const UriErrorCode code = in_authority ? authority_part_code(layout, i) : UriErrorCode::bad_url;
      return core::fail(code, "non-ASCII character " + code_point_name(step.code_point) + " at " + where + " in the " +
                                  std::string(rules.type) + " URL; URLs are ASCII (punycode for host names, percent-encoding elsewhere)");
    }
    if (c == '#') {
      return core::fail(UriErrorCode::fragment_not_allowed, "fragment " + quote(url.substr(i)) + " at " + where + " is not allowed in a " +
                                                                std::string(rules.type) + " URL (a fragment is never sent to the server)");
    }
    if (c == '%') {
      if (i + 2 >= url.size() || !is_hex(url[i + 1]) || !is_hex(url[i + 2])) {
        return core::fail(UriErrorCode::bad_url, "malformed percent-encoding " + quote(url.substr(i, 3)) + " at " + where +
                                                     "; '%' must be followed by two hex digits");
      }
      i += 3;
      continue;
    }
    if (!is_url_char(c)) {
      char encoded[8];
      std::snprintf(encoded, sizeof encoded, "%%%02X", static_cast<unsigned>(static_cast<unsigned char>(c)));
      const UriErrorCode code = in_authority ? authority_part_code(layout, i) : UriErrorCode::bad_url;
      return core::fail(code, "character '" + std::string(1, c) + "' at " + where + " is not allowed in a URL" +
                                  (in_authority ? std::string(" authority") : " (percent-encode it as " + std::string(encoded) + ")"));
    }
    if ((c == '[' || c == ']') && !in_authority) {
      return core::fail(UriErrorCode::bad_url,
                        "'" + std::string(1, c) + "' at " + where + " outside the host; square brackets only enclose IPv6 hosts");
    }
    ++i;
  }
  return core::Ok{};
}

/// Explains why a URL with an authority did not parse (or parsed into a path that does not start
/// with '/', which Boost 1.81 allows after an authority although RFC 3986 does not).
Fail diagnose_authority(std::string_view url, const AuthorityLayout& layout, std::string_view boost_reason, const UrlRules& rules) {
  if (layout.present()) {
    const std::string_view port = layout.port_text(url);
    if (layout.port_colon != std::string_view::npos && !all_digits(port) && !port.empty()) {
      return core::fail(UriErrorCode::bad_port, "port " + quote(port) + " in " + quote(url) + " is not a number (ports are 1..65535)");
    }
    if (layout.host_begin < layout.end && url[layout.host_begin] == '[') {
      const std::size_t stop = layout.port_colon == std::string_view::npos ? layout.end : layout.port_colon;
      return core::fail(UriErrorCode::bad_host, "IP literal " + quote(url.substr(layout.host_begin, stop - layout.host_begin)) + " in " +
                                                    quote(url) + " is not a valid [IPv6] address");
    }
  }
  return core::fail(UriErrorCode::bad_url,
                    quote(url) + " is not a valid " + std::string(rules.type) + " URL (" + std::string(boost_reason) + ")");
}

/// A host name (reg-name): dot-separated labels of letters, digits, '-' and '_', each 1..63 bytes,
/// not starting or ending with '-', 253 bytes in all; and not all-numeric at the end (that is a
/// broken IPv4 address, e.g. 256.1.1.1, which browsers reject too).
core::Result<core::Ok, UriError> check_host_name(std::string_view host) {
  constexpr std::size_t host_bytes_max = 253;
  constexpr std::size_t label_bytes_max = 63;
  if (host.size() > host_bytes_max) {
    return core::fail(UriErrorCode::bad_host,
                      "host " + quote(host) + " is " + std::to_string(host.size()) + " bytes, over the DNS limit of 253");
  }
  std::size_t label_begin = 0;
  std::string_view last_label;
  while (label_begin <= host.size()) {
    const std::size_t dot = std::min(host.find('.', label_begin), host.size());
    const std::string_view label = host.substr(label_begin, dot - label_begin);
    if (label.empty()) {
      return core::fail(UriErrorCode::bad_host,
                        "host " + quote(host) + " has an empty label at byte " + std::to_string(label_begin) + " of the host");
    }
    if (label.size() > label_bytes_max) {
      return core::fail(UriErrorCode::bad_host,
                        "host " + quote(host) + " has a label of " + std::to_string(label.size()) + " bytes; DNS labels are at most 63");
    }
    for (std::size_t i = 0; i < label.size(); ++i) {
      const char c = label[i];
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
        const std::string what = c == '%' ? std::string("percent-encoding") : "'" + std::string(1, c) + "'";
        return core::fail(UriErrorCode::bad_host,
                          "host " + quote(host) + " contains " + what + "; host names are letters, digits, '-', '_' and '.'");
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return core::fail(UriErrorCode::bad_host, "host " + quote(host) + " has label " + quote(label) + " that starts or ends with '-'");
    }
    last_label = label;
    label_begin = dot + 1;
  }
  if (all_digits(last_label)) {
    return core::fail(UriErrorCode::bad_host, "host " + quote(host) + " looks like an IPv4 address but is not one (four numbers 0..255)");
  }
  return core::Ok{};
}

}  // namespace

core::Result<CheckedUrl, UriError> check_url(std::string_view url, std::ptrdiff_t origin, const UrlRules& rules) {
  const AuthorityLayout layout = locate_authority(url);
  if (auto scanned = scan_url_characters(url, layout, origin, rules); !scanned) return Fail{scanned.error()};

  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    if (url.find(':') == std::string_view::npos || !is_alpha(url[0])) {
      return core::fail(UriErrorCode::bad_scheme, quote(url) + " has no scheme; " + std::string(rules.type) + " needs an absolute " +
                                                      std::string(rules.schemes_text) + " URL");
    }
    return diagnose_authority(url, layout, parsed.error().message(), rules);
  }
  const boost::urls::url_view& view = *parsed;

  const std::string scheme = lowercase(view.scheme());
  if (std::find(rules.schemes.begin(), rules.schemes.end(), scheme) == rules.schemes.end()) {
    return core::fail(UriErrorCode::bad_scheme, "scheme " + quote(view.scheme()) + " is not allowed for " + std::string(rules.type) +
                                                    " (use " + std::string(rules.schemes_text) + ")");
  }
  if (!view.has_authority()) {
    return core::fail(UriErrorCode::missing_host,
                      quote(url) + " has no '//' authority, so no host; expected " + std::string(rules.schemes_text) + "<host>");
  }
  if (view.has_userinfo()) {
    return core::fail(UriErrorCode::userinfo_not_allowed,
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
      return core::fail(UriErrorCode::bad_host,
                        "IP literal " + quote(view.encoded_host()) + " is an IPvFuture address; only IPv4 and [IPv6] are supported");
  }

  std::string port_in_url;
  if (view.has_port()) {
    const std::string_view port = view.port();
    if (port.empty()) {
      return core::fail(UriErrorCode::bad_port,
                        "empty port after ':' in " + quote(view.encoded_authority()) + "; drop the ':' or give a port 1..65535");
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
      return core::fail(UriErrorCode::bad_path,
                        "path " + quote(path) + " has a '" + decoded + "' segment; servers would resolve it differently");
    }
    begin = slash;
  }
  const std::string decoded_path = view.path();
  for (const char c : decoded_path) {
    if (is_control(static_cast<unsigned char>(c))) {
      return core::fail(UriErrorCode::bad_path,
                        "path " + quote(path) + " decodes to control character " + code_point_name(static_cast<unsigned char>(c)));
    }
  }
  if (view.has_fragment()) {  // normally caught by the scan; kept so the rule never depends on it
    return core::fail(UriErrorCode::fragment_not_allowed,
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

core::Unexpected<UriError> empty_params_error(std::string_view type, std::string_view what) {
  return core::fail(UriErrorCode::empty_params,
                    "nothing after '" + std::string(type) + ":'; " + std::string(type) + " needs " + std::string(what));
}

// The kernel, hammurabi and bevy prepend wss:// unless the parameters start with ws: or wss:.
// We also treat "<scheme>://…" and http:/https: as an explicit scheme, so that
// "ws-room:https://host/room" is a clear bad_scheme instead of "wss://https://host" (bad_port).
bool has_explicit_scheme(std::string_view params) {
  if (starts_with_lowercase(params, "ws:") || starts_with_lowercase(params, "wss:") || starts_with_lowercase(params, "http:") ||
      starts_with_lowercase(params, "https:")) {
    return true;
  }
  return locate_authority(params).present();
}

}  // namespace dclcomms::transport
