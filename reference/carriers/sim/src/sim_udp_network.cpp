// SimUdpNetwork (see the header).
#include "dclcomms/carriers/sim_udp_network.hpp"

namespace dclcomms::carriers {

namespace {

class SimUdpSocket final : public transport::DatagramSocket {
 public:
  SimUdpSocket(SimUdpNetwork& network, sim::HostId host, std::string host_name, std::uint16_t port)
      : network_(network), host_(host), address_{std::move(host_name), port} {}
  ~SimUdpSocket() override { network_.unbind(host_, address_.port); }

  void send_to(const core::SocketAddress& to, std::span<const std::uint8_t> datagram) override {
    network_.send(host_, address_.port, to, datagram);
  }
  core::SocketAddress local_address() const override { return address_; }

 private:
  SimUdpNetwork& network_;
  sim::HostId host_;
  core::SocketAddress address_;
};

}  // namespace

SimUdpNetwork::SimUdpNetwork(sim::Simulation& simulation)
    : routing_(simulation, sim_udp_port,
               [this](sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload) { on_datagram(host, from, payload); }) {}

SimUdpNetwork::~SimUdpNetwork() = default;

transport::DatagramSocketOpener SimUdpNetwork::opener(sim::HostId host) {
  return
      [this, host](const core::SocketAddress& bind,
                   transport::DatagramHandler handler) -> core::Result<std::unique_ptr<transport::DatagramSocket>, transport::ListenError> {
        routing_.serve(host);
        auto& ports = bound_[host];
        std::uint16_t port = bind.port;
        if (port == 0) {
          std::uint16_t& next = next_ephemeral_.try_emplace(host, std::uint16_t{49152}).first->second;
          while (ports.contains(next)) ++next;
          port = next++;
        }
        if (ports.contains(port)) {
          return core::fail(transport::ListenErrorCode::bind_failed,
                            "UDP port " + std::to_string(port) + " is taken on " + routing_.simulation().host_name(host));
        }
        ports.emplace(port, std::move(handler));
        return std::unique_ptr<transport::DatagramSocket>(
            std::make_unique<SimUdpSocket>(*this, host, routing_.simulation().host_name(host), port));
      };
}

void SimUdpNetwork::unbind(sim::HostId host, std::uint16_t port) {
  if (auto found = bound_.find(host); found != bound_.end()) found->second.erase(port);
}

void SimUdpNetwork::send(sim::HostId from, std::uint16_t from_port, const core::SocketAddress& to, std::span<const std::uint8_t> datagram) {
  const auto to_host = routing_.simulation().find_host(to.ip);
  if (!to_host) return;  // no such host: lost, as UDP to nowhere is
  sim::Bytes payload = {static_cast<std::uint8_t>(from_port >> 8), static_cast<std::uint8_t>(from_port),
                        static_cast<std::uint8_t>(to.port >> 8), static_cast<std::uint8_t>(to.port)};
  payload.insert(payload.end(), datagram.begin(), datagram.end());
  routing_.send_datagram(from, *to_host, std::move(payload));
}

void SimUdpNetwork::on_datagram(sim::HostId host, sim::HostId from, std::span<const std::uint8_t> payload) {
  if (payload.size() < 4) {
    ++stats_.datagrams_unrouted;
    return;
  }
  const std::uint16_t from_port = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
  const std::uint16_t to_port = static_cast<std::uint16_t>((payload[2] << 8) | payload[3]);
  const auto ports = bound_.find(host);
  if (ports == bound_.end()) {
    ++stats_.datagrams_unrouted;
    return;
  }
  const auto handler = ports->second.find(to_port);
  if (handler == ports->second.end()) {
    ++stats_.datagrams_unrouted;
    return;
  }
  // A copy of the handler: it may close its own socket (unbinding it) while it runs.
  const transport::DatagramHandler deliver = handler->second;
  deliver({routing_.simulation().host_name(from), from_port}, payload.subspan(4));
}

}  // namespace dclcomms::carriers
