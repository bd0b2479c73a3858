// The real LiveKit connector (see the header): one RtcLivekitSession per join, pumping RtcClientCore.
#include "dclcomms/livekit_rtc/rtc_connector.hpp"

#include <openssl/rand.h>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/livekit_rtc/rtc_client_core.hpp"

namespace dclcomms::livekit_rtc {

namespace {

class RtcLivekitSession final : public livekit::LivekitSession {
 public:
  RtcLivekitSession(const RtcConnectorOptions& options, const livekit::JoinRequest& request, livekit::SessionHandler handler,
                    std::uint64_t seed)
      : runtime_(*options.runtime),
        handler_(std::move(handler)),
        core_(RtcClientConfig{.identity = options.identity, .seed = seed, .lower = options.lower}, runtime_.now()) {
    std::string open_failure;  // a socket that could not be opened: the join fails with it
    for (const PeerConnectionRole role : {PeerConnectionRole::publisher, PeerConnectionRole::subscriber}) {
      auto socket = options.udp({options.udp_bind_ip, 0},
                                [this, role, alive = alive_](const core::SocketAddress& from, std::span<const std::uint8_t> datagram) {
                                  if (!*alive) return;
                                  core_.handle_datagram(role, datagram, from, runtime_.now());
                                  pump();
                                });
      if (!socket) {
        open_failure = "UDP socket: " + socket.error().message;
        break;
      }
      sockets_[static_cast<int>(role)] = std::move(socket).value();
    }
    if (open_failure.empty()) {
      transport::MessageStreamHandler stream_handler;
      stream_handler.on_open = [this, alive = alive_](std::string) {
        if (*alive) signal_open_ = true;
      };
      stream_handler.on_frame = [this, alive = alive_](std::vector<std::uint8_t> frame) {
        if (!*alive) return;
        core_.handle_signal_frame(frame, runtime_.now());
        pump();
      };
      stream_handler.on_closed = [this, alive = alive_](std::string detail) {
        if (!*alive) return;
        if (signal_open_) {
          core_.handle_signal_lost(detail, runtime_.now());
        } else {
          core_.handle_connect_failed(detail, runtime_.now());
        }
        pump();
      };
      signal_ = options.signal(RtcClientCore::signal_url(request.url, request.token), options.signal_options, std::move(stream_handler));
    } else {
      core_.handle_connect_failed(open_failure, runtime_.now());
    }
    // Callbacks never run inside the connector call: the first pump is posted.
    runtime_.post([this, alive = alive_] {
      if (*alive) pump();
    });
  }

  ~RtcLivekitSession() override {
    *alive_ = false;
    if (timer_) runtime_.cancel(*timer_);
  }

  void publish_data(std::vector<std::uint8_t> payload, livekit::DataKind kind, std::vector<std::string> destinations) override {
    core_.publish(payload, kind, destinations, runtime_.now());
    post_pump();
  }

  void leave() override {
    core_.leave(runtime_.now());
    post_pump();
  }

 private:
  void post_pump() {
    runtime_.post([this, alive = alive_] {
      if (*alive) pump();
    });
  }

  void pump() {
    while (auto frame = core_.poll_signal()) {
      if (signal_) signal_->send(std::move(*frame));
    }
    while (auto datagram = core_.poll_datagram()) {
      auto& socket = sockets_[static_cast<int>(datagram->role)];
      if (socket) socket->send_to(datagram->datagram.to, datagram->datagram.bytes);
    }
    while (auto event = core_.poll_event()) {
      std::visit([this](auto&& typed) { deliver(std::move(typed)); }, std::move(*event));
      if (!*alive_) return;  // the handler destroyed the session
    }
    if (timer_) runtime_.cancel(*timer_);
    timer_.reset();
    if (const auto due = core_.poll_timeout()) {
      timer_ = runtime_.schedule_at(*due, [this, alive = alive_] {
        if (!*alive) return;
        timer_.reset();
        core_.handle_timeout(runtime_.now());
        pump();
      });
    }
  }

  void deliver(livekit::Joined joined) {
    if (handler_.on_joined) handler_.on_joined(std::move(joined.identity), std::move(joined.participants));
  }
  void deliver(livekit::ParticipantConnected connected) {
    if (handler_.on_participant_joined) handler_.on_participant_joined(std::move(connected.identity));
  }
  void deliver(livekit::ParticipantDisconnected disconnected) {
    if (handler_.on_participant_left) handler_.on_participant_left(std::move(disconnected.identity));
  }
  void deliver(livekit::DataReceived data) {
    if (handler_.on_data) handler_.on_data(std::move(data.sender), std::move(data.payload), data.kind);
  }
  void deliver(livekit::SessionClosed closed) {
    if (signal_) signal_->close(std::string(livekit::to_string(closed.reason)));
    auto on_closed = std::move(handler_.on_closed);
    if (on_closed) on_closed(closed.reason, std::move(closed.detail));
  }

  core::Runtime& runtime_;
  livekit::SessionHandler handler_;
  RtcClientCore core_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unique_ptr<transport::DatagramSocket> sockets_[2];
  std::unique_ptr<transport::MessageStream> signal_;
  bool signal_open_ = false;
  std::optional<core::TimerId> timer_;
};

}  // namespace

core::Result<livekit::LivekitConnector, webrtc::DtlsError> make_rtc_connector(RtcConnectorOptions options) {
  DCL_ASSERT(options.runtime != nullptr && options.signal && options.udp);
  if (!options.identity && options.lower == webrtc::LowerLayer::webrtc) {
    auto identity = webrtc::DtlsIdentity::generate();
    if (!identity) return core::Unexpected<webrtc::DtlsError>{identity.error()};
    options.identity = *identity;
  }
  if (!options.seed) {
    options.seed = [] {
      std::uint64_t seed = 0;
      RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed);
      return seed;
    };
  }
  options.signal_options.subprotocols.clear();
  auto shared = std::make_shared<RtcConnectorOptions>(std::move(options));
  return livekit::LivekitConnector([shared](const livekit::JoinRequest& request, livekit::SessionHandler handler) {
    return std::unique_ptr<livekit::LivekitSession>(
        std::make_unique<RtcLivekitSession>(*shared, request, std::move(handler), shared->seed()));
  });
}

}  // namespace dclcomms::livekit_rtc
