// ws-room connection strings: `ws-room:<websocket URL>` (spec §2, ADR-180), with wss:// prepended
// when the parameters name no scheme, as the kernel, hammurabi and bevy do.
#include "dclcomms/ws_room/ws_room_uri.hpp"

#include "dclcomms/transport/url_check.hpp"

namespace dclcomms::ws_room {

core::Result<transport::TransportUri, transport::UriError> validate_ws_room_uri(transport::TransportUri uri) {
  if (uri.params.empty()) return transport::empty_params_error(uri.type, "a WebSocket URL, e.g. ws-room:wss://host/rooms/room-1");
  static constexpr transport::UrlRules rules{"ws-room", transport::ws_url_schemes, "ws:// or wss://"};
  constexpr std::string_view default_prefix = "wss://";
  const bool explicit_scheme = transport::has_explicit_scheme(uri.params);
  const std::string url = explicit_scheme ? uri.params : std::string(default_prefix) + uri.params;
  const auto origin = static_cast<std::ptrdiff_t>(uri.type.size() + 1) -
                      static_cast<std::ptrdiff_t>(explicit_scheme ? 0 : default_prefix.size());
  auto checked = transport::check_url(url, origin, rules);
  if (!checked) return core::Unexpected<transport::UriError>{checked.error()};
  uri.endpoint = checked->origin + checked->encoded_path + (checked->has_query ? "?" + checked->encoded_query : "");
  uri.url = std::move(checked->parts);
  return uri;
}

}  // namespace dclcomms::ws_room
