#include "dclcomms/simulator_transport/virtual_peer.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <utility>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/assert.hpp"
#include "dclcomms/simulator_transport/fixed_trig.hpp"
#include "dclcomms/simulator_transport/stream_frame.hpp"

namespace dclcomms::simulator_transport {
namespace {

constexpr std::string_view chat_lines[] = {
    "gm", "hi everyone", "anyone going to the event?", "nice outfit", "lol", "brb", "where is the party?", "this place looks great",
};
constexpr std::string_view emote_urns[] = {
    "wave", "fistpump", "robot", "raiseHand", "clap", "money", "kiss", "shrug", "headexplode", "dance",
};

constexpr bool sends_movement(simulator_transport::PeerBehaviour behaviour) {
  return behaviour == simulator_transport::PeerBehaviour::runner;  // unity-explorer style; the rest are kernel-era
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_address(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::int64_t floor_div16(double metres) {
  const auto whole = static_cast<std::int64_t>(metres);
  const std::int64_t floor = (static_cast<double>(whole) > metres) ? whole - 1 : whole;
  return floor >= 0 ? floor / 16 : -((-floor + 15) / 16);
}

}  // namespace

VirtualPeer::VirtualPeer(sim::Simulation& simulation, const CrowdConfig& config, sim::HostId host, sim::HostId user, std::uint32_t index,
                         std::string address)
    : simulation_(simulation),
      runtime_(simulation.runtime(host)),
      config_(config),
      host_(host),
      user_(user),
      index_(index),
      address_(std::move(address)),
      prng_(core::Prng::derive(config.seed, "peer:" + std::to_string(index))),
      behaviour_(draw_behaviour(prng_, config.behaviour_weights)),
      profile_version_(static_cast<std::uint32_t>(1 + prng_.uniform_below(50))) {
  DCL_ASSERT(host_ != user_);
  std::tie(pose_.x, pose_.z) = random_point_in_crowd();  // spawn uniformly in the crowd's disc
  const auto heading = sin_cos(2.0 * pi * unit_draw(prng_));
  pose_.heading_x = heading.sin;
  pose_.heading_z = heading.cos;
}

bool VirtualPeer::start() {
  DCL_ASSERT(!stream_ && !online_);
  open_stream();
  if (prng_.chance(present_at_connect)) {
    go_online(/*send_join=*/false);
    return true;
  }
  presence_timer_ = runtime_.schedule_at(runtime_.now() + uniform_duration(prng_, late_join_min, late_join_max), [this] {
    presence_timer_.reset();
    go_online(true);
  });
  return false;
}

void VirtualPeer::restarted() {
  // The crash discarded every timer of this host; forget their ids (cancelling them is harmless
  // but they will never run) and come back as a reconnecting client does.
  motion_timer_.reset();
  announce_timer_.reset();
  activity_timer_.reset();
  scene_timer_.reset();
  presence_timer_.reset();
  response_timers_.clear();
  online_ = false;
  stream_.reset();
  open_stream();
  go_online(true);
}

void VirtualPeer::open_stream() {
  auto opened = simulation_.open_stream(host_, user_);
  if (opened) stream_ = *opened;
}

std::optional<sim::StreamId> VirtualPeer::stream() const {
  if (stream_ && simulation_.is_stream_open(*stream_)) return stream_;
  return std::nullopt;
}

void VirtualPeer::go_online(bool send_join) {
  DCL_ASSERT(!online_);
  online_ = true;
  ++stats_.joins;
  if (send_join) send_frame(encode_frame(FrameTag::join));
  // Phases are drawn so that a crowd does not send in lock-step.
  motion_timer_ = every(uniform_duration(prng_, 0ms, motion_tick), &VirtualPeer::motion_step);
  announce_timer_ = every(uniform_duration(prng_, 0ms, announce_interval), &VirtualPeer::announce);
  switch (behaviour_) {
    case simulator_transport::PeerBehaviour::chatter:
      activity_timer_ = every(uniform_duration(prng_, 1s, 20s), &VirtualPeer::chat);
      scene_timer_ = every(uniform_duration(prng_, 0s, 6s), &VirtualPeer::scene);
      break;
    case simulator_transport::PeerBehaviour::emoter: activity_timer_ = every(uniform_duration(prng_, 0s, 12s), &VirtualPeer::emote); break;
    default: break;
  }
  presence_timer_ = every(exponential_duration(prng_, session_mean, session_min), &VirtualPeer::go_offline);
}

void VirtualPeer::go_offline() {
  DCL_ASSERT(online_);
  presence_timer_.reset();  // we are running from it
  cancel_activity();
  online_ = false;
  ++stats_.leaves;
  send_frame(encode_frame(FrameTag::leave));
  presence_timer_ = runtime_.schedule_at(runtime_.now() + exponential_duration(prng_, absence_mean, absence_min), [this] {
    presence_timer_.reset();
    go_online(true);
  });
}

void VirtualPeer::cancel_activity() {
  for (auto* timer : {&motion_timer_, &announce_timer_, &activity_timer_, &scene_timer_, &presence_timer_}) {
    if (*timer) runtime_.cancel(**timer);
    timer->reset();
  }
  for (const auto& [sequence, id] : response_timers_) runtime_.cancel(id);
  response_timers_.clear();
}

core::TimerId VirtualPeer::every(core::Duration delay, void (VirtualPeer::*action)()) {
  return runtime_.schedule_at(runtime_.now() + delay, [this, action] { (this->*action)(); });
}

double VirtualPeer::local_seconds() const { return static_cast<double>(core::to_ns(runtime_.now())) / 1e9; }

// ---- Motion ---------------------------------------------------------------------------------------

void VirtualPeer::motion_step() {
  motion_timer_ = every(motion_tick, &VirtualPeer::motion_step);
  double moved = 0.0;
  switch (behaviour_) {
    case simulator_transport::PeerBehaviour::walker: moved = step_orbit(); break;
    case simulator_transport::PeerBehaviour::runner: moved = step_wander(run_speed_metres_per_s, 500ms, 2s); break;
    case simulator_transport::PeerBehaviour::chatter: moved = step_wander(stroll_speed_metres_per_s, 5s, 20s); break;
    case simulator_transport::PeerBehaviour::idle:
    case simulator_transport::PeerBehaviour::emoter:
      velocity_x_ = 0.0;
      velocity_z_ = 0.0;
      break;
  }
  send_motion(moved > 0.001);
}

std::pair<double, double> VirtualPeer::random_point_in_crowd() {
  double dx = 0.0;
  double dz = 0.0;
  do {
    dx = (2.0 * unit_draw(prng_) - 1.0) * config_.spread;
    dz = (2.0 * unit_draw(prng_) - 1.0) * config_.spread;
  } while (dx * dx + dz * dz > config_.spread * config_.spread);
  return {config_.centre_x + dx, config_.centre_z + dz};
}

double VirtualPeer::move_towards(double target_x, double target_z, double max_step) {
  const double dx = target_x - pose_.x;
  const double dz = target_z - pose_.z;
  const double distance = square_root(dx * dx + dz * dz);
  const double tick_s = static_cast<double>(motion_tick.count()) / 1e9;
  if (distance < 1e-9) {
    velocity_x_ = 0.0;
    velocity_z_ = 0.0;
    return 0.0;
  }
  const double step = std::min(distance, max_step);
  pose_.x += dx / distance * step;
  pose_.z += dz / distance * step;
  pose_.heading_x = dx / distance;
  pose_.heading_z = dz / distance;
  velocity_x_ = dx / distance * step / tick_s;
  velocity_z_ = dz / distance * step / tick_s;
  return step;
}

// The kernel's SimulationRoom orbit (spec §7.2): peer i circles the centre at radius
// i * distance + 3 m, its angle advancing by `speed` radians per elapsed millisecond from an even
// spread around the circle, and closes in on that moving target by at most 5 m + random * U[0,1)
// per tick. With `spread` given, the radius is capped at it so the crowd stays inside.
double VirtualPeer::step_orbit() {
  double radius = static_cast<double>(index_) * config_.distance_metres_per_peer + 3.0;
  if (config_.spread_given) radius = std::min(radius, config_.spread);
  const double elapsed_ms = static_cast<double>(core::to_ns(runtime_.now())) / 1e6;
  const double peers = static_cast<double>(std::max<std::uint32_t>(config_.peers, 1));
  const auto angle = sin_cos(2.0 * pi * static_cast<double>(index_) / peers + elapsed_ms * config_.speed_factor);
  const double target_x = config_.centre_x + radius * angle.sin;
  const double target_z = config_.centre_z + radius * angle.cos;
  return move_towards(target_x, target_z, legacy_step_metres + config_.random_step_metres * unit_draw(prng_));
}

// Waypoints drawn uniformly in the crowd's disc, walked at `speed`, with a pause at each.
double VirtualPeer::step_wander(double speed, core::Duration pause_min, core::Duration pause_max) {
  if (runtime_.now() < pause_until_) {
    velocity_x_ = 0.0;
    velocity_z_ = 0.0;
    return 0.0;
  }
  if (!waypoint_) waypoint_ = random_point_in_crowd();
  const double max_step = speed * static_cast<double>(motion_tick.count()) / 1e9;
  const double moved = move_towards(waypoint_->first, waypoint_->second, max_step);
  if (moved < max_step) {  // arrived
    waypoint_.reset();
    pause_until_ = runtime_.now() + uniform_duration(prng_, pause_min, pause_max);
  }
  return moved;
}

void VirtualPeer::send_motion(bool moving) {
  const auto now = runtime_.now();
  if (!moving && sent_motion_once_ && now - last_motion_send_ < standing_interval) return;
  sent_motion_once_ = true;
  last_motion_send_ = now;
  if (sends_movement(behaviour_)) {
    const float blend = moving ? 3.0F : 0.0F;
    send_unreliable(movement_packet(static_cast<float>(local_seconds()), pose_, velocity_x_, velocity_z_, blend));
  } else {
    ++position_index_;
    send_unreliable(position_packet(position_index_, pose_));
  }
}

// ---- Other messages -------------------------------------------------------------------------------

void VirtualPeer::announce() {
  announce_timer_ = every(announce_interval, &VirtualPeer::announce);
  send_reliable(announce_packet(profile_version_));
}

void VirtualPeer::chat() {
  activity_timer_ = every(uniform_duration(prng_, 5s, 20s), &VirtualPeer::chat);
  const auto line = chat_lines[prng_.uniform_below(std::size(chat_lines))];
  ++chats_;
  send_reliable(chat_packet(line, chat_epoch_s + local_seconds()));
}

void VirtualPeer::scene() {
  scene_timer_ = every(uniform_duration(prng_, 2s, 6s), &VirtualPeer::scene);
  ++scenes_;
  const std::string scene_id = "simulator-scene:" + std::to_string(floor_div16(pose_.x)) + "," + std::to_string(floor_div16(pose_.z));
  send_unreliable(scene_packet(scene_id, R"({"peer":)" + std::to_string(index_) + R"(,"n":)" + std::to_string(scenes_) + "}"));
}

void VirtualPeer::emote() {
  activity_timer_ = every(uniform_duration(prng_, 4s, 12s), &VirtualPeer::emote);
  ++emote_id_;
  send_reliable(emote_packet(emote_id_, emote_urns[prng_.uniform_below(std::size(emote_urns))], static_cast<float>(local_seconds())));
}

void VirtualPeer::receive_from_user(std::span<const std::uint8_t> packet) {
  if (!online_) {
    ++stats_.received_while_away;
    return;
  }
  ++stats_.received_from_user;
  auto decoded = codec::decode_packet(packet);
  if (!decoded) {
    ++stats_.received_undecodable;
    return;
  }
  const auto message_case = static_cast<std::size_t>(decoded->message_case());
  if (message_case < stats_.received_by_case.size()) ++stats_.received_by_case[message_case];
  if (!decoded->has_profile_request() || !same_address(decoded->profile_request().address(), address_)) return;
  if (response_timers_.size() >= profile_responses_pending_max) {
    ++stats_.profile_requests_ignored;
    return;
  }
  const auto delay = uniform_duration(prng_, 0ms, profile_response_delay_max);
  const std::uint64_t sequence = ++response_sequence_;
  response_timers_.emplace_back(sequence,
                                runtime_.schedule_at(runtime_.now() + delay, [this, sequence] { answer_profile_request(sequence); }));
}

void VirtualPeer::answer_profile_request(std::uint64_t sequence) {
  // Each delay is drawn, so responses need not run in the order they were scheduled: find ours.
  const auto found =
      std::find_if(response_timers_.begin(), response_timers_.end(), [sequence](const auto& entry) { return entry.first == sequence; });
  DCL_ASSERT(found != response_timers_.end());
  response_timers_.erase(found);
  ++stats_.profile_requests_answered;
  send_reliable(profile_response_packet(address_, index_, profile_version_));
}

// ---- Sending --------------------------------------------------------------------------------------

void VirtualPeer::send_unreliable(codec::Bytes packet) {
  ++stats_.datagrams_sent;
  simulation_.send_datagram(host_, user_, std::move(packet));
}

void VirtualPeer::send_reliable(codec::Bytes packet) { send_frame(encode_frame(FrameTag::packet, packet)); }

void VirtualPeer::send_frame(std::vector<std::uint8_t> frame) {
  if (!stream_ || !simulation_.is_stream_open(*stream_)) {
    ++stats_.reliable_not_sent;
    return;
  }
  if (simulation_.send_message(*stream_, host_, std::move(frame))) {
    ++stats_.reliable_sent;
  } else {
    ++stats_.reliable_not_sent;
  }
}

}  // namespace dclcomms::simulator_transport
