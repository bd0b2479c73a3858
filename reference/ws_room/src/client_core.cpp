#include "dclcomms/ws_room/client_core.hpp"

#include <algorithm>
#include <utility>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::ws_room {

using namespace std::chrono_literals;

ClientCoreConfig client_core_config_default(std::string address, ChallengeSigner signer) {
  return ClientCoreConfig{
      .address = std::move(address),
      .sign_challenge = std::move(signer),
      .challenge_timeout = 1s,
      .welcome_timeout = 1s,
      .inbound_frame_bytes_max = codec::ws_packet_bytes_max_default,
      .outbound_frames_max = 4096,
      .outbound_bytes_max = 8 * 1024 * 1024,
  };
}

WsRoomClientCore::WsRoomClientCore(ClientCoreConfig config) : config_(std::move(config)) {
  DCL_ASSERT(config_.outbound_frames_max > 0);
  DCL_ASSERT(config_.outbound_bytes_max >= codec::ws_packet_bytes_max_default);
  DCL_ASSERT(config_.challenge_timeout > core::Duration::zero());
  DCL_ASSERT(config_.welcome_timeout > core::Duration::zero());
}

void WsRoomClientCore::handle_connected(core::TimePoint now) {
  if (state_ != ClientState::idle) return;
  codec::WsPacket identification;
  identification.mutable_peer_identification()->set_address(config_.address);
  queue_frame(identification);
  state_ = ClientState::identifying;
  deadline_ = now + config_.challenge_timeout;
}

void WsRoomClientCore::handle_frame(std::span<const std::uint8_t> frame, core::TimePoint now) {
  if (state_ == ClientState::closed || state_ == ClientState::idle) return;
  ++stats_.frames_received;
  if (frame.size() > config_.inbound_frame_bytes_max) {
    fail(CloseReason::frame_too_large, "server frame of " + std::to_string(frame.size()) + " bytes exceeds the limit of " +
                                           std::to_string(config_.inbound_frame_bytes_max));
    return;
  }
  auto packet = codec::decode_ws_packet(frame, codec::DecodeLimits{config_.inbound_frame_bytes_max});
  if (!packet) {
    fail(CloseReason::protocol_error,
         "undecodable frame from the server: " + std::string(codec::to_string(packet.error().code)) + ": " + packet.error().message);
    return;
  }
  if (state_ == ClientState::joined) {
    on_joined_packet(*packet);
  } else {
    on_handshake_packet(*packet, now);
  }
}

void WsRoomClientCore::on_handshake_packet(const codec::WsPacket& packet, core::TimePoint now) {
  using P = codec::WsPacket;
  switch (packet.message_case()) {
    case P::kChallengeMessage: {
      if (state_ != ClientState::identifying) {
        fail(CloseReason::protocol_error, "a second challenge from the server");
        return;
      }
      const std::string& challenge = packet.challenge_message().challenge_to_sign();
      if (challenge.rfind(challenge_prefix, 0) != 0) {
        // Anti signing-oracle: a server must not get arbitrary text signed with our identity.
        fail(CloseReason::protocol_error, "refusing to sign a challenge that does not start with \"dcl-\"");
        return;
      }
      if (!config_.sign_challenge) {
        fail(CloseReason::auth_failed, "the server requires a signed challenge and no identity is configured");
        return;
      }
      codec::WsPacket signed_challenge;
      signed_challenge.mutable_signed_challenge_for_server()->set_auth_chain_json(config_.sign_challenge(challenge));
      queue_frame(signed_challenge);
      state_ = ClientState::awaiting_welcome;
      deadline_ = now + config_.welcome_timeout;
      return;
    }
    case P::kWelcomeMessage:
      welcome(packet.welcome_message());  // also legal straight after identification
      return;
    case P::kPeerKicked: fail(CloseReason::kicked, "kicked during the handshake: " + packet.peer_kicked().reason(), true); return;
    default: fail(CloseReason::protocol_error, "unexpected " + packet_kind(packet) + " before the welcome");
  }
}

void WsRoomClientCore::welcome(const codec::rfc5::WsWelcome& welcome) {
  state_ = ClientState::joined;
  deadline_.reset();
  alias_ = welcome.alias();
  Welcomed event{welcome.alias(), {}};
  for (const auto& [alias, address] : welcome.peer_identities()) {
    if (alias == welcome.alias()) continue;  // the map excludes ourselves; a server that disagrees is ignored
    event.peers[alias] = to_lower_ascii(address);
  }
  peer_aliases_.clear();
  peer_address_text_.clear();
  peer_address_ends_.clear();
  for (const auto& [alias, address] : event.peers) insert_peer(peer_aliases_.size(), alias, address);  // in alias order
  events_.emplace_back(std::move(event));
}

void WsRoomClientCore::on_joined_packet(const codec::WsPacket& packet) {
  using P = codec::WsPacket;
  switch (packet.message_case()) {
    case P::kPeerUpdateMessage: {
      const auto& update = packet.peer_update_message();
      const std::size_t found = find_peer(update.from_alias());
      if (found == peer_aliases_.size()) {
        ++stats_.updates_from_unknown_alias;
        return;
      }
      const auto& body = update.body();
      events_.emplace_back(MessageReceived{update.from_alias(), std::string(peer_address(found)), codec::Bytes(body.begin(), body.end()),
                                           update.unreliable()});
      return;
    }
    case P::kPeerJoinMessage: {
      const auto& join = packet.peer_join_message();
      const std::string address = to_lower_ascii(join.address());
      const auto at = std::lower_bound(peer_aliases_.begin(), peer_aliases_.end(), join.alias());
      const auto index = static_cast<std::size_t>(at - peer_aliases_.begin());
      if (at != peer_aliases_.end() && *at == join.alias()) {
        if (peer_address(index) == address) return;  // a repeated join: nothing new
        events_.emplace_back(PeerLeft{join.alias(), std::string(peer_address(index))});
        erase_peer(index);
      }
      insert_peer(index, join.alias(), address);
      events_.emplace_back(PeerJoined{join.alias(), address});
      return;
    }
    case P::kPeerLeaveMessage: {
      const std::size_t found = find_peer(packet.peer_leave_message().alias());
      if (found == peer_aliases_.size()) {
        ++stats_.stale_leaves;  // mini-comms sends these after a kick; harmless
        return;
      }
      events_.emplace_back(PeerLeft{peer_aliases_[found], std::string(peer_address(found))});
      erase_peer(found);
      return;
    }
    case P::kPeerKicked: fail(CloseReason::kicked, packet.peer_kicked().reason(), true); return;
    default: ++stats_.ignored_packets;  // accept unknown messages for extensibility (RFC-5); never close
  }
}

std::size_t WsRoomClientCore::find_peer(Alias alias) const {
  // Servers hand out aliases in sequence, so the sorted array is usually dense: try the slot an
  // unbroken run would put `alias` in (one cache line) before searching.
  if (!peer_aliases_.empty() && alias >= peer_aliases_.front()) {
    const std::size_t guess = alias - peer_aliases_.front();
    if (guess < peer_aliases_.size() && peer_aliases_[guess] == alias) return guess;
  }
  const auto at = std::lower_bound(peer_aliases_.begin(), peer_aliases_.end(), alias);
  return at != peer_aliases_.end() && *at == alias ? static_cast<std::size_t>(at - peer_aliases_.begin()) : peer_aliases_.size();
}

std::string_view WsRoomClientCore::peer_address(std::size_t index) const {
  const std::uint32_t begin = index == 0 ? 0 : peer_address_ends_[index - 1];
  return std::string_view(peer_address_text_).substr(begin, peer_address_ends_[index] - begin);
}

void WsRoomClientCore::insert_peer(std::size_t index, Alias alias, std::string_view address) {
  DCL_ASSERT(index <= peer_aliases_.size());
  DCL_ASSERT(peer_address_text_.size() + address.size() <= 0xFFFFFFFFU);
  const std::uint32_t begin = index == 0 ? 0 : peer_address_ends_[index - 1];
  const auto length = static_cast<std::uint32_t>(address.size());
  peer_aliases_.insert(peer_aliases_.begin() + static_cast<std::ptrdiff_t>(index), alias);
  peer_address_text_.insert(begin, address);
  peer_address_ends_.insert(peer_address_ends_.begin() + static_cast<std::ptrdiff_t>(index), begin);
  for (std::size_t i = index; i < peer_address_ends_.size(); ++i) peer_address_ends_[i] += length;
}

void WsRoomClientCore::erase_peer(std::size_t index) {
  DCL_ASSERT(index < peer_aliases_.size());
  const std::uint32_t begin = index == 0 ? 0 : peer_address_ends_[index - 1];
  const std::uint32_t length = peer_address_ends_[index] - begin;
  peer_aliases_.erase(peer_aliases_.begin() + static_cast<std::ptrdiff_t>(index));
  peer_address_text_.erase(begin, length);
  peer_address_ends_.erase(peer_address_ends_.begin() + static_cast<std::ptrdiff_t>(index));
  for (std::size_t i = index; i < peer_address_ends_.size(); ++i) peer_address_ends_[i] -= length;
}

std::map<Alias, std::string> WsRoomClientCore::peers() const {
  std::map<Alias, std::string> out;
  for (std::size_t i = 0; i < peer_aliases_.size(); ++i) out.emplace(peer_aliases_[i], peer_address(i));
  return out;
}

void WsRoomClientCore::handle_closed(std::string_view detail, core::TimePoint) {
  if (state_ == ClientState::closed) return;
  state_ = ClientState::closed;
  deadline_.reset();
  events_.emplace_back(Closed{CloseReason::peer_closed, std::string(detail), false});
}

void WsRoomClientCore::handle_timeout(core::TimePoint now) {
  if (!deadline_ || now < *deadline_) return;
  fail(CloseReason::handshake_timeout, state_ == ClientState::identifying ? "no challenge or welcome within the challenge timeout"
                                                                          : "no welcome within the welcome timeout");
}

core::Result<core::Ok, SendError> WsRoomClientCore::send(std::span<const std::uint8_t> packet, bool unreliable, core::TimePoint) {
  if (state_ != ClientState::joined) {
    return core::fail(SendErrorCode::not_joined, "not in the room yet (or any more)");
  }
  if (packet.size() > codec::packet_bytes_max_default) {
    return core::fail(SendErrorCode::packet_too_large, "packet of " + std::to_string(packet.size()) + " bytes exceeds the limit of " +
                                                           std::to_string(codec::packet_bytes_max_default));
  }
  if (transmits_.size() >= config_.outbound_frames_max || transmit_bytes_ + packet.size() + 16 > config_.outbound_bytes_max) {
    return core::fail(SendErrorCode::queue_full, "outbound queue full (" + std::to_string(transmits_.size()) + " frames, " +
                                                     std::to_string(transmit_bytes_) + " bytes)");
  }
  codec::WsPacket update;
  auto& message = *update.mutable_peer_update_message();
  message.set_from_alias(0);  // RFC-5: the server stamps the sender; clients send 0
  message.set_body(packet.data(), packet.size());
  message.set_unreliable(unreliable);
  queue_frame(update);
  return core::Ok{};
}

void WsRoomClientCore::close(core::TimePoint) {
  if (state_ == ClientState::closed) return;
  const bool was_connected = state_ != ClientState::idle;
  state_ = ClientState::closed;
  deadline_.reset();
  if (was_connected) transmits_.emplace_back(CloseRequest{CloseReason::client_request, "client disconnected"});
  events_.emplace_back(Closed{CloseReason::client_request, "client disconnected", false});
}

void WsRoomClientCore::fail(CloseReason reason, std::string detail, bool kicked) {
  DCL_ASSERT(state_ != ClientState::closed);
  state_ = ClientState::closed;
  deadline_.reset();
  transmits_.emplace_back(CloseRequest{reason, detail});
  events_.emplace_back(Closed{reason, std::move(detail), kicked});
}

void WsRoomClientCore::queue_frame(const codec::WsPacket& packet) {
  Frame frame{codec::encode_ws_packet(packet)};
  transmit_bytes_ += frame.bytes.size();
  ++stats_.frames_sent;
  transmits_.emplace_back(std::move(frame));
}

std::optional<Transmit> WsRoomClientCore::poll_transmit() {
  if (transmits_.empty()) return std::nullopt;
  Transmit next = std::move(transmits_.front());
  transmits_.pop_front();
  if (const auto* frame = std::get_if<Frame>(&next)) {
    DCL_ASSERT(transmit_bytes_ >= frame->bytes.size());
    transmit_bytes_ -= frame->bytes.size();
  }
  return next;
}

std::optional<ClientEvent> WsRoomClientCore::poll_event() {
  if (events_.empty()) return std::nullopt;
  ClientEvent next = std::move(events_.front());
  events_.pop_front();
  return next;
}

}  // namespace dclcomms::ws_room
