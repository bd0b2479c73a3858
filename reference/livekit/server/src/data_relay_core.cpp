// DataRelayCore (see the header): peer connections per participant and the DataPacket relay.
#include "dclcomms/livekit_server/data_relay_core.hpp"

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/queue.hpp"
#include "dclcomms/webrtc/plain_transport.hpp"
#include "dclcomms/webrtc/stun.hpp"
#include "livekit_models.pb.h"

namespace dclcomms::livekit_server {

namespace {
constexpr std::string_view reliable_label = "_reliable", lossy_label = "_lossy";
}

struct DataRelayCore::Participant {
  ParticipantKey key = 0;
  std::string room, identity, sid;
  bool can_publish_data = true;
  std::unique_ptr<webrtc::PeerConnection> publisher, subscriber;
  // Our channels on the subscriber connection, once opened. They carry data as soon as the
  // connection is up (until then send() refuses): until the client acknowledges them, the
  // connection sends their messages ordered and reliable (RFC 8832 §6), behind the OPEN.
  std::optional<webrtc::ChannelId> out_reliable, out_lossy;
  std::deque<std::vector<std::uint8_t>> pending_reliable;  // for a subscriber channel not open yet, or full
  bool too_slow = false;                                   // SubscriberTooSlow was reported
};

DataRelayCore::DataRelayCore(DataRelayConfig config) : config_(std::move(config)) {
  DCL_ASSERT(config_.identity != nullptr || config_.lower == webrtc::LowerLayer::plain);
}
DataRelayCore::~DataRelayCore() = default;

void DataRelayCore::add_participant(ParticipantKey key, std::string room, std::string identity, std::string sid, bool can_publish_data) {
  auto participant = std::make_unique<Participant>();
  participant->key = key;
  participant->room = std::move(room);
  participant->identity = std::move(identity);
  participant->sid = std::move(sid);
  participant->can_publish_data = can_publish_data;
  participants_[key] = std::move(participant);
}

void DataRelayCore::remove_participant(ParticipantKey key) {
  const auto found = participants_.find(key);
  if (found == participants_.end()) return;
  for (auto it = by_ufrag_.begin(); it != by_ufrag_.end();) it = it->second.first == key ? by_ufrag_.erase(it) : std::next(it);
  for (auto it = by_address_.begin(); it != by_address_.end();) it = it->second.first == key ? by_address_.erase(it) : std::next(it);
  Participant& participant = *found->second;
  for (auto* pc : {participant.publisher.get(), participant.subscriber.get()}) {
    if (pc) pc->close();
  }
  collect_transmits(participant);  // close_notify goes out
  participants_.erase(found);
}

std::unique_ptr<webrtc::PeerConnection> DataRelayCore::new_peer_connection(core::TimePoint now) {
  // Every one ICE-lite on our one UDP address, with credentials of its own.
  return std::make_unique<webrtc::PeerConnection>(
      webrtc::PeerConnectionConfig{.identity = config_.identity,
                                   .ice_lite = true,
                                   .host_candidates = {config_.udp_address},
                                   .seed = core::Prng::derive(config_.seed, "pc-" + std::to_string(next_pc_++)).next_u64(),
                                   .lower = config_.lower},
      now);
}

core::Result<std::string, webrtc::PeerConnectionError> DataRelayCore::handle_publisher_offer(ParticipantKey key, std::string_view sdp,
                                                                                             core::TimePoint now) {
  const auto found = participants_.find(key);
  DCL_ASSERT(found != participants_.end());
  Participant& participant = *found->second;
  if (participant.publisher) {
    return core::fail(webrtc::PeerConnectionErrorCode::state, "a second publisher offer (renegotiation is not supported: data only)");
  }
  participant.publisher = new_peer_connection(now);
  auto answer = participant.publisher->handle_offer(sdp, now);
  if (!answer) {
    participant.publisher.reset();
    return answer;
  }
  by_ufrag_[participant.publisher->local_ice().ufrag] = {key, true};
  pump(participant, now);
  return answer;
}

std::string DataRelayCore::make_subscriber_offer(ParticipantKey key, core::TimePoint now) {
  Participant& participant = *participants_.at(key);
  DCL_ASSERT(!participant.subscriber);
  participant.subscriber = new_peer_connection(now);
  by_ufrag_[participant.subscriber->local_ice().ufrag] = {key, false};
  return participant.subscriber->create_offer();
}

core::Result<core::Ok, webrtc::PeerConnectionError> DataRelayCore::handle_subscriber_answer(ParticipantKey key, std::string_view sdp,
                                                                                            core::TimePoint now) {
  Participant& participant = *participants_.at(key);
  if (!participant.subscriber) return core::fail(webrtc::PeerConnectionErrorCode::state, "an answer but no subscriber offer was sent");
  auto set = participant.subscriber->handle_answer(sdp, now);
  if (!set) return set;
  // LiveKit's server opens the two channels on the subscriber connection: reliable ordered, and lossy
  // unordered without retransmissions.
  participant.out_reliable = participant.subscriber->open_channel(std::string(reliable_label), {}).value();
  participant.out_lossy = participant.subscriber->open_channel(std::string(lossy_label), {.ordered = false, .max_retransmits = 0}).value();
  pump(participant, now);
  return core::Ok{};
}

DataRelayCore::Participant* DataRelayCore::route(std::span<const std::uint8_t> datagram, const webrtc::SocketAddress& from,
                                                 webrtc::PeerConnection*& pc) {
  std::optional<std::pair<ParticipantKey, bool>> target;
  if (webrtc::looks_like_stun(datagram)) {
    // A check names our ufrag first ("<ours>:<theirs>"); responses to us carry no username.
    if (auto message = webrtc::parse_stun(datagram); message && message->username) {
      const std::string& username = *message->username;
      const auto found = by_ufrag_.find(username.substr(0, username.find(':')));
      if (found != by_ufrag_.end()) target = found->second;
    }
  } else if (const auto ufrag = webrtc::plain_hello_ufrag(datagram)) {
    const auto found = by_ufrag_.find(*ufrag);
    if (found != by_ufrag_.end()) target = found->second;
  }
  if (!target) {
    const auto found = by_address_.find(from);
    if (found != by_address_.end()) target = found->second;
  }
  if (!target) return nullptr;
  const auto participant = participants_.find(target->first);
  if (participant == participants_.end()) return nullptr;
  pc = target->second ? participant->second->publisher.get() : participant->second->subscriber.get();
  return pc ? participant->second.get() : nullptr;
}

void DataRelayCore::handle_datagram(std::span<const std::uint8_t> datagram, const webrtc::SocketAddress& from, core::TimePoint now) {
  webrtc::PeerConnection* pc = nullptr;
  Participant* participant = route(datagram, from, pc);
  if (!participant) return;  // not ours: dropped
  pc->handle_datagram(datagram, from, now);
  if (pc->remote_address()) by_address_[*pc->remote_address()] = {participant->key, pc == participant->publisher.get()};
  pump(*participant, now);
}

void DataRelayCore::handle_timeout(core::TimePoint now) {
  std::vector<ParticipantKey> keys;
  for (const auto& [key, participant] : participants_) keys.push_back(key);
  for (const ParticipantKey key : keys) {
    const auto found = participants_.find(key);
    if (found == participants_.end()) continue;
    Participant& participant = *found->second;
    for (auto* pc : {participant.publisher.get(), participant.subscriber.get()}) {
      if (pc) pc->handle_timeout(now);
    }
    pump(participant, now);
  }
}

void DataRelayCore::deliver(Participant& to, bool reliable, std::span<const std::uint8_t> bytes) {
  const auto channel = reliable ? to.out_reliable : to.out_lossy;
  if (!reliable) {
    // Not up yet, or the connection's buffer is full: a lossy packet is lost, as it may be.
    if (channel && to.subscriber->send(*channel, bytes)) collect_transmits(to);
    return;
  }
  // A reliable packet waits while the connection is not up or its buffer is full (behind the
  // others, in order); a subscriber that falls this far behind is too slow to keep.
  if (channel && to.pending_reliable.empty() && to.subscriber->send(*channel, bytes)) {
    collect_transmits(to);
    return;
  }
  if (to.pending_reliable.size() >= config_.pending_reliable_max) {
    if (!to.too_slow) events_.push_back(SubscriberTooSlow{to.key, to.identity, to.pending_reliable.size()});
    to.too_slow = true;
    return;
  }
  to.pending_reliable.emplace_back(bytes.begin(), bytes.end());
}

void DataRelayCore::flush_pending(Participant& participant) {
  if (!participant.out_reliable) return;
  while (!participant.pending_reliable.empty() &&
         participant.subscriber->send(*participant.out_reliable, participant.pending_reliable.front())) {
    participant.pending_reliable.pop_front();
  }
}

void DataRelayCore::collect_transmits(Participant& participant) {
  for (auto* pc : {participant.publisher.get(), participant.subscriber.get()}) {
    if (!pc) continue;
    while (auto transmit = pc->poll_transmit()) {
      if (transmits_.size() < queue_max) transmits_.push_back(std::move(*transmit));
    }
  }
}

void DataRelayCore::relay(Participant& from, const webrtc::ChannelMessage& message, core::TimePoint now) {
  const bool reliable = message.label == reliable_label;
  if (!reliable && message.label != lossy_label) return;  // a channel LiveKit does not define: ignored
  if (!from.can_publish_data) {
    events_.push_back(DataRefused{from.identity, "publishing data not permitted by the token"});
    return;
  }
  if (message.bytes.size() > config_.data_packet_bytes_max) {
    events_.push_back(DataRefused{from.identity, "packet of " + std::to_string(message.bytes.size()) + " bytes over the " +
                                                     std::to_string(config_.data_packet_bytes_max) + "-byte limit"});
    return;
  }
  ::livekit::DataPacket packet;
  if (!packet.ParseFromArray(message.bytes.data(), static_cast<int>(message.bytes.size()))) {
    events_.push_back(DataRefused{from.identity, "malformed DataPacket"});
    return;
  }
  // The server states who sent it (clients cannot speak for others), as LiveKit does. The
  // deprecated fields too: SDKs before protocol 1.x read the sender and destinations there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  packet.set_participant_identity(from.identity);
  packet.set_participant_sid(from.sid);
  packet.set_kind(reliable ? ::livekit::DataPacket::RELIABLE : ::livekit::DataPacket::LOSSY);
  std::vector<std::string> destinations(packet.destination_identities().begin(), packet.destination_identities().end());
  if (packet.has_user()) {
    packet.mutable_user()->set_participant_identity(from.identity);
    packet.mutable_user()->set_participant_sid(from.sid);
    if (destinations.empty())
      destinations.assign(packet.user().destination_identities().begin(), packet.user().destination_identities().end());
  }
#pragma GCC diagnostic pop
  const std::string serialized = packet.SerializeAsString();
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(serialized.data()), serialized.size());
  std::size_t recipients = 0;
  for (auto& [key, other] : participants_) {
    if (other.get() == &from || other->room != from.room) continue;
    if (!destinations.empty() && std::find(destinations.begin(), destinations.end(), other->identity) == destinations.end()) continue;
    deliver(*other, reliable, bytes);
    ++recipients;
  }
  events_.push_back(DataRelayed{from.room, from.identity, reliable, message.bytes.size(), recipients});
  (void)now;
}

void DataRelayCore::pump(Participant& participant, core::TimePoint now) {
  for (const bool publisher : {true, false}) {
    webrtc::PeerConnection* pc = publisher ? participant.publisher.get() : participant.subscriber.get();
    if (!pc) continue;
    while (auto event = pc->poll_event()) {
      if (std::holds_alternative<webrtc::PeerConnected>(*event)) {
        events_.push_back(PeerConnectionUp{participant.identity, publisher});
      } else if (auto* failed = std::get_if<webrtc::PeerFailed>(&*event)) {
        events_.push_back(PeerConnectionDown{participant.identity, publisher,
                                             std::string(webrtc::to_string(failed->error.code)) + ": " + failed->error.message});
      } else if (auto* message = std::get_if<webrtc::ChannelMessage>(&*event)) {
        if (publisher) relay(participant, *message, now);
      }
    }
  }
  // Its subscriber connection may have room again (an acknowledgement just arrived). What the
  // relay sent on the others' connections was collected as it was sent (deliver).
  flush_pending(participant);
  collect_transmits(participant);
}

std::optional<webrtc::DatagramTransmit> DataRelayCore::poll_transmit() { return core::pop_front(transmits_); }

std::optional<DataRelayEvent> DataRelayCore::poll_event() { return core::pop_front(events_); }

std::optional<core::TimePoint> DataRelayCore::poll_timeout() const {
  std::optional<core::TimePoint> earliest;
  for (const auto& [key, participant] : participants_) {
    for (const auto* pc : {participant->publisher.get(), participant->subscriber.get()}) {
      if (!pc) continue;
      const auto due = pc->poll_timeout();
      if (due && (!earliest || *due < *earliest)) earliest = due;
    }
  }
  return earliest;
}

}  // namespace dclcomms::livekit_server
