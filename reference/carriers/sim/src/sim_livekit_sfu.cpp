#include "dclcomms/carriers/sim_livekit_sfu.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::carriers {

using livekit::DataKind;
using livekit::DisconnectReason;
namespace wire = livekit::wire;

struct SimLivekitSfu::Session {
  std::uint64_t id = 0;
  sim::HostId host = 0;
  std::string identity;
  std::string room;
  bool can_publish_data = true;
  core::TimePoint last_heard{};           // the last frame or lossy packet from the participant
  std::uint64_t next_lossy_sequence = 1;  // towards this participant
  wire::LossyReassembler lossy;           // from this participant
};

struct SimLivekitSfu::Endpoint final : SimStreamEndpoint {
  Endpoint(SimLivekitSfu& sfu, sim::StreamId stream, sim::HostId peer_host) : peer(peer_host), sfu_(sfu), stream_(stream) {}
  void on_message(std::span<const std::uint8_t> payload) override { sfu_.on_message(stream_, payload); }
  void on_reset() override { sfu_.drop(stream_, nullptr); }
  const sim::HostId peer;  // the participant's host

 private:
  SimLivekitSfu& sfu_;
  sim::StreamId stream_;
};

struct SimLivekitSfu::Datagrams final : SimLivekitNetwork::DatagramEndpoint {
  explicit Datagrams(SimLivekitSfu& sfu) : sfu_(sfu) {}
  void on_fragment(sim::HostId from, wire::LossyFragment fragment) override { sfu_.on_fragment(from, std::move(fragment)); }

 private:
  SimLivekitSfu& sfu_;
};

SimLivekitSfu::SimLivekitSfu(SimLivekitNetwork& network, sim::HostId host, SimLivekitSfuOptions options)
    : network_(network), host_(host), options_(std::move(options)), datagrams_(std::make_unique<Datagrams>(*this)) {
  DCL_ASSERT(options_.unix_seconds_now);
  for (const auto& room : options_.rooms) rooms_.try_emplace(room);
  network_.serve(
      host_, [this](sim::StreamId stream, sim::HostId peer) { accept(stream, peer); }, datagrams_.get());
}

SimLivekitSfu::~SimLivekitSfu() {
  if (sweep_timer_) network_.simulation().runtime(host_).cancel(*sweep_timer_);
  for (const auto& [stream, endpoint] : endpoints_) network_.routing().detach(host_, stream);
  network_.unserve(host_);
}

std::vector<std::string> SimLivekitSfu::participants(std::string_view room) const {
  std::vector<std::string> out;
  if (const auto it = rooms_.find(room); it != rooms_.end()) {
    for (const auto stream : it->second) out.push_back(sessions_.at(stream).identity);
  }
  return out;
}

std::vector<std::string> SimLivekitSfu::rooms() const {
  std::vector<std::string> out;
  for (const auto& [name, members] : rooms_) out.push_back(name);
  return out;
}

bool SimLivekitSfu::remove_participant(std::string_view room, std::string_view identity) {
  const auto it = rooms_.find(room);
  if (it == rooms_.end()) return false;
  for (const auto stream : it->second) {
    if (sessions_.at(stream).identity == identity) {
      const wire::Closed notice{DisconnectReason::participant_removed, "removed by the room service"};
      drop(stream, &notice);
      drop_failed_sends();
      return true;
    }
  }
  return false;
}

void SimLivekitSfu::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  std::vector<sim::StreamId> open;
  for (const auto& [stream, endpoint] : endpoints_) open.push_back(stream);
  const wire::Closed notice{DisconnectReason::server_shutdown, "the server is shutting down"};
  for (const auto stream : open) drop(stream, &notice);
  failed_sends_.clear();
  network_.unserve(host_);
}

void SimLivekitSfu::accept(sim::StreamId stream, sim::HostId peer) {
  if (stopped_) return;
  auto [it, inserted] = endpoints_.try_emplace(stream, std::make_unique<Endpoint>(*this, stream, peer));
  if (inserted) network_.routing().attach(host_, stream, it->second.get());
}

void SimLivekitSfu::on_message(sim::StreamId stream, std::span<const std::uint8_t> bytes) {
  auto frame = wire::decode_client_frame(bytes);
  if (!frame) {
    ++stats_.protocol_errors;
    drop(stream, nullptr);
  } else if (const auto* request = std::get_if<wire::Join>(&*frame)) {
    if (!sessions_.contains(stream)) join(stream, *request);
  } else if (const auto* data = std::get_if<wire::DataUp>(&*frame)) {
    if (const auto it = sessions_.find(stream); it != sessions_.end()) {
      it->second.last_heard = network_.simulation().runtime(host_).now();
      forward(it->second, *data, DataKind::reliable);
    }
  } else if (std::holds_alternative<wire::Ping>(*frame)) {
    if (const auto it = sessions_.find(stream); it != sessions_.end()) {
      it->second.last_heard = network_.simulation().runtime(host_).now();
      (void)send(stream, wire::Pong{});
    }
  } else {
    drop(stream, nullptr);  // leave
  }
  drop_failed_sends();
}

void SimLivekitSfu::on_fragment(sim::HostId from, wire::LossyFragment fragment) {
  const auto id = by_session_id_.find(fragment.session);
  if (id == by_session_id_.end()) return;
  Session& sender = sessions_.at(id->second);
  if (sender.host != from) return;  // not that participant's host: ignore
  sender.last_heard = network_.simulation().runtime(host_).now();
  auto message = sender.lossy.add(std::move(fragment));
  if (!message) return;
  auto frame = wire::decode_client_frame(*message);
  if (const auto* data = frame ? std::get_if<wire::DataUp>(&*frame) : nullptr) forward(sender, *data, DataKind::lossy);
}

void SimLivekitSfu::join(sim::StreamId stream, const wire::Join& request) {
  livekit::TokenCheck check;
  check.unix_seconds_now = options_.unix_seconds_now();
  check.leeway_seconds = options_.leeway_seconds;
  check.credentials = options_.credentials;
  check.requirements.publish_data = false;  // a server admits listen-only participants
  check.requirements.subscribe = false;
  const auto claims = livekit::validate_livekit_token(request.token, check);
  const auto reject = [&](std::string reason) {
    ++stats_.joins_rejected;
    (void)send(stream, wire::Rejected{std::move(reason)});
    network_.routing().detach(host_, stream);
    endpoints_.erase(stream);
  };
  if (!claims) return reject("invalid token: " + std::string(livekit::to_string(claims.error().code)) + ": " + claims.error().message);
  const std::string& room = *claims->video->room;
  if (!rooms_.contains(room) && !options_.auto_create_rooms) {
    return reject("room_not_found: room '" + room + "' does not exist and rooms are not auto-created");
  }
  auto& members = rooms_[room];
  const std::string& identity = *claims->identity;
  const auto older = std::find_if(members.begin(), members.end(), [&](sim::StreamId s) { return sessions_.at(s).identity == identity; });
  if (older != members.end()) {
    ++stats_.duplicate_evictions;
    const wire::Closed notice{DisconnectReason::duplicate_identity, "the identity joined the room again elsewhere"};
    drop(*older, &notice);
  }

  Session session;
  session.id = next_session_id_++;
  session.host = endpoints_.at(stream)->peer;
  session.identity = identity;
  session.room = room;
  session.can_publish_data = claims->video->grants_publish_data();
  session.last_heard = network_.simulation().runtime(host_).now();
  wire::Welcome welcome;
  welcome.session = session.id;
  welcome.identity = identity;
  for (const auto other : members) welcome.participants.push_back(sessions_.at(other).identity);
  for (const auto other : members) (void)send(other, wire::ParticipantJoined{identity});
  ++stats_.joins;
  by_session_id_[session.id] = stream;
  sessions_.emplace(stream, std::move(session));
  members.push_back(stream);
  (void)send(stream, welcome);
  arm_sweep();
}

// One timer for all sessions, running while any exists. A crash of the SFU's host discards its
// timers: a sweep overdue by then is re-armed with the next join.
void SimLivekitSfu::arm_sweep() {
  auto& runtime = network_.simulation().runtime(host_);
  if (sweep_timer_ && sweep_due_ >= runtime.now()) return;
  sweep_due_ = runtime.now() + options_.sweep_period;
  sweep_timer_ = runtime.schedule_at(sweep_due_, [this] {
    sweep_timer_.reset();
    sweep();
  });
}

void SimLivekitSfu::sweep() {
  const auto now = network_.simulation().runtime(host_).now();
  std::vector<sim::StreamId> silent;
  for (const auto& [stream, session] : sessions_) {  // std::map: in stream order, deterministic
    if (now - session.last_heard >= options_.ping_timeout) silent.push_back(stream);
  }
  for (const auto stream : silent) {
    ++stats_.ping_timeouts;
    drop(stream, nullptr);  // nothing reaches it anyway
  }
  drop_failed_sends();
  if (!sessions_.empty()) arm_sweep();
}

void SimLivekitSfu::forward(Session& sender, const wire::DataUp& data, DataKind kind) {
  if (!sender.can_publish_data) {
    ++stats_.data_denied;
    return;
  }
  if (data.payload.size() > livekit::data_payload_bytes_max) {
    ++stats_.data_oversized;
    return;
  }
  const auto frame = wire::encode(wire::ServerFrame{wire::DataDown{sender.identity, data.payload}});
  for (const auto stream : rooms_.at(sender.room)) {
    Session& to = sessions_.at(stream);
    if (&to == &sender) continue;
    if (!data.destinations.empty() &&
        std::find(data.destinations.begin(), data.destinations.end(), to.identity) == data.destinations.end()) {
      continue;
    }
    if (kind == DataKind::reliable) {
      ++stats_.reliable_forwarded;
      if (!network_.simulation().send_message(stream, host_, frame)) failed_sends_.push_back(stream);
    } else {
      ++stats_.lossy_forwarded;
      for (auto& datagram : wire::fragment_lossy(to.id, to.next_lossy_sequence++, frame, options_.lossy_chunk_bytes)) {
        network_.routing().send_datagram(host_, to.host, std::move(datagram));
      }
    }
  }
}

bool SimLivekitSfu::send(sim::StreamId stream, const wire::ServerFrame& frame) {
  if (network_.simulation().send_message(stream, host_, wire::encode(frame))) return true;
  failed_sends_.push_back(stream);
  return false;
}

void SimLivekitSfu::drop(sim::StreamId stream, const wire::Closed* notice) {
  if (notice) (void)network_.simulation().send_message(stream, host_, wire::encode(wire::ServerFrame{*notice}));
  network_.routing().detach(host_, stream);
  endpoints_.erase(stream);
  const auto it = sessions_.find(stream);
  if (it == sessions_.end()) return;
  const std::string identity = it->second.identity;
  auto& members = rooms_.at(it->second.room);
  std::erase(members, stream);
  by_session_id_.erase(it->second.id);
  sessions_.erase(it);
  for (const auto other : members) (void)send(other, wire::ParticipantLeft{identity});
}

void SimLivekitSfu::drop_failed_sends() {
  // A stream that refuses a message (its peer stopped reading: stream_messages_max undelivered)
  // loses its session, as LiveKit drops a participant whose signal connection is gone.
  while (!failed_sends_.empty()) {
    const auto stream = failed_sends_.back();
    failed_sends_.pop_back();
    drop(stream, nullptr);
  }
}

}  // namespace dclcomms::carriers
