#include "dclcomms/simulator_transport/simulated_crowd.hpp"

#include <utility>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/simulator_transport/peer_address.hpp"
#include "dclcomms/simulator_transport/stream_frame.hpp"

namespace dclcomms::simulator_transport {

SimulatedCrowd::SimulatedCrowd(CrowdConfig config, const ScenarioPlan& plan, Emit emit)
    : config_(config),
      plan_(plan),
      emit_(std::move(emit)),
      simulation_(std::make_unique<sim::Simulation>(sim::SimulationConfig{.seed = config.seed})),
      listed_(config.peers, false) {
  DCL_ASSERT(plan_.clocks.size() == static_cast<std::size_t>(config_.peers) + 1);
  const auto user = simulation_->add_host("user", plan_.clocks[user_host_id]);
  DCL_ASSERT(user == user_host_id);
  for (std::uint32_t i = 0; i < config_.peers; ++i) {
    const auto host = simulation_->add_host("peer-" + std::to_string(i), plan_.clocks[peer_host_id(i)]);
    DCL_ASSERT(host == peer_host_id(i));
  }
  for (const auto& link : plan_.links) simulation_->set_link(link.from, link.to, link.faults);

  peers_.reserve(config_.peers);
  for (std::uint32_t i = 0; i < config_.peers; ++i) {
    auto address = peer_address(config_.seed, i);
    const bool fresh = by_address_.emplace(address, i).second;
    DCL_ASSERT(fresh);  // 160 bits from distinct PRNG streams: a clash would be a bug
    peers_.push_back(std::make_unique<VirtualPeer>(*simulation_, config_, peer_host_id(i), user_host_id, i, std::move(address)));
    VirtualPeer& peer = *peers_.back();
    simulation_->set_handlers(peer_host_id(i),
                              sim::HostHandlers{
                                  .datagram = [&peer](sim::HostId,
                                                      std::span<const std::uint8_t> payload) { peer.receive_from_user(payload); },
                                  .message =
                                      [&peer](sim::StreamId, sim::HostId, std::span<const std::uint8_t> payload) {
                                        const auto frame = decode_frame(payload);
                                        if (frame && frame->tag == FrameTag::packet) peer.receive_from_user(frame->body);
                                      },
                                  .stream_opened = nullptr,
                                  .stream_reset = nullptr,
                                  .restarted = [&peer] { peer.restarted(); },
                              });
  }
  simulation_->set_handlers(
      user_host_id,
      sim::HostHandlers{
          .datagram = [this](sim::HostId from, std::span<const std::uint8_t> payload) { on_user_datagram(from, payload); },
          .message = [this](sim::StreamId, sim::HostId from, std::span<const std::uint8_t> payload) { on_user_message(from, payload); },
          .stream_opened = nullptr,
          .stream_reset = [this](sim::StreamId, sim::HostId peer) { on_user_stream_reset(peer); },
          .restarted = nullptr,
      });
}

SimulatedCrowd::~SimulatedCrowd() = default;

std::vector<std::string> SimulatedCrowd::start() {
  DCL_ASSERT(!started_);
  started_ = true;
  std::vector<std::string> present;
  for (auto& peer : peers_) {
    if (peer->start()) {
      listed_[peer->index()] = true;
      present.push_back(peer->address());
    }
  }
  for (const auto& fault : plan_.faults) schedule_fault(fault);
  return present;
}

void SimulatedCrowd::run_until(core::TimePoint when) {
  if (when > simulation_->now()) simulation_->run_until(when);
}

std::uint32_t SimulatedCrowd::peer_index(sim::HostId host) const {
  DCL_ASSERT(host != user_host_id && host <= peers_.size());
  return host - 1;
}

std::optional<std::uint32_t> SimulatedCrowd::find_peer(std::string_view address) const {
  const auto found = by_address_.find(address);
  if (found == by_address_.end()) return std::nullopt;
  return found->second;
}

// ---- What reaches the user's host -----------------------------------------------------------------

void SimulatedCrowd::on_user_datagram(sim::HostId from, std::span<const std::uint8_t> payload) { deliver(peer_index(from), payload); }

void SimulatedCrowd::on_user_message(sim::HostId from, std::span<const std::uint8_t> payload) {
  const auto index = peer_index(from);
  const auto frame = decode_frame(payload);
  if (!frame) {
    ++stats_.dropped_bad_frame;
    return;
  }
  switch (frame->tag) {
    case FrameTag::join:
      if (!listed_[index]) {
        listed_[index] = true;
        emit_(transport::PeerJoined{peers_[index]->address()});
      }
      break;
    case FrameTag::leave:
      if (listed_[index]) {
        listed_[index] = false;
        emit_(transport::PeerLeft{peers_[index]->address()});
      }
      break;
    case FrameTag::packet: deliver(index, frame->body); break;
  }
}

void SimulatedCrowd::on_user_stream_reset(sim::HostId peer) {
  // The peer's host crashed: its connection is gone, as a room server would report.
  const auto index = peer_index(peer);
  if (!listed_[index]) return;
  listed_[index] = false;
  emit_(transport::PeerLeft{peers_[index]->address()});
}

void SimulatedCrowd::deliver(std::uint32_t index, std::span<const std::uint8_t> packet) {
  if (user_down_ || !listed_[index]) {
    ++stats_.dropped_unknown_sender;
    return;
  }
  ++stats_.messages_delivered;
  emit_(transport::MessageReceived{peers_[index]->address(), transport::PacketBytes(packet.begin(), packet.end())});
}

// ---- What the user sends --------------------------------------------------------------------------

void SimulatedCrowd::send_from_user(std::span<const std::uint8_t> packet, bool reliable, const std::vector<std::string>& targets) {
  const auto send_to = [&](std::uint32_t index) {
    if (!listed_[index]) return;  // a room forwards only to members
    const sim::HostId host = peer_host_id(index);
    const bool over_mtu = packet.size() > simulation_->link_faults(user_host_id, host).mtu_bytes;
    if (!reliable && !over_mtu) {
      ++stats_.user_copies_sent;
      simulation_->send_datagram(user_host_id, host, sim::Bytes(packet.begin(), packet.end()));
      return;
    }
    if (!reliable) ++stats_.user_unreliable_over_mtu;
    const auto stream = peers_[index]->stream();
    if (stream && simulation_->send_message(*stream, user_host_id, encode_frame(FrameTag::packet, packet))) {
      ++stats_.user_copies_sent;
    } else {
      ++stats_.user_copies_not_sent;
    }
  };
  if (user_down_) return;
  if (targets.empty()) {
    for (std::uint32_t i = 0; i < peers_.size(); ++i) send_to(i);
    return;
  }
  // Each listed target once, in peer order (so duplicates in `targets` send one copy).
  std::vector<bool> chosen(peers_.size(), false);
  for (const auto& target : targets) {
    std::string lower(target);
    for (auto& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (const auto index = find_peer(lower)) chosen[*index] = true;
  }
  for (std::uint32_t i = 0; i < peers_.size(); ++i) {
    if (chosen[i]) send_to(i);
  }
}

// ---- Scenario faults ------------------------------------------------------------------------------

void SimulatedCrowd::schedule_fault(const PlannedFault& fault) {
  simulation_->schedule_at(core::TimePoint(fault.at), [this, &fault] { apply_fault(fault); });
}

void SimulatedCrowd::apply_fault(const PlannedFault& fault) {
  auto& simulation = *simulation_;
  // `crowd` and single peers may name the same host twice (a crash of peer-3, then of the crowd):
  // host actions skip hosts already in the target state instead of asserting.
  for (const auto host : fault.hosts) {
    const auto state = simulation.host_state(host);
    switch (fault.action) {
      case sim::FaultAction::crash:
        if (state == sim::HostState::down) break;
        simulation.crash(host);
        if (host == user_host_id && !user_down_) {
          user_down_ = true;
          emit_(transport::Disconnected{"simulator: the user's host crashed (scenario '" + plan_.name + "')", false});
        }
        break;
      case sim::FaultAction::restart:
        // The user's host stays down: that connection ended when it crashed.
        if (state == sim::HostState::down && host != user_host_id) simulation.restart(host);
        break;
      case sim::FaultAction::pause:
        if (state == sim::HostState::up) simulation.pause(host);
        break;
      case sim::FaultAction::resume:
        if (state == sim::HostState::paused) simulation.resume(host);
        break;
      default: break;
    }
  }
  switch (fault.action) {
    case sim::FaultAction::partition: simulation.partition(fault.side_a, fault.side_b); break;
    case sim::FaultAction::partition_oneway: simulation.partition_oneway(fault.side_a, fault.side_b); break;
    case sim::FaultAction::heal: simulation.heal(); break;
    case sim::FaultAction::set_link:
      for (const auto& link : fault.links) simulation.set_link(link.from, link.to, link.faults);
      break;
    case sim::FaultAction::hold:
      for (const auto& link : fault.links) simulation.hold(link.from, link.to);
      break;
    case sim::FaultAction::release:
      for (const auto& link : fault.links) simulation.release(link.from, link.to);
      break;
    default: break;
  }
}

}  // namespace dclcomms::simulator_transport
