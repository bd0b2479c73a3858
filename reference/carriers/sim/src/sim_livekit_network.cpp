#include "dclcomms/carriers/sim_livekit_network.hpp"

#include <boost/url/parse.hpp>

#include <optional>
#include <variant>

#include "dclcomms/livekit/client_core.hpp"

namespace dclcomms::carriers {
namespace {

using livekit::DataKind;
using livekit::DisconnectReason;
namespace wire = livekit::wire;

// One participant's connection to a simulated SFU: a reliable stream for signalling and reliable
// data, datagrams for lossy data. The session logic (join, ping, reassembly, decoding) is the
// sans-I/O livekit::LivekitClientCore; this class only carries its bytes and runs its timer.
class SimSession final : public livekit::LivekitSession, public SimStreamEndpoint, public SimLivekitNetwork::DatagramEndpoint {
 public:
  SimSession(SimLivekitNetwork& network, sim::HostId host, const livekit::ClientCoreConfig& config, livekit::SessionHandler handler)
      : network_(network), host_(host), core_(config), handler_(std::move(handler)) {}

  ~SimSession() override {
    // A session dropped without leave(): the SFU still hears the Leave; nobody hears the close.
    if (core_.state() != livekit::ClientState::closed) {
      core_.leave(now());
      while (auto transmit = core_.poll_transmit()) {
        if (auto* frame = std::get_if<livekit::SignalFrame>(&*transmit); frame && stream_) {
          (void)network_.simulation().send_message(*stream_, host_, frame->bytes);
        }
      }
    }
    forget();
    if (pending_) runtime().cancel(*pending_);
  }

  void open(const livekit::JoinRequest& request) {
    const auto url = boost::urls::parse_uri(request.url);
    const std::string host_name = url ? std::string(url->encoded_host()) : std::string();
    const auto sfu = url ? network_.simulation().find_host(host_name) : std::nullopt;
    if (!url) {
      core_.handle_connect_failed("not a URL", now());
    } else if (!sfu) {
      core_.handle_connect_failed("no simulated host named '" + host_name + "'", now());
    } else if (auto opened = network_.routing().open_stream(host_, *sfu); !opened) {
      core_.handle_connect_failed("cannot reach '" + host_name + "': " + opened.error().message, now());
    } else {
      sfu_host_ = *sfu;
      stream_ = *opened;
      network_.routing().attach(host_, *stream_, this);
      core_.join(request.token, now());
    }
    pump(Delivery::later);  // called from the connector: the handler must not run re-entrantly
  }

  void publish_data(std::vector<std::uint8_t> payload, DataKind kind, std::vector<std::string> destinations) override {
    core_.publish(payload, kind, destinations, now());
    pump(Delivery::later);
  }

  void leave() override {
    core_.leave(now());
    pump(Delivery::later);
  }

  void on_message(std::span<const std::uint8_t> payload) override {
    core_.handle_signal_frame(payload, now());
    pump(Delivery::now);
  }

  void on_reset() override {
    core_.handle_signal_lost("the connection to the SFU was reset", now());
    pump(Delivery::now);
  }

  void on_fragment(sim::HostId, wire::LossyFragment fragment) override {
    core_.handle_lossy_fragment(std::move(fragment), now());
    pump(Delivery::now);
  }

 private:
  // Inputs from the simulator run outside any method of ours: events go to the handler at once.
  // Commands (open, publish, leave) run inside the caller's method: events are posted.
  enum class Delivery : std::uint8_t { now, later };

  core::Runtime& runtime() { return network_.simulation().runtime(host_); }
  core::TimePoint now() { return runtime().now(); }

  // Carries what the core wants sent, follows its deadline, hands its events to the handler.
  void pump(Delivery delivery) {
    while (auto transmit = core_.poll_transmit()) {
      if (auto* frame = std::get_if<livekit::SignalFrame>(&*transmit)) {
        if (!stream_) continue;
        auto sent = network_.simulation().send_message(*stream_, host_, frame->bytes);
        if (!sent) {
          // A failed write is noticed inside whatever sent it: the close is posted.
          core_.handle_signal_lost("signal stream: " + sent.error().message, now());
          delivery = Delivery::later;
        }
      } else {
        network_.routing().send_datagram(host_, sfu_host_, std::move(std::get<livekit::LossyDatagram>(*transmit).bytes));
      }
    }
    if (const auto session = core_.session(); session && !attached_session_ && core_.state() != livekit::ClientState::closed) {
      attached_session_ = session;
      network_.attach_session(host_, sfu_host_, *session, this);
    }
    if (core_.state() == livekit::ClientState::closed) {
      forget();
    } else {
      follow_deadline();
    }
    if (delivery == Delivery::now) return deliver_events();
    if (!pending_ && core_.events_queued() > 0) {
      pending_ = runtime().post([this] {
        pending_.reset();
        deliver_events();
      });
    }
  }

  void deliver_events() {
    while (auto event = core_.poll_event()) {
      std::visit([this](auto& e) { deliver(e); }, *event);
    }
  }

  void deliver(livekit::Joined& e) {
    if (handler_.on_joined) handler_.on_joined(std::move(e.identity), std::move(e.participants));
  }
  void deliver(livekit::ParticipantConnected& e) {
    if (handler_.on_participant_joined) handler_.on_participant_joined(std::move(e.identity));
  }
  void deliver(livekit::ParticipantDisconnected& e) {
    if (handler_.on_participant_left) handler_.on_participant_left(std::move(e.identity));
  }
  void deliver(livekit::DataReceived& e) {
    if (handler_.on_data) handler_.on_data(std::move(e.sender), std::move(e.payload), e.kind);
  }
  void deliver(livekit::SessionClosed& e) {
    if (handler_.on_closed) handler_.on_closed(e.reason, e.detail);
  }

  // One simulator timer at the core's deadline, moved only when the deadline moves.
  void follow_deadline() {
    const auto deadline = core_.poll_timeout();
    if (deadline == timer_deadline_) return;
    if (timer_) runtime().cancel(*timer_);
    timer_.reset();
    timer_deadline_ = deadline;
    if (!deadline) return;
    timer_ = runtime().schedule_at(*deadline, [this] {
      timer_.reset();
      timer_deadline_.reset();
      core_.handle_timeout(now());
      pump(Delivery::now);
    });
  }

  void forget() {
    if (timer_) runtime().cancel(*timer_);
    timer_.reset();
    timer_deadline_.reset();
    if (stream_) network_.routing().detach(host_, *stream_);
    stream_.reset();
    if (attached_session_) network_.detach_session(host_, sfu_host_, *attached_session_);
    attached_session_.reset();
  }

  SimLivekitNetwork& network_;
  sim::HostId host_;
  livekit::LivekitClientCore core_;
  livekit::SessionHandler handler_;
  sim::HostId sfu_host_ = 0;
  std::optional<sim::StreamId> stream_;
  std::optional<std::uint64_t> attached_session_;  // lossy datagrams for it are routed to us
  std::optional<core::TimerId> timer_;
  std::optional<core::TimePoint> timer_deadline_;
  std::optional<core::TimerId> pending_;  // posted event delivery
};

}  // namespace

SimLivekitNetwork::SimLivekitNetwork(sim::Simulation& simulation)
    : routing_(simulation, sim_livekit_port,
               [this](sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload) { on_datagram(host, from, payload); }) {}

// Out of line: SimSession is complete only here.
SimLivekitNetwork::~SimLivekitNetwork() = default;

void SimLivekitNetwork::on_datagram(sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload) {
  auto fragment = livekit::wire::decode_lossy_datagram(payload);
  if (!fragment) {
    ++stats_.datagrams_corrupted;
    return;
  }
  const auto route = datagram_routes_.find(host);
  if (route != datagram_routes_.end() && route->second.server) {
    return route->second.server->on_fragment(from, std::move(*fragment));
  }
  DatagramEndpoint* session = nullptr;
  if (route != datagram_routes_.end()) {
    const auto it = route->second.sessions.find({from, fragment->session});
    if (it != route->second.sessions.end()) session = it->second;
  }
  if (!session) {
    ++stats_.datagrams_unrouted;
    return;
  }
  session->on_fragment(from, std::move(*fragment));
}

void SimLivekitNetwork::serve(sim::HostId host, std::function<void(sim::StreamId, sim::HostId)> accept, DatagramEndpoint* datagrams) {
  routing_.listen(host, std::move(accept));  // one SFU per host
  datagram_routes_[host].server = datagrams;
}

void SimLivekitNetwork::unserve(sim::HostId host) {
  routing_.unlisten(host);
  if (const auto it = datagram_routes_.find(host); it != datagram_routes_.end()) it->second.server = nullptr;
}

void SimLivekitNetwork::attach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session, DatagramEndpoint* endpoint) {
  routing_.serve(host);
  datagram_routes_[host].sessions[{sfu_host, session}] = endpoint;
}

void SimLivekitNetwork::detach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session) {
  if (const auto it = datagram_routes_.find(host); it != datagram_routes_.end()) it->second.sessions.erase({sfu_host, session});
}

livekit::LivekitConnector SimLivekitNetwork::connector(sim::HostId client_host, livekit::ClientCoreConfig config) {
  routing_.serve(client_host);
  return [this, client_host, config](const livekit::JoinRequest& request,
                                     livekit::SessionHandler handler) -> std::unique_ptr<livekit::LivekitSession> {
    auto session = std::make_unique<SimSession>(*this, client_host, config, std::move(handler));
    session->open(request);
    return session;
  };
}

}  // namespace dclcomms::carriers
