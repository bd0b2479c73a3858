#pragma once
// URL checks shared by the URL-based transport types (ws-room, livekit, signed-login, and any
// type a client adds): Boost.URL decides validity and gives the values; the messages name the part
// that is wrong and its byte offset in the whole connection string.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::transport {

/// What one URL-based type accepts.
struct UrlRules {
  std::string_view type;                      // for messages
  std::span<const std::string_view> schemes;  // lowercase
  std::string_view schemes_text;              // for messages, e.g. "ws:// or wss://"
};

inline constexpr std::string_view ws_url_schemes[] = {"ws", "wss"};
inline constexpr std::string_view http_url_schemes[] = {"http", "https"};

/// A URL that passed check_url(): its parts and the pieces to rebuild a normalised string.
struct CheckedUrl {
  UrlParts parts;
  std::string origin;  // scheme://host[:port], normalised
  std::string encoded_path;
  bool has_query = false;
  std::string encoded_query;
};

/// Checks `url` against `rules`. `origin` is the offset of url[0] in the whole connection string
/// (it may be negative when a default scheme was prepended), so messages give offsets the user can
/// count in what they wrote.
core::Result<CheckedUrl, UriError> check_url(std::string_view url, std::ptrdiff_t origin, const UrlRules& rules);

/// Whether the parameters name a scheme themselves ("ws:", "wss:", "http:", "https:" or any
/// "<scheme>://"), so that a type with a default scheme does not prepend it to a URL that has one.
bool has_explicit_scheme(std::string_view params);

/// The error for `<type>:` with nothing after it: "nothing after 'ws-room:'; ws-room needs <what>".
core::Unexpected<UriError> empty_params_error(std::string_view type, std::string_view what);

}  // namespace dclcomms::transport
