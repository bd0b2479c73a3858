// RtcClientCore (see the header).
#include "dclcomms/livekit_rtc/rtc_client_core.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/queue.hpp"
#include "livekit_models.pb.h"
#include "livekit_rtc.pb.h"

namespace dclcomms::livekit_rtc {

namespace {

constexpr std::string_view reliable_label = "_reliable", lossy_label = "_lossy";

livekit::DisconnectReason reason_of(::livekit::DisconnectReason reason) {
  switch (reason) {
    case ::livekit::DUPLICATE_IDENTITY: return livekit::DisconnectReason::duplicate_identity;
    case ::livekit::SERVER_SHUTDOWN: return livekit::DisconnectReason::server_shutdown;
    case ::livekit::PARTICIPANT_REMOVED:
    case ::livekit::ROOM_DELETED: return livekit::DisconnectReason::participant_removed;
    case ::livekit::JOIN_FAILURE: return livekit::DisconnectReason::join_failure;
    case ::livekit::CLIENT_INITIATED: return livekit::DisconnectReason::client_initiated;
    default: return livekit::DisconnectReason::connection_lost;
  }
}

std::int64_t millis(core::TimePoint now) { return std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count(); }

}  // namespace

RtcClientCore::RtcClientCore(RtcClientConfig config, core::TimePoint now) : config_(std::move(config)), last_heard_(now) {
  DCL_ASSERT(config_.identity != nullptr || config_.lower == webrtc::LowerLayer::plain);
  join_deadline_ = now + config_.join_timeout;
}

RtcClientCore::~RtcClientCore() = default;

std::string RtcClientCore::signal_url(std::string_view server_url, std::string_view token) {
  std::string url(server_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  // protocol=16: the signal protocol version of the vendored definitions (what the SDKs send).
  return url + "/rtc?access_token=" + std::string(token) + "&auto_subscribe=1&protocol=16&sdk=cpp";
}

void RtcClientCore::send_signal(const std::string& serialized) { signals_.emplace_back(serialized.begin(), serialized.end()); }

void RtcClientCore::close(livekit::DisconnectReason reason, std::string detail) {
  if (state_ == livekit::ClientState::closed) return;
  state_ = livekit::ClientState::closed;
  for (auto* pc : {publisher_.get(), subscriber_.get()}) {
    if (!pc) continue;
    pc->close();
    while (auto transmit = pc->poll_transmit()) {
      datagrams_.push_back({pc == publisher_.get() ? PeerConnectionRole::publisher : PeerConnectionRole::subscriber, std::move(*transmit)});
    }
  }
  events_.push_back(livekit::SessionClosed{reason, std::move(detail)});
}

void RtcClientCore::handle_connect_failed(std::string detail, core::TimePoint) {
  close(livekit::DisconnectReason::join_failure, "signal connection failed: " + detail);
}

void RtcClientCore::handle_signal_lost(std::string detail, core::TimePoint) {
  close(state_ == livekit::ClientState::joined ? livekit::DisconnectReason::connection_lost : livekit::DisconnectReason::join_failure,
        "signal connection lost: " + detail);
}

void RtcClientCore::handle_signal_frame(std::span<const std::uint8_t> frame, core::TimePoint now) {
  if (state_ == livekit::ClientState::closed) return;
  last_heard_ = now;
  on_response(std::string(frame.begin(), frame.end()), now);
  pump(now);
}

void RtcClientCore::on_response(const std::string& serialized, core::TimePoint now) {
  ::livekit::SignalResponse response;
  if (!response.ParseFromString(serialized)) {
    close(livekit::DisconnectReason::connection_lost, "the server sent a signal message that is not a SignalResponse");
    return;
  }
  switch (response.message_case()) {
    case ::livekit::SignalResponse::kJoin: {
      if (publisher_) break;  // a second JoinResponse: ignored
      const auto& join = response.join();
      identity_ = join.participant().identity();
      for (const auto& other : join.other_participants()) {
        if (present_.insert(other.identity()).second) initial_participants_.push_back(other.identity());
      }
      if (join.ping_interval() > 0) ping_interval_ = std::chrono::seconds(join.ping_interval());
      if (join.ping_timeout() > 0) ping_timeout_ = std::chrono::seconds(join.ping_timeout());
      next_ping_ = now + ping_interval_;
      publisher_ = std::make_unique<webrtc::PeerConnection>(
          webrtc::PeerConnectionConfig{.identity = config_.identity,
                                       .seed = core::Prng::derive(config_.seed, "publisher").next_u64(),
                                       .lower = config_.lower},
          now);
      ::livekit::SignalRequest request;
      request.mutable_offer()->set_type("offer");
      request.mutable_offer()->set_sdp(publisher_->create_offer());
      request.mutable_offer()->set_id(1);
      send_signal(request.SerializeAsString());
      break;
    }
    case ::livekit::SignalResponse::kAnswer: {
      if (!publisher_) break;
      auto accepted = publisher_->handle_answer(response.answer().sdp(), now);
      if (!accepted) {
        close(livekit::DisconnectReason::join_failure, "the server's answer: " + accepted.error().message);
        return;
      }
      // LiveKit's channels on the publisher: reliable ordered; lossy without retransmissions.
      reliable_ = publisher_->open_channel(std::string(reliable_label), {}).value();
      lossy_ = publisher_->open_channel(std::string(lossy_label), {.ordered = false, .max_retransmits = 0}).value();
      break;
    }
    case ::livekit::SignalResponse::kOffer: {
      if (subscriber_) break;  // renegotiation: a data-only room never needs it
      subscriber_ = std::make_unique<webrtc::PeerConnection>(
          webrtc::PeerConnectionConfig{.identity = config_.identity,
                                       .seed = core::Prng::derive(config_.seed, "subscriber").next_u64(),
                                       .lower = config_.lower},
          now);
      auto answer = subscriber_->handle_offer(response.offer().sdp(), now);
      if (!answer) {
        close(livekit::DisconnectReason::join_failure, "the server's offer: " + answer.error().message);
        return;
      }
      ::livekit::SignalRequest request;
      request.mutable_answer()->set_type("answer");
      request.mutable_answer()->set_sdp(*answer);
      request.mutable_answer()->set_id(response.offer().id());
      send_signal(request.SerializeAsString());
      break;
    }
    case ::livekit::SignalResponse::kUpdate:
      for (const auto& participant : response.update().participants()) {
        const std::string& identity = participant.identity();
        if (identity == identity_) continue;
        const bool gone = participant.state() == ::livekit::ParticipantInfo::DISCONNECTED;
        if (gone && present_.erase(identity)) {
          if (state_ == livekit::ClientState::joined) {
            events_.push_back(livekit::ParticipantDisconnected{identity});
          } else {
            std::erase(initial_participants_, identity);
          }
        } else if (!gone && present_.insert(identity).second) {
          if (state_ == livekit::ClientState::joined) {
            events_.push_back(livekit::ParticipantConnected{identity});
          } else {
            initial_participants_.push_back(identity);
          }
        }
      }
      break;
    case ::livekit::SignalResponse::kLeave:
      close(reason_of(response.leave().reason()),
            "the server asked us to leave: " + ::livekit::DisconnectReason_Name(response.leave().reason()));
      break;
    default: break;  // pongs (last_heard_ is updated), trickles (our server's candidates are in its SDP), the rest
  }
}

void RtcClientCore::handle_datagram(PeerConnectionRole role, std::span<const std::uint8_t> datagram, const webrtc::SocketAddress& from,
                                    core::TimePoint now) {
  if (state_ == livekit::ClientState::closed) return;
  webrtc::PeerConnection* pc = role == PeerConnectionRole::publisher ? publisher_.get() : subscriber_.get();
  if (pc) pc->handle_datagram(datagram, from, now);
  pump(now);
}

void RtcClientCore::handle_timeout(core::TimePoint now) {
  if (state_ == livekit::ClientState::closed) return;
  if (state_ == livekit::ClientState::joining && join_deadline_ && now >= *join_deadline_) {
    close(livekit::DisconnectReason::join_failure, "not joined within the join timeout (signal and peer connections)");
    return;
  }
  if (pc_failure_ && now >= pc_failure_->first) {
    close(livekit::DisconnectReason::connection_lost, pc_failure_->second);
    return;
  }
  if (next_ping_ && now - last_heard_ >= ping_timeout_) {
    close(livekit::DisconnectReason::connection_lost, "nothing heard on the signal connection for the ping timeout");
    return;
  }
  if (next_ping_ && now >= *next_ping_) {
    ::livekit::SignalRequest request;
    request.mutable_ping_req()->set_timestamp(millis(now));
    send_signal(request.SerializeAsString());
    next_ping_ = now + ping_interval_;
  }
  for (auto* pc : {publisher_.get(), subscriber_.get()}) {
    if (pc) pc->handle_timeout(now);
  }
  pump(now);
}

void RtcClientCore::publish(std::span<const std::uint8_t> payload, livekit::DataKind kind, const std::vector<std::string>& destinations,
                            core::TimePoint now) {
  if (state_ != livekit::ClientState::joined || leave_deadline_) {
    ++stats_.publishes_dropped;
    return;
  }
  ::livekit::DataPacket packet;
  packet.set_participant_identity(identity_);
  for (const std::string& destination : destinations) packet.add_destination_identities(destination);
  auto* user = packet.mutable_user();
  user->set_payload(payload.data(), payload.size());
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  // The deprecated twins, as LiveKit's SDKs still fill them for older servers.
  packet.set_kind(kind == livekit::DataKind::reliable ? ::livekit::DataPacket::RELIABLE : ::livekit::DataPacket::LOSSY);
  for (const std::string& destination : destinations) user->add_destination_identities(destination);
#pragma GCC diagnostic pop
  const std::string serialized = packet.SerializeAsString();
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(serialized.data()), serialized.size());
  if (!publisher_->send(kind == livekit::DataKind::reliable ? *reliable_ : *lossy_, bytes)) ++stats_.publishes_dropped;
  pump(now);
}

void RtcClientCore::leave(core::TimePoint now) {
  if (state_ == livekit::ClientState::closed || leave_deadline_) return;
  if (state_ == livekit::ClientState::joined && publisher_ && !publisher_->idle()) {
    leave_deadline_ = now + std::chrono::seconds(2);
    return;
  }
  finish_leave();
}

void RtcClientCore::finish_leave() {
  ::livekit::SignalRequest request;
  request.mutable_leave()->set_can_reconnect(false);
  request.mutable_leave()->set_reason(::livekit::CLIENT_INITIATED);
  request.mutable_leave()->set_action(::livekit::LeaveRequest::DISCONNECT);
  send_signal(request.SerializeAsString());
  close(livekit::DisconnectReason::client_initiated, "left");
}

void RtcClientCore::pump(core::TimePoint now) {
  for (const PeerConnectionRole role : {PeerConnectionRole::publisher, PeerConnectionRole::subscriber}) {
    webrtc::PeerConnection* pc = role == PeerConnectionRole::publisher ? publisher_.get() : subscriber_.get();
    if (!pc) continue;
    while (auto event = pc->poll_event()) {
      if (state_ == livekit::ClientState::closed) break;
      if (auto* failed = std::get_if<webrtc::PeerFailed>(&*event)) {
        std::string detail = std::string(role == PeerConnectionRole::publisher ? "publisher" : "subscriber") +
                             " peer connection: " + std::string(webrtc::to_string(failed->error.code)) + ": " + failed->error.message;
        if (state_ != livekit::ClientState::joined) {
          close(livekit::DisconnectReason::join_failure, std::move(detail));
          break;
        }
        if (!pc_failure_) pc_failure_ = {now + std::chrono::seconds(2), std::move(detail)};
        continue;
      }
      if (std::holds_alternative<webrtc::PeerConnected>(*event)) {
        (role == PeerConnectionRole::publisher ? publisher_up_ : subscriber_up_) = true;
        if (publisher_up_ && subscriber_up_ && state_ == livekit::ClientState::joining) {
          state_ = livekit::ClientState::joined;
          join_deadline_.reset();
          events_.push_back(livekit::Joined{0, identity_, initial_participants_});
        }
        continue;
      }
      if (auto* message = std::get_if<webrtc::ChannelMessage>(&*event)) {
        // Data from the server arrives on the subscriber's channels (LiveKit's servers also accept
        // it on the publisher's, so both are read).
        ::livekit::DataPacket packet;
        if (!packet.ParseFromArray(message->bytes.data(), static_cast<int>(message->bytes.size())) || !packet.has_user()) {
          ++stats_.data_packets_malformed;
          continue;
        }
        ++stats_.data_packets_received;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        std::string sender = packet.participant_identity().empty() ? packet.user().participant_identity() : packet.participant_identity();
#pragma GCC diagnostic pop
        const std::string& payload = packet.user().payload();
        events_.push_back(livekit::DataReceived{std::move(sender), std::vector<std::uint8_t>(payload.begin(), payload.end()),
                                                message->label == lossy_label ? livekit::DataKind::lossy : livekit::DataKind::reliable});
      }
    }
    while (auto transmit = pc->poll_transmit()) datagrams_.push_back({role, std::move(*transmit)});
  }
  if (leave_deadline_ && state_ != livekit::ClientState::closed && (publisher_->idle() || now >= *leave_deadline_)) finish_leave();
}

std::optional<std::vector<std::uint8_t>> RtcClientCore::poll_signal() { return core::pop_front(signals_); }

std::optional<RtcDatagram> RtcClientCore::poll_datagram() { return core::pop_front(datagrams_); }

std::optional<livekit::ClientEvent> RtcClientCore::poll_event() { return core::pop_front(events_); }

std::optional<core::TimePoint> RtcClientCore::poll_timeout() const {
  if (state_ == livekit::ClientState::closed) return std::nullopt;
  std::optional<core::TimePoint> earliest = join_deadline_;
  const auto consider = [&](std::optional<core::TimePoint> due) {
    if (due && (!earliest || *due < *earliest)) earliest = due;
  };
  consider(next_ping_);
  consider(leave_deadline_);
  if (pc_failure_) consider(pc_failure_->first);
  if (next_ping_) consider(last_heard_ + ping_timeout_);
  for (const auto* pc : {publisher_.get(), subscriber_.get()}) {
    if (pc) consider(pc->poll_timeout());
  }
  return earliest;
}

}  // namespace dclcomms::livekit_rtc
