#include "dclcomms/carriers/sim_port_routing.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::carriers {

SimPortRouting::~SimPortRouting() {
  for (auto& [host, routing] : hosts_) simulation_.set_handlers(host, port_, {});
}

SimPortRouting::HostRouting& SimPortRouting::routing(sim::HostId host) {
  auto [it, inserted] = hosts_.try_emplace(host);
  if (inserted) {
    sim::HostHandlers handlers;
    // A first message may overtake the stream's open when the link has jitter: the listener then
    // accepts the stream on that message (accepting is idempotent).
    // `route` points into hosts_, a std::map that never erases: it stays valid.
    handlers.message = [route = &it->second](sim::StreamId stream, sim::HostId from, std::span<const std::uint8_t> payload) {
      auto e = route->endpoints.find(stream);
      if (e == route->endpoints.end() && route->accept) {
        route->accept(stream, from);
        e = route->endpoints.find(stream);
      }
      if (e != route->endpoints.end()) e->second->on_message(payload);
    };
    handlers.stream_opened = [this, host](sim::StreamId stream, sim::HostId peer) {
      if (const auto& accept = hosts_.at(host).accept) accept(stream, peer);
    };
    handlers.stream_reset = [this, host](sim::StreamId stream, sim::HostId) {
      auto& endpoints = hosts_.at(host).endpoints;
      if (const auto e = endpoints.find(stream); e != endpoints.end()) e->second->on_reset();
    };
    if (datagrams_) {
      handlers.datagram = [this, host](sim::HostId from, std::span<const std::uint8_t> payload) { datagrams_(host, from, payload); };
    }
    simulation_.set_handlers(host, port_, std::move(handlers));
  }
  return it->second;
}

void SimPortRouting::serve(sim::HostId host) { routing(host); }

void SimPortRouting::attach(sim::HostId host, sim::StreamId stream, SimStreamEndpoint* endpoint) {
  routing(host).endpoints[stream] = endpoint;
}

void SimPortRouting::detach(sim::HostId host, sim::StreamId stream) {
  if (const auto it = hosts_.find(host); it != hosts_.end()) it->second.endpoints.erase(stream);
}

void SimPortRouting::listen(sim::HostId host, Acceptor accept) {
  auto& route = routing(host);
  DCL_ASSERT(!route.accept);
  route.accept = std::move(accept);
}

void SimPortRouting::unlisten(sim::HostId host) {
  if (const auto it = hosts_.find(host); it != hosts_.end()) it->second.accept = nullptr;
}

}  // namespace dclcomms::carriers
