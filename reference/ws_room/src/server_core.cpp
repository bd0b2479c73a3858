#include "dclcomms/ws_room/server_core.hpp"

#include <utility>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::ws_room {

using namespace std::chrono_literals;

ServerCoreConfig server_core_config_default(ChallengeVerifier verifier, std::uint64_t challenge_seed) {
  return ServerCoreConfig{
      .challenge_required = true,
      .verify_challenge = std::move(verifier),
      .identification_timeout = 1s,
      .challenge_timeout = 1s,
      .room_capacity = 150,
      .connections_max = 10'000,
      .inbound_frame_bytes_max = codec::ws_packet_bytes_max_default,
      .unreliable_backlog_bytes_max = 256 * 1024,
      .reliable_backlog_bytes_max = 8 * 1024 * 1024,
      .challenge_seed = challenge_seed,
  };
}

WsRoomServerCore::WsRoomServerCore(ServerCoreConfig config)
    : config_(std::move(config)), challenge_prng_(core::Prng::derive(config_.challenge_seed, "ws-room:challenge")) {
  DCL_ASSERT(!config_.challenge_required || config_.verify_challenge);
  DCL_ASSERT(config_.room_capacity > 0);
  DCL_ASSERT(config_.unreliable_backlog_bytes_max <= config_.reliable_backlog_bytes_max);
}

bool WsRoomServerCore::handle_connection_opened(ConnectionId id, std::string room, core::TimePoint now) {
  DCL_ASSERT(!connections_.contains(id));
  if (connections_.size() >= config_.connections_max) {
    transmits_.push_back({id, CloseRequest{CloseReason::room_full, "server at its connection limit"}});
    events_.emplace_back(ConnectionRejected{id, CloseReason::room_full, "server at its connection limit"});
    return false;
  }
  Connection& c = connections_[id];
  c.room = std::move(room);
  // Aliases are handed out at upgrade, failed handshakes included (ws-room-service): never 0.
  c.alias = ++last_alias_;
  if (c.alias == 0) c.alias = ++last_alias_;
  set_deadline(id, c, now + config_.identification_timeout);
  return true;
}

void WsRoomServerCore::handle_frame(ConnectionId id, std::span<const std::uint8_t> frame, core::TimePoint now) {
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;  // already dropped: late frames are ignored
  Connection& c = it->second;
  ++stats_.frames_received;
  auto packet = codec::decode_ws_packet(frame, codec::DecodeLimits{config_.inbound_frame_bytes_max});
  if (!packet) {
    const bool too_large = packet.error().code == codec::CodecErrorCode::oversized;
    drop(id, too_large ? CloseReason::frame_too_large : CloseReason::protocol_error,
         "undecodable frame: " + std::string(codec::to_string(packet.error().code)) + ": " + packet.error().message, std::nullopt);
    return;
  }
  switch (c.stage) {
    case Stage::identifying: on_identification(id, c, *packet, now); return;
    case Stage::challenged: on_signed_challenge(id, c, *packet, now); return;
    case Stage::member: on_member_packet(id, c, *packet); return;
  }
}

void WsRoomServerCore::on_identification(ConnectionId id, Connection& c, const codec::WsPacket& packet, core::TimePoint now) {
  if (!packet.has_peer_identification()) {
    drop(id, CloseReason::protocol_error, "expected peer_identification first, got " + packet_kind(packet), std::nullopt);
    return;
  }
  const std::string& address = packet.peer_identification().address();
  if (!is_eth_address(address)) {
    drop(id, CloseReason::protocol_error, "peer_identification address is not 0x + 40 hex", std::nullopt);
    return;
  }
  if (room_is_full(c.room)) {
    drop(id, CloseReason::room_full, "room '" + c.room + "' is full", std::string(kick_reason_room_full));
    return;
  }
  c.identified_address = to_lower_ascii(address);
  if (!config_.challenge_required) {
    admit(id, c, c.identified_address);
    return;
  }
  c.challenge = make_challenge();
  c.stage = Stage::challenged;
  codec::WsPacket challenge;
  challenge.mutable_challenge_message()->set_challenge_to_sign(c.challenge);
  challenge.mutable_challenge_message()->set_already_connected(members_by_identity_.contains(c.identified_address));
  send(id, challenge);
  set_deadline(id, c, now + config_.challenge_timeout);
}

void WsRoomServerCore::on_signed_challenge(ConnectionId id, Connection& c, const codec::WsPacket& packet, core::TimePoint now) {
  if (!packet.has_signed_challenge_for_server()) {
    drop(id, CloseReason::protocol_error, "expected signed_challenge_for_server, got " + packet_kind(packet), std::nullopt);
    return;
  }
  auto verified = config_.verify_challenge(packet.signed_challenge_for_server().auth_chain_json(), c.challenge, now);
  if (!verified) {
    drop(id, CloseReason::auth_failed, "signed challenge rejected: " + verified.error().message, std::nullopt);
    return;
  }
  if (room_is_full(c.room)) {  // the room may have filled while this client was signing
    drop(id, CloseReason::room_full, "room '" + c.room + "' is full", std::string(kick_reason_room_full));
    return;
  }
  admit(id, c, to_lower_ascii(*verified));
}

void WsRoomServerCore::admit(ConnectionId id, Connection& c, std::string identity) {
  // A second login of the same identity wins; the old session is kicked (spec §3.5).
  if (const auto old = members_by_identity_.find(identity); old != members_by_identity_.end()) {
    drop(old->second, CloseReason::kicked, "logged in again elsewhere", std::string(kick_reason_duplicate));
  }
  c.identity = std::move(identity);
  c.stage = Stage::member;
  set_deadline(id, c, std::nullopt);
  auto& room = rooms_[c.room];

  codec::WsPacket welcome;
  auto& message = *welcome.mutable_welcome_message();
  message.set_alias(c.alias);
  for (const auto& [alias, member] : room) (*message.mutable_peer_identities())[alias] = connections_.at(member).identity;
  send(id, welcome);

  codec::WsPacket join;
  join.mutable_peer_join_message()->set_alias(c.alias);
  join.mutable_peer_join_message()->set_address(c.identity);
  const auto join_bytes = std::make_shared<const codec::Bytes>(codec::encode_ws_packet(join));
  for (const auto& [alias, member] : room) send_bytes(member, join_bytes);

  room.emplace(c.alias, id);
  members_by_identity_.emplace(c.identity, id);
  events_.emplace_back(MemberJoined{id, c.room, c.alias, c.identity});
}

void WsRoomServerCore::on_member_packet(ConnectionId id, Connection& c, const codec::WsPacket& packet) {
  if (!packet.has_peer_update_message()) {
    ++stats_.ignored_packets;  // RFC-5: accept unknown messages for extensibility, never kick
    return;
  }
  relay(id, c, packet.peer_update_message());
}

void WsRoomServerCore::relay(ConnectionId sender, const Connection& c, const codec::rfc5::WsPeerUpdate& update) {
  codec::WsPacket out;
  auto& message = *out.mutable_peer_update_message();
  message.set_from_alias(c.alias);  // the server stamps the sender; the client's value is ignored
  message.set_body(update.body());
  message.set_unreliable(update.unreliable());
  const auto bytes = std::make_shared<const codec::Bytes>(codec::encode_ws_packet(out));

  std::vector<ConnectionId> too_slow;
  for (const auto& [alias, receiver] : rooms_.at(c.room)) {
    if (receiver == sender) continue;  // never echo
    const Connection& r = connections_.at(receiver);
    if (r.backlog_bytes > config_.reliable_backlog_bytes_max) {
      too_slow.push_back(receiver);
      continue;
    }
    if (update.unreliable() && r.backlog_bytes > config_.unreliable_backlog_bytes_max) {
      ++stats_.unreliable_dropped;
      continue;
    }
    send_bytes(receiver, bytes);
    ++stats_.updates_relayed;
  }
  for (const ConnectionId slow : too_slow) {
    drop(slow, CloseReason::slow_receiver,
         "write backlog over " + std::to_string(config_.reliable_backlog_bytes_max) + " bytes: the receiver cannot keep up", std::nullopt);
  }
}

void WsRoomServerCore::handle_connection_closed(ConnectionId id, core::TimePoint) {
  if (!connections_.contains(id)) return;
  drop(id, CloseReason::peer_closed, "connection closed", std::nullopt);
  // The carrier already closed it: drop the close request that drop() queued for this connection.
  std::erase_if(transmits_, [id](const ServerTransmit& t) { return t.connection == id; });
}

void WsRoomServerCore::handle_backlog(ConnectionId id, std::size_t backlog_bytes) {
  if (const auto it = connections_.find(id); it != connections_.end()) it->second.backlog_bytes = backlog_bytes;
}

void WsRoomServerCore::handle_timeout(core::TimePoint now) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const ConnectionId id = deadlines_.begin()->second;
    const Connection& c = connections_.at(id);
    drop(id, CloseReason::handshake_timeout,
         c.stage == Stage::identifying ? "no peer_identification in time" : "no signed challenge in time", std::nullopt);
  }
}

void WsRoomServerCore::drop(ConnectionId id, CloseReason reason, std::string detail, std::optional<std::string> kick_reason) {
  const auto it = connections_.find(id);
  DCL_ASSERT(it != connections_.end());
  Connection& c = it->second;
  set_deadline(id, c, std::nullopt);
  if (kick_reason) {
    codec::WsPacket kicked;
    kicked.mutable_peer_kicked()->set_reason(*kick_reason);
    send(id, kicked);
  }
  transmits_.push_back({id, CloseRequest{reason, detail}});
  if (c.stage == Stage::member) {
    auto& room = rooms_.at(c.room);
    room.erase(c.alias);
    members_by_identity_.erase(c.identity);
    codec::WsPacket leave;
    leave.mutable_peer_leave_message()->set_alias(c.alias);
    const auto leave_bytes = std::make_shared<const codec::Bytes>(codec::encode_ws_packet(leave));
    for (const auto& [alias, member] : room) send_bytes(member, leave_bytes);
    events_.emplace_back(MemberLeft{id, c.room, c.alias, c.identity, reason});
    if (room.empty()) rooms_.erase(c.room);
  } else {
    events_.emplace_back(ConnectionRejected{id, reason, std::move(detail)});
  }
  connections_.erase(it);
}

void WsRoomServerCore::set_deadline(ConnectionId id, Connection& c, std::optional<core::TimePoint> deadline) {
  if (c.deadline) deadlines_.erase({*c.deadline, id});
  c.deadline = deadline;
  if (deadline) deadlines_.insert({*deadline, id});
}

void WsRoomServerCore::send(ConnectionId id, const codec::WsPacket& packet) {
  send_bytes(id, std::make_shared<const codec::Bytes>(codec::encode_ws_packet(packet)));
}

void WsRoomServerCore::send_bytes(ConnectionId id, const std::shared_ptr<const codec::Bytes>& bytes) {
  transmits_.push_back({id, SharedFrame{bytes}});
}

std::string WsRoomServerCore::make_challenge() {
  // "dcl-" + 16 base-36 digits (~82 bits): unguessable enough for a replay window of one second.
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string challenge(challenge_prefix);
  for (int i = 0; i < 16; ++i) challenge += digits[challenge_prng_.uniform_below(36)];
  return challenge;
}

bool WsRoomServerCore::room_is_full(const std::string& room) const {
  const auto it = rooms_.find(room);
  return it != rooms_.end() && it->second.size() >= config_.room_capacity;
}

std::optional<ServerTransmit> WsRoomServerCore::poll_transmit() {
  if (transmits_.empty()) return std::nullopt;
  ServerTransmit next = std::move(transmits_.front());
  transmits_.pop_front();
  return next;
}

std::optional<core::TimePoint> WsRoomServerCore::poll_timeout() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

std::optional<ServerEvent> WsRoomServerCore::poll_event() {
  if (events_.empty()) return std::nullopt;
  ServerEvent next = std::move(events_.front());
  events_.pop_front();
  return next;
}

std::vector<RoomCount> WsRoomServerCore::rooms() const {
  std::vector<RoomCount> out;
  for (const auto& [name, members] : rooms_) out.push_back({name, members.size()});
  return out;
}

}  // namespace dclcomms::ws_room
