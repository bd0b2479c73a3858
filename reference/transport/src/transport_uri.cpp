// Connection strings (spec §2), the generic grammar only: length, UTF-8, controls and white space,
// the ':' separator and the type. Each type's own rules live in its folder (reference/<type>/,
// *_uri.cpp) and reach the factory with the type's registration. Every loop is bounded by the
// input, which is itself bounded by transport_uri_bytes_max.

#include "dclcomms/transport/transport_uri.hpp"

#include <algorithm>

#include "dclcomms/core/utf8.hpp"
#include "dclcomms/transport/uri_text.hpp"

namespace dclcomms::transport {

using namespace uri_text;  // this file is made of the helpers' calls

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

std::string unsupported_type_hints(std::string_view type, std::string_view params) {
  std::string hints;
  const std::string lower = lowercase(type);
  for (const std::string_view known : standard_transport_types) {
    if (lower == known && type != known) hints += "; types are case-sensitive: did you mean '" + std::string(known) + "'?";
  }
  if (params.starts_with("//")) hints += "; is the '<type>:' prefix missing before the URL?";
  return hints;
}

namespace {

using Fail = core::Unexpected<UriError>;

core::Result<core::Ok, UriError> check_characters(std::string_view uri) {
  // UTF-8 over the whole input first: later checks may then decode freely.
  for (std::size_t i = 0; i < uri.size();) {
    const core::Utf8Step step = core::decode_utf8_at(uri, i);
    if (step.problem) {
      return core::fail(UriErrorCode::invalid_utf8, "invalid UTF-8 at " + offset_text(static_cast<std::ptrdiff_t>(i)) + ": byte " +
                                                        hex_byte(static_cast<unsigned char>(uri[i])) + " starts " + step.problem);
    }
    i += step.length;
  }
  for (std::size_t i = 0; i < uri.size();) {
    const core::Utf8Step step = core::decode_utf8_at(uri, i);
    if (is_control(step.code_point)) {
      return core::fail(UriErrorCode::control_character, "control character " + code_point_name(step.code_point) + " at " +
                                                             offset_text(static_cast<std::ptrdiff_t>(i)) +
                                                             "; connection strings are a single line of printable text");
    }
    if (is_white_space(step.code_point)) {
      return core::fail(UriErrorCode::whitespace, "white space " + code_point_name(step.code_point) + " at " +
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
    return core::fail(UriErrorCode::bad_type, "the type before ':' is empty in " + quote(uri) + "; expected '<type>:<parameters>'");
  }
  if (!is_alpha(type[0])) {
    return core::fail(UriErrorCode::bad_type,
                      "type " + quote(type) + " starts with " + describe_char_at(type, 0) + ", not a letter" + std::string(grammar));
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

}  // namespace

core::Result<TransportUri, UriError> parse_transport_uri_generic(std::string_view uri) {
  if (uri.empty()) {
    return core::fail(UriErrorCode::empty, "the connection string is empty; expected '<type>:<parameters>', e.g. 'offline:offline'");
  }
  if (uri.size() > transport_uri_bytes_max) {
    return core::fail(UriErrorCode::too_long, "the connection string is " + std::to_string(uri.size()) + " bytes, over the limit of " +
                                                  std::to_string(transport_uri_bytes_max));
  }
  if (auto checked = check_characters(uri); !checked) return Fail{checked.error()};
  const std::size_t separator = uri.find(':');
  if (separator == std::string_view::npos) {
    return core::fail(UriErrorCode::missing_separator,
                      "no ':' in " + quote(uri) + "; a connection string is '<type>:<parameters>' (e.g. 'offline:offline')");
  }
  const std::string_view type = uri.substr(0, separator);
  if (auto checked = check_type(type, uri); !checked) return Fail{checked.error()};
  TransportUri out;
  out.type = std::string(type);
  out.params = std::string(uri.substr(separator + 1));
  return out;
}

}  // namespace dclcomms::transport
