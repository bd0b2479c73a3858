#include "dclcomms/carriers/sim_livekit_network.hpp"

#include <boost/url/parse.hpp>

#include <optional>


namespace dclcomms::carriers {
namespace {

using livekit::DataKind;
using livekit::DisconnectReason;
namespace wire = livekit::wire;

// One participant's connection to a simulated SFU: a reliable stream for signalling and reliable
// data, datagrams for lossy data.
class SimSession final : public livekit::LivekitSession,
                         public SimStreamEndpoint,
                         public SimLivekitNetwork::DatagramEndpoint {
 public:
  SimSession(SimLivekitNetwork& network, sim::HostId host, SimLivekitClientOptions options, livekit::SessionHandler handler)
      : network_(network), host_(host), options_(options), handler_(std::move(handler)) {}

  ~SimSession() override {
    if (stream_ && !closed_) (void)network_.simulation().send_message(*stream_, host_, wire::encode(wire::Leave{}));
    forget();
    if (pending_) runtime().cancel(*pending_);
  }

  void open(const livekit::JoinRequest& request) {
    const auto url = boost::urls::parse_uri(request.url);
    if (!url) return close_later(DisconnectReason::join_failure, "not a URL");
    const std::string host_name(url->encoded_host());
    const auto sfu = network_.simulation().find_host(host_name);
    if (!sfu) return close_later(DisconnectReason::join_failure, "no simulated host named '" + host_name + "'");
    auto opened = network_.routing().open_stream(host_, *sfu);
    if (!opened) return close_later(DisconnectReason::join_failure, "cannot reach '" + host_name + "': " + opened.error().message);
    sfu_host_ = *sfu;
    stream_ = *opened;
    network_.routing().attach(host_, *stream_, this);
    join_timer_ = runtime().schedule_at(runtime().now() + options_.join_timeout, [this] {
      join_timer_.reset();
      if (!session_) close_now(DisconnectReason::join_failure, "no answer to the join in time");
    });
    send_frame(wire::Join{request.token});
  }

  void publish_data(std::vector<std::uint8_t> payload, DataKind kind, std::vector<std::string> destinations) override {
    if (!session_ || closed_ || payload.size() > livekit::data_payload_bytes_max) return;
    const auto frame = wire::encode(wire::ClientFrame{wire::DataUp{std::move(destinations), std::move(payload)}});
    if (kind == DataKind::reliable) {
      auto sent = network_.simulation().send_message(*stream_, host_, frame);
      if (!sent) close_later(DisconnectReason::connection_lost, "signal stream: " + sent.error().message);
      return;
    }
    for (auto& datagram : wire::fragment_lossy(*session_, next_lossy_sequence_++, frame, options_.lossy_chunk_bytes)) {
      network_.routing().send_datagram(host_, sfu_host_, std::move(datagram));
    }
  }

  void leave() override {
    if (closed_) return;
    if (stream_) (void)network_.simulation().send_message(*stream_, host_, wire::encode(wire::Leave{}));
    close_later(DisconnectReason::client_initiated, "left the room");
  }

  void on_message(std::span<const std::uint8_t> payload) override {
    if (closed_) return;
    last_heard_ = runtime().now();
    auto frame = wire::decode_server_frame(payload);
    if (!frame) return close_now(DisconnectReason::connection_lost, "undecodable frame from the SFU");
    struct Visitor {
      SimSession& self;
      void operator()(wire::Welcome& f) const {
        if (self.session_) return;
        self.session_ = f.session;
        self.cancel_join_timer();
        self.network_.attach_session(self.host_, self.sfu_host_, f.session, &self);
        self.arm_ping();
        if (self.handler_.on_joined) self.handler_.on_joined(std::move(f.identity), std::move(f.participants));
      }
      void operator()(wire::Rejected& f) const { self.close_now(DisconnectReason::join_failure, f.reason); }
      void operator()(wire::ParticipantJoined& f) const {
        if (self.handler_.on_participant_joined) self.handler_.on_participant_joined(std::move(f.identity));
      }
      void operator()(wire::ParticipantLeft& f) const {
        if (self.handler_.on_participant_left) self.handler_.on_participant_left(std::move(f.identity));
      }
      void operator()(wire::DataDown& f) const {
        if (self.handler_.on_data) self.handler_.on_data(std::move(f.sender), std::move(f.payload), DataKind::reliable);
      }
      void operator()(wire::Closed& f) const { self.close_now(f.reason, f.detail); }
      void operator()(wire::Pong&) const {}  // liveness only: last_heard_ is already updated
    };
    std::visit(Visitor{*this}, *frame);
  }

  void on_reset() override { close_now(DisconnectReason::connection_lost, "the connection to the SFU was reset"); }

  void on_fragment(sim::HostId, wire::LossyFragment fragment) override {
    if (closed_) return;
    last_heard_ = runtime().now();
    auto message = lossy_.add(std::move(fragment));
    if (!message) return;
    auto frame = wire::decode_server_frame(*message);
    auto* data = frame ? std::get_if<wire::DataDown>(&*frame) : nullptr;
    if (data && handler_.on_data) handler_.on_data(std::move(data->sender), std::move(data->payload), DataKind::lossy);
  }

 private:
  core::Runtime& runtime() { return network_.simulation().runtime(host_); }

  void send_frame(const wire::ClientFrame& frame) {
    auto sent = network_.simulation().send_message(*stream_, host_, wire::encode(frame));
    if (!sent) close_later(DisconnectReason::connection_lost, "signal stream: " + sent.error().message);
  }

  void cancel_join_timer() {
    if (join_timer_) runtime().cancel(*join_timer_);
    join_timer_.reset();
  }

  // Every ping_interval: give up if the SFU has been silent for ping_timeout, else ping it.
  void arm_ping() {
    ping_timer_ = runtime().schedule_at(runtime().now() + options_.ping_interval, [this] {
      ping_timer_.reset();
      if (closed_) return;
      if (runtime().now() - last_heard_ >= options_.ping_timeout) {
        return close_now(DisconnectReason::connection_lost, "ping timeout: nothing from the SFU for " +
                                                                std::to_string(core::to_ns(runtime().now() - last_heard_) / 1'000'000) + " ms");
      }
      send_frame(wire::Ping{});
      if (!closed_) arm_ping();
    });
  }

  void forget() {
    cancel_join_timer();
    if (ping_timer_) runtime().cancel(*ping_timer_);
    ping_timer_.reset();
    if (stream_) network_.routing().detach(host_, *stream_);
    if (session_) network_.detach_session(host_, sfu_host_, *session_);
  }

  // From inside a method: the callback must not run re-entrantly, so it is posted.
  void close_later(DisconnectReason reason, std::string detail) {
    if (closed_) return;
    closed_ = true;
    forget();
    pending_ = runtime().post([this, reason, detail = std::move(detail)] {
      pending_.reset();
      if (handler_.on_closed) handler_.on_closed(reason, detail);
    });
  }

  // From a simulator event: already outside any method of ours.
  void close_now(DisconnectReason reason, const std::string& detail) {
    if (closed_) return;
    closed_ = true;
    forget();
    if (handler_.on_closed) handler_.on_closed(reason, detail);
  }

  SimLivekitNetwork& network_;
  sim::HostId host_;
  SimLivekitClientOptions options_;
  livekit::SessionHandler handler_;
  sim::HostId sfu_host_ = 0;
  std::optional<sim::StreamId> stream_;
  std::optional<std::uint64_t> session_;  // set by the welcome
  std::optional<core::TimerId> join_timer_;
  std::optional<core::TimerId> ping_timer_;
  core::TimePoint last_heard_{};  // the last frame or lossy packet from the SFU
  std::optional<core::TimerId> pending_;
  std::uint64_t next_lossy_sequence_ = 1;
  wire::LossyReassembler lossy_;
  bool closed_ = false;
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

void SimLivekitNetwork::attach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session,
                                       DatagramEndpoint* endpoint) {
  routing_.serve(host);
  datagram_routes_[host].sessions[{sfu_host, session}] = endpoint;
}

void SimLivekitNetwork::detach_session(sim::HostId host, sim::HostId sfu_host, std::uint64_t session) {
  if (const auto it = datagram_routes_.find(host); it != datagram_routes_.end()) it->second.sessions.erase({sfu_host, session});
}

livekit::LivekitConnector SimLivekitNetwork::connector(sim::HostId client_host, SimLivekitClientOptions options) {
  routing_.serve(client_host);
  return [this, client_host, options](const livekit::JoinRequest& request,
                                      livekit::SessionHandler handler) -> std::unique_ptr<livekit::LivekitSession> {
    auto session = std::make_unique<SimSession>(*this, client_host, options, std::move(handler));
    session->open(request);
    return session;
  };
}

}  // namespace dclcomms::carriers
