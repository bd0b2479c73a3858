#pragma once
// The text of one plain HTTP exchange over a simulated stream: the request is one stream message,
// the response another, both in HTTP/1.1 form so that traces read like the real thing. Internal to
// the sim carrier (the client in sim_http_client.cpp, the server in sim_websocket_network.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dclcomms::carriers::sim_http {

// Tags of the carrier's framing (sim_websocket_network.cpp holds the websocket ones).
inline constexpr std::uint8_t request_tag = 'H';   // client -> server: the request
inline constexpr std::uint8_t response_tag = 'P';  // server -> client: the response; nothing follows

struct Message {
  std::string start_line;  // "POST /x HTTP/1.1" or "HTTP/1.1 200"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// "<start line>\r\n<name>: <value>\r\n…\r\n<body>". Callers reject line breaks in headers first.
std::string format(const Message& message);

/// The inverse; header names come back lowercased. Nothing when the head is not well formed.
std::optional<Message> parse(std::string_view text);

/// True when a header name or value could break the framing (CR or LF in it).
bool has_line_break(std::string_view text);

}  // namespace dclcomms::carriers::sim_http
