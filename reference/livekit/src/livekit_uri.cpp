// livekit connection strings: `livekit:<ws(s) URL>?access_token=<JWT>` (spec §2, ADR-180). The
// token's shape is checked here (livekit_token's jwt_shape_problem); its signature is the server's
// business, we hold no key.
#include "dclcomms/livekit/livekit_uri.hpp"

#include "dclcomms/livekit/livekit_token.hpp"
#include "dclcomms/transport/uri_text.hpp"
#include "dclcomms/transport/url_check.hpp"

namespace dclcomms::livekit {

core::Result<LivekitUri, transport::UriError> parse_livekit_uri(const transport::TransportUri& generic) {
  LivekitUri uri;
  if (generic.params.empty()) {
    return transport::empty_params_error(generic.type, "a URL with a token, e.g. livekit:wss://host?access_token=<JWT>");
  }
  static constexpr transport::UrlRules rules{"livekit", transport::ws_url_schemes, "ws:// or wss://"};
  auto checked = transport::check_url(generic.params, static_cast<std::ptrdiff_t>(generic.type.size() + 1), rules);
  if (!checked) return core::Unexpected<transport::UriError>{checked.error()};

  transport::UrlParts parts = std::move(checked->parts);
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
    return core::fail(transport::UriErrorCode::missing_token, "livekit URL " +
                                                                  transport::uri_text::quote(checked->origin + checked->encoded_path) +
                                                                  " has no access_token query parameter; expected ?access_token=<JWT>");
  }
  if (tokens > 1) {
    return core::fail(transport::UriErrorCode::bad_token,
                      "access_token appears " + std::to_string(tokens) + " times in the livekit URL; give exactly one");
  }
  if (uri.access_token.empty()) {
    return core::fail(transport::UriErrorCode::missing_token, "access_token is empty in the livekit URL; expected access_token=<JWT>");
  }
  if (auto problem = jwt_shape_problem(uri.access_token)) {
    return core::fail(transport::UriErrorCode::bad_token, "access_token is not a well-formed JWT: " + problem->message);
  }
  parts.query = std::move(others);
  uri.endpoint = checked->origin + checked->encoded_path;  // what the SDK connects to; the token goes apart
  uri.url = std::move(parts);
  return uri;
}

core::Result<transport::TransportUri, transport::UriError> validate_livekit_uri(transport::TransportUri uri) {
  auto parsed = parse_livekit_uri(uri);
  if (!parsed) return core::Unexpected<transport::UriError>{parsed.error()};
  uri.endpoint = std::move(parsed->endpoint);
  uri.url = std::move(parsed->url);
  return uri;
}

}  // namespace dclcomms::livekit
