#include "dclcomms/ws_room/ws_room_transport.hpp"
#include "dclcomms/ws_room/ws_room_uri.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::ws_room {
namespace {

ClientCoreConfig core_config(const transport::TransportContext& context) {
  if (!context.identity) return client_core_config_default("", nullptr);
  return client_core_config_default(context.identity->address, context.identity->sign_payload);
}

transport::MessageStreamOptions stream_options(const transport::TransportContext& context) {
  transport::MessageStreamOptions options = context.websocket_options;
  if (options.subprotocols.empty()) options.subprotocols = {"rfc5", "rfc4"};  // spec §3.1
  options.read_message_bytes_max = codec::ws_packet_bytes_max_default;
  return options;
}

}  // namespace

WsRoomTransport::WsRoomTransport(const transport::TransportUri& uri, const transport::TransportContext& context)
    : endpoint_(uri.endpoint),
      context_(context),
      core_(core_config(context)),
      events_(*context.runtime, [this](const transport::TransportEvent& event) { emit(event); }) {
  DCL_ASSERT(context_.runtime != nullptr);
}

WsRoomTransport::~WsRoomTransport() {
  if (timer_) context_.runtime->cancel(*timer_);
}

transport::Status WsRoomTransport::connect() {
  if (connect_called_) return core::fail(transport::TransportErrorCode::already_connected, "ws-room: connect called twice");
  connect_called_ = true;
  if (!context_.identity) {
    // Every known ws-room server demands the signed challenge; fail now rather than after a round trip.
    events_.post(transport::Disconnected{"ws-room needs an identity to sign the login challenge (use --key)", false});
    disconnected_ = true;
    return core::Ok{};
  }
  transport::MessageStreamHandler handler;
  handler.on_open = [this](std::string) {
    core_.handle_connected(context_.runtime->now());
    pump();
  };
  handler.on_frame = [this](std::vector<std::uint8_t> frame) {
    core_.handle_frame(frame, context_.runtime->now());
    pump();
  };
  handler.on_closed = [this](std::string detail) {
    core_.handle_closed(detail, context_.runtime->now());
    pump();
  };
  stream_ = context_.websocket(endpoint_, stream_options(context_), std::move(handler));
  return core::Ok{};
}

void WsRoomTransport::disconnect() {
  if (!connect_called_ && !disconnected_) {
    disconnected_ = true;
    events_.post(transport::Disconnected{"client disconnected before connect", false});
    return;
  }
  core_.close(context_.runtime->now());
  pump();
  // The core only knows a connection once the websocket is open; one still opening (connect() and
  // disconnect() in one tick) is ours to close, or it would open, upgrade and stay held open.
  if (stream_ && !stream_close_requested_) {
    stream_close_requested_ = true;
    stream_->close("client disconnected before the websocket opened");
  }
}

transport::Status WsRoomTransport::send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  if (!options.targets.empty()) {
    return core::fail(transport::TransportErrorCode::unsupported, "ws-room has no targeted sends: every update goes to the whole room");
  }
  auto sent = core_.send(packet, options.reliability == transport::Reliability::unreliable, context_.runtime->now());
  if (!sent) {
    const auto code = sent.error().code == SendErrorCode::packet_too_large ? transport::TransportErrorCode::packet_too_large
                      : sent.error().code == SendErrorCode::not_joined     ? transport::TransportErrorCode::not_connected
                                                                           : transport::TransportErrorCode::io_error;
    return core::fail(code, "ws-room: " + sent.error().message);
  }
  pump();
  return core::Ok{};
}

void WsRoomTransport::pump() {
  while (auto transmit = core_.poll_transmit()) {
    if (!stream_) continue;
    if (auto* frame = std::get_if<Frame>(&*transmit)) {
      stream_->send(std::move(frame->bytes));
    } else {
      stream_close_requested_ = true;
      stream_->close(std::get<CloseRequest>(*transmit).detail);
    }
  }
  arm_timer();
  while (auto event = core_.poll_event()) on_core_event(std::move(*event));
}

void WsRoomTransport::arm_timer() {
  const auto deadline = core_.poll_timeout();
  if (deadline == timer_deadline_) return;
  if (timer_) context_.runtime->cancel(*timer_);
  timer_.reset();
  timer_deadline_ = deadline;
  if (!deadline) return;
  timer_ = context_.runtime->schedule_at(*deadline, [this] {
    timer_.reset();
    timer_deadline_.reset();
    core_.handle_timeout(context_.runtime->now());
    pump();
  });
}

void WsRoomTransport::on_core_event(ClientEvent event) {
  struct Mapper {
    WsRoomTransport& self;
    void operator()(Welcomed& e) const {
      transport::Connected connected;
      for (auto& [alias, address] : e.peers) connected.peers.push_back(address);
      self.events_.post(std::move(connected));
    }
    void operator()(PeerJoined& e) const { self.events_.post(transport::PeerJoined{std::move(e.address)}); }
    void operator()(PeerLeft& e) const { self.events_.post(transport::PeerLeft{std::move(e.address)}); }
    void operator()(MessageReceived& e) const { self.events_.post(transport::MessageReceived{std::move(e.address), std::move(e.body)}); }
    void operator()(Closed& e) const {
      if (self.disconnected_) return;
      self.disconnected_ = true;
      self.events_.post(transport::Disconnected{std::string(to_string(e.reason)) + ": " + e.detail, e.kicked});
    }
  };
  std::visit(Mapper{*this}, event);
}

void register_ws_room(transport::TransportFactory& factory) {
  factory.register_type(
      "ws-room",
      [](const transport::TransportUri& uri,
         const transport::TransportContext& context) -> core::Result<transport::TransportPtr, transport::UriError> {
        if (!context.websocket) {
          return core::fail(transport::UriErrorCode::unsupported_type, "ws-room needs a websocket carrier, and this factory has none");
        }
        return transport::TransportPtr(std::make_unique<WsRoomTransport>(uri, context));
      },
      validate_ws_room_uri);
}

}  // namespace dclcomms::ws_room
