#pragma once
// The example transport type of docs/adding-a-transport.md: `echo:<room>`. It lives in the tests
// and is never shipped; it exists to prove that a type is one folder (this one) plus one line in
// the registration list. It does what the smallest useful transport does: Connected on connect(),
// every packet sent comes back as a message from the peer "echo", Disconnected once.

#include <cstdint>
#include <span>
#include <string>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/runtime.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/transport/transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::example {

/// The longest room name `echo:` accepts (a bound, as every parser here has one).
inline constexpr std::size_t echo_room_bytes_max = 32;

/// The type's URI rules: `echo:<room>`, room = 1..32 of [a-z0-9-]. Errors use the generic
/// vocabulary (empty_params, bad_parameter) and name the offending byte's offset.
core::Result<transport::TransportUri, transport::UriError> validate_echo_uri(transport::TransportUri uri);

class EchoTransport final : public transport::Transport {
 public:
  EchoTransport(std::string room, core::Runtime& runtime);

  std::string_view type() const override { return "echo"; }
  transport::Status connect() override;
  void disconnect() override;
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override;

  const std::string& room() const { return room_; }

 private:
  enum class State : std::uint8_t { idle, connected, closed };
  std::string room_;
  State state_ = State::idle;
  transport::EventPoster events_;
};

/// The type's registration: its maker and its URI rules, in one call.
void register_echo(transport::TransportFactory& factory);

}  // namespace dclcomms::example
