#pragma once
// SimulatedCrowd: the private network behind one `simulator:` transport. A sim::Simulation with one
// host for the user ("user", host 0) and one per virtual peer ("peer-<i>", host i + 1) — one host
// each rather than a single "crowd" host, so that a scenario can crash, pause or partition a single
// peer, and each peer's link has its own loss and jitter draws. Links follow a ScenarioPlan (a
// weather profile on every user<->peer direction, or a scenario file).
//
// The user's host plays the part of the room as a client sees it: it learns joins and leaves from
// the peers' streams, drops packets from peers it does not list (as ws-room drops unknown aliases),
// and turns what arrives into transport events through `emit`. Nothing here knows about wall time:
// the owner advances it with run_until(simulated time).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/simulator_transport/crowd_config.hpp"
#include "dclcomms/simulator_transport/scenario_plan.hpp"
#include "dclcomms/simulator_transport/virtual_peer.hpp"
#include "dclcomms/transport/transport.hpp"

namespace dclcomms::simulator_transport {

/// What the user's side saw and did; counters only.
struct CrowdStats {
  std::uint64_t messages_delivered = 0;        // MessageReceived emitted
  std::uint64_t dropped_unknown_sender = 0;    // from a peer the user's side did not list (yet/any more)
  std::uint64_t dropped_bad_frame = 0;         // a stream message that is not a frame (a bug: never expected)
  std::uint64_t user_copies_sent = 0;          // one per destination peer of each send
  std::uint64_t user_copies_not_sent = 0;      // the destination's stream was reset or full
  std::uint64_t user_unreliable_over_mtu = 0;  // unreliable sends carried on the stream (see send_from_user)
};

class SimulatedCrowd {
 public:
  using Emit = std::function<void(transport::TransportEvent)>;

  /// Builds the network and the peers; starts nothing (start() does).
  SimulatedCrowd(CrowdConfig config, const ScenarioPlan& plan, Emit emit);
  ~SimulatedCrowd();
  SimulatedCrowd(const SimulatedCrowd&) = delete;
  SimulatedCrowd& operator=(const SimulatedCrowd&) = delete;

  /// Starts every peer at simulated time 0 and schedules the plan's faults. Returns the addresses in
  /// the room at connect, in peer order. Call once.
  std::vector<std::string> start();

  /// Runs every simulated event due at or before `when` (simulated time since start).
  void run_until(core::TimePoint when);
  core::TimePoint now() const { return simulation_->now(); }
  /// When the crowd next has something to do (simulated time); TimePoint::max() when idle.
  core::TimePoint next_event_time() { return simulation_->next_event_time(); }

  /// The user sends one packet: to every peer the user's side lists, or to `targets` among them
  /// (unknown or absent targets are skipped, as a room does). Reliable packets go on the peer's
  /// stream; unreliable ones as datagrams, except that a packet larger than the link's MTU is put on
  /// the stream (real carriers fragment; the simulator's datagrams do not).
  void send_from_user(std::span<const std::uint8_t> packet, bool reliable, const std::vector<std::string>& targets);

  /// Peer index by address (lower-case), or nullopt.
  std::optional<std::uint32_t> find_peer(std::string_view address) const;
  std::size_t peer_count() const { return peers_.size(); }
  const VirtualPeer& peer(std::uint32_t index) const { return *peers_.at(index); }
  /// Whether the user's side currently lists peer `index` as present.
  bool user_lists(std::uint32_t index) const { return listed_.at(index); }

  const CrowdConfig& config() const { return config_; }
  const sim::Simulation& simulation() const { return *simulation_; }
  const CrowdStats& stats() const { return stats_; }

 private:
  void on_user_datagram(sim::HostId from, std::span<const std::uint8_t> payload);
  void on_user_message(sim::HostId from, std::span<const std::uint8_t> payload);
  void on_user_stream_reset(sim::HostId peer);
  void deliver(std::uint32_t index, std::span<const std::uint8_t> packet);
  void schedule_fault(const PlannedFault& fault);
  void apply_fault(const PlannedFault& fault);
  std::uint32_t peer_index(sim::HostId host) const;

  CrowdConfig config_;
  ScenarioPlan plan_;
  Emit emit_;
  std::unique_ptr<sim::Simulation> simulation_;
  std::vector<std::unique_ptr<VirtualPeer>> peers_;
  std::map<std::string, std::uint32_t, std::less<>> by_address_;
  std::vector<bool> listed_;  // the user's view of the room, by peer index
  bool user_down_ = false;
  bool started_ = false;
  CrowdStats stats_;
};

}  // namespace dclcomms::simulator_transport
