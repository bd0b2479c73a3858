#pragma once
// Private state of Simulation, shared by simulation.cpp and host_runtime.cpp only.

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "dclcomms/sim/host_runtime.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace dclcomms::sim {

struct Simulation::Host {
  std::string name;
  HostClock clock;
  HostState state = HostState::up;
  std::uint64_t epoch = 0;                // bumped by crash: work scheduled under an older epoch is void
  std::map<Port, HostHandlers> handlers;  // by port; ordered so restarts run in port order
  // Work that came due while paused (or behind such work), run in order after resume. Bounded by
  // SimulationConfig::held_deliveries_max. Keyed by event id so HostRuntime::cancel can find it.
  std::deque<std::pair<EventId, std::function<void()>>> held;
  std::unique_ptr<HostRuntime> runtime;
};

struct Simulation::Stream {
  struct Direction {
    std::uint32_t next_send_seq = 0;
    std::uint32_t next_deliver_seq = 0;
    std::uint32_t undelivered = 0;                                  // sent, not yet handed to the receiver
    std::map<std::uint32_t, std::shared_ptr<const Bytes>> arrived;  // waiting for a gap to fill
  };
  StreamId id = 0;
  Port port = 0;  // whose handlers get its events, at both ends
  HostId ends[2] = {0, 0};
  Link* links[2] = {nullptr, nullptr};  // per direction (0: ends[0] -> ends[1]); links are never removed
  Direction directions[2];
};

/// One stream message on its way: which segments are still missing and how often it was tried.
struct Simulation::Message {
  StreamId stream = 0;
  int direction = 0;
  std::uint32_t seq = 0;
  HostId from = 0;
  HostId to = 0;
  Link* path = nullptr;                // from -> to
  Bytes payload;                       // one allocation with the Message: delivery shares it through an aliasing shared_ptr
  std::uint32_t segments_missing = 0;  // not yet arrived
  std::uint64_t segment_bytes = 0;     // charged per segment on the link
  std::uint32_t attempt = 0;           // 0 = first transmission

  std::uint64_t trace_id() const { return (std::uint64_t{stream} << 32) | seq; }
};

}  // namespace dclcomms::sim
