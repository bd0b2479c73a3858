#pragma once
// VirtualPeer: one simulated explorer, running as host software on its own simulated host (its
// timers are that host's HostRuntime timers, so a scenario's crash, pause or clock skew applies to
// it). It joins and leaves, moves, and sends what an explorer sends (spec §7.2, §8.3, §8.4):
//
//   * Position (walker, idle, chatter, emoter) or Movement (runner), unreliable, every 100 ms while
//     moving and every 1 s while standing, Position.index strictly increasing over the peer's life;
//   * AnnounceProfileVersion every 2 s (reliable);
//   * a ProfileResponse (reliable) 0-100 ms after a ProfileRequest addressed to it;
//   * chatters: Chat every 5-20 s (reliable) and a Scene message every 2-6 s (unreliable);
//     emoters: PlayerEmote every 4-12 s (reliable).
//
// Unreliable packets leave as datagrams, reliable ones on the peer's stream to the user's host, so
// the link's weather applies to both. All randomness comes from the peer's own PRNG stream
// `peer:<index>`; nothing else (no clock, no global) shapes what it does.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/runtime.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/simulator_transport/crowd_config.hpp"
#include "dclcomms/simulator_transport/peer_packets.hpp"
#include "dclcomms/simulator_transport/simulator_params.hpp"

namespace dclcomms::simulator_transport {

/// Seconds added to a peer's clock for Chat.timestamp: a fixed "epoch" (2023-11-14) so that chats
/// look like ADR-204 epoch seconds yet never depend on the wall clock.
inline constexpr double chat_epoch_s = 1'700'000'000.0;

/// What a peer did; counters only (tests and benchmarks read them).
struct PeerStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t reliable_sent = 0;
  std::uint64_t reliable_not_sent = 0;    // the stream was reset or full
  std::uint64_t received_from_user = 0;   // packets from the user that reached this peer
  std::uint64_t received_while_away = 0;  // ... while it was not in the room (ignored)
  std::uint64_t received_undecodable = 0;
  std::uint64_t profile_requests_answered = 0;
  std::uint64_t profile_requests_ignored = 0;  // too many pending responses
  std::uint32_t joins = 0;                     // including the one at connect
  std::uint32_t leaves = 0;
  std::array<std::uint64_t, 16> received_by_case{};  // by codec::Packet::MessageCase (1..15)
};

class VirtualPeer {
 public:
  VirtualPeer(sim::Simulation& simulation, const CrowdConfig& config, sim::HostId host, sim::HostId user, std::uint32_t index,
              std::string address);
  VirtualPeer(const VirtualPeer&) = delete;
  VirtualPeer& operator=(const VirtualPeer&) = delete;

  /// Opens the stream to the user and decides presence: returns true if the peer is in the room at
  /// connect (it then starts at once, without a join notice: Connected lists it). Call once.
  bool start();

  /// The host came back after a crash: its timers are gone; reopen the stream and rejoin.
  void restarted();

  /// A packet from the user arrived at this peer's host (a datagram or a stream packet frame).
  void receive_from_user(std::span<const std::uint8_t> packet);

  const std::string& address() const { return address_; }
  std::uint32_t index() const { return index_; }
  sim::HostId host() const { return host_; }
  simulator_transport::PeerBehaviour behaviour() const { return behaviour_; }
  bool online() const { return online_; }
  /// The stream to the user's host, if open.
  std::optional<sim::StreamId> stream() const;
  const Pose& pose() const { return pose_; }
  const PeerStats& stats() const { return stats_; }

 private:
  void go_online(bool send_join);
  void go_offline();
  void cancel_activity();
  void open_stream();

  void motion_step();
  double move_towards(double target_x, double target_z, double max_step);
  /// A point drawn uniformly from the crowd's disc (rejection sampling from the square around it).
  std::pair<double, double> random_point_in_crowd();
  double step_orbit();
  double step_wander(double speed, core::Duration pause_min, core::Duration pause_max);
  void send_motion(bool moving);

  void announce();
  void chat();
  void scene();
  void emote();
  void answer_profile_request(std::uint64_t sequence);

  void send_unreliable(codec::Bytes packet);
  void send_reliable(codec::Bytes packet);
  void send_frame(std::vector<std::uint8_t> frame);
  core::TimerId every(core::Duration delay, void (VirtualPeer::*action)());
  double local_seconds() const;

  sim::Simulation& simulation_;
  core::Runtime& runtime_;
  const CrowdConfig& config_;
  const sim::HostId host_;
  const sim::HostId user_;
  const std::uint32_t index_;
  const std::string address_;
  core::Prng prng_;
  simulator_transport::PeerBehaviour behaviour_;
  std::uint32_t profile_version_;

  bool online_ = false;
  std::optional<sim::StreamId> stream_;
  // Timers while online; all cancelled on leaving (and simply gone after a crash).
  std::optional<core::TimerId> motion_timer_;
  std::optional<core::TimerId> announce_timer_;
  std::optional<core::TimerId> activity_timer_;
  std::optional<core::TimerId> scene_timer_;
  std::optional<core::TimerId> presence_timer_;  // next leave (online) or join (away)
  // Pending ProfileResponses (sequence, timer), at most profile_responses_pending_max.
  std::vector<std::pair<std::uint64_t, core::TimerId>> response_timers_;
  std::uint64_t response_sequence_ = 0;

  Pose pose_;
  std::optional<std::pair<double, double>> waypoint_;
  core::TimePoint pause_until_{};
  core::TimePoint last_motion_send_{};
  bool sent_motion_once_ = false;
  double velocity_x_ = 0.0;
  double velocity_z_ = 0.0;
  std::uint32_t position_index_ = 0;
  std::uint32_t emote_id_ = 0;
  std::uint32_t chats_ = 0;
  std::uint32_t scenes_ = 0;
  PeerStats stats_;
};

}  // namespace dclcomms::simulator_transport
