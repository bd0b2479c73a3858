// SignalServerCore (see the header). Every SignalResponse is built from the vendored LiveKit
// definitions, so what goes out is what real LiveKit clients parse.
#include "dclcomms/livekit_server/signal_server_core.hpp"

#include <boost/url/parse.hpp>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/queue.hpp"
#include "livekit_rtc.pb.h"

namespace dclcomms::livekit_server {

std::string_view to_string(SignalRefusalCode code) {
  switch (code) {
    case SignalRefusalCode::bad_target: return "bad_target";
    case SignalRefusalCode::bad_token: return "bad_token";
    case SignalRefusalCode::room_full: return "room_full";
    case SignalRefusalCode::too_many: return "too_many";
  }
  return "?";
}

std::optional<std::string> access_token_of(std::string_view target, std::string_view authorization) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  // LiveKit's signal endpoint. Newer SDKs try /rtc/v1 (a join request in the query) first and fall
  // back to /rtc when it is refused: it is refused here (not served yet).
  if (url->path() != "/rtc" && url->path() != "/rtc/") return std::nullopt;
  static constexpr std::string_view bearer = "Bearer ";
  if (authorization.size() > bearer.size() && authorization.substr(0, bearer.size()) == bearer) {
    return std::string(authorization.substr(bearer.size()));
  }
  const auto params = url->params();
  const auto found = params.find("access_token");
  if (found == params.end() || !(*found).has_value || (*found).value.empty()) return std::nullopt;
  return std::string((*found).value);
}

namespace {

livekit::TokenCheck token_check(const SignalServerConfig& config, std::int64_t unix_seconds_now) {
  livekit::TokenCheck check;
  check.unix_seconds_now = unix_seconds_now;
  check.credentials = config.credentials;
  check.requirements = {.publish_data = false, .subscribe = false};  // a room server admits what the grants say
  return check;
}

}  // namespace

SignalServerCore::SignalServerCore(SignalServerConfig config) : config_(std::move(config)) {
  if (config_.relay) relay_.emplace(*config_.relay);
}

core::Result<core::Ok, SignalRefusal> SignalServerCore::check_upgrade(std::string_view target, std::string_view authorization,
                                                                      std::int64_t unix_seconds_now) const {
  const auto token = access_token_of(target, authorization);
  if (!token) {
    return core::fail(SignalRefusalCode::bad_target,
                      "the signal endpoint is /rtc with a token (Authorization: Bearer <token>, or ?access_token=<token>)");
  }
  auto claims = livekit::validate_livekit_token(*token, token_check(config_, unix_seconds_now));
  if (!claims) {
    return core::fail(SignalRefusalCode::bad_token,
                      "invalid token: " + std::string(livekit::to_string(claims.error().code)) + ": " + claims.error().message);
  }
  if (sessions_.size() >= config_.connections_max) return core::fail(SignalRefusalCode::too_many, "the server is full");
  const std::string& room = *claims->video->room;
  std::size_t in_room = 0;
  bool replaces = false;
  for (const auto& [id, session] : sessions_) {
    if (session.room != room || session.leaving) continue;
    ++in_room;
    replaces = replaces || session.identity == *claims->identity;
  }
  if (!replaces && in_room >= config_.room_participants_max) {
    return core::fail(SignalRefusalCode::room_full, "room " + room + " is full (" + std::to_string(in_room) + " participants)");
  }
  return core::Ok{};
}

void SignalServerCore::send(SignalConnectionId connection, const std::string& serialized) {
  DCL_ASSERT(transmits_.size() < config_.transmit_queue_max);  // the owner drains after every call
  transmits_.push_back({connection, std::vector<std::uint8_t>(serialized.begin(), serialized.end())});
}

std::vector<std::string> SignalServerCore::participants(const std::string& room) const {
  std::vector<std::string> identities;
  for (const SignalConnectionId member : room_members(room)) identities.push_back(sessions_.at(member).identity);
  return identities;
}

std::vector<SignalConnectionId> SignalServerCore::room_members(const std::string& room) const {
  std::vector<SignalConnectionId> members;
  for (const auto& [id, session] : sessions_) {
    if (session.room == room && !session.leaving) members.push_back(id);
  }
  return members;
}

void SignalServerCore::fill_participant(::livekit::ParticipantInfo& info, const Session& session, bool disconnected) {
  info.set_sid(session.sid);
  info.set_identity(session.identity);
  info.set_name(session.name);
  info.set_metadata(session.metadata);
  info.set_state(disconnected ? ::livekit::ParticipantInfo::DISCONNECTED : ::livekit::ParticipantInfo::JOINED);
  info.set_joined_at(session.joined_at_ms / 1000);
  info.set_joined_at_ms(session.joined_at_ms);
  info.set_version(session.version);
  info.set_kind(::livekit::ParticipantInfo::STANDARD);
  auto* permission = info.mutable_permission();
  permission->set_can_subscribe(session.can_subscribe);
  permission->set_can_publish(session.can_publish);
  permission->set_can_publish_data(session.can_publish_data);
}

void SignalServerCore::broadcast_update(const Session& about, bool disconnected, SignalConnectionId except) {
  ::livekit::SignalResponse response;
  fill_participant(*response.mutable_update()->add_participants(), about, disconnected);
  const std::string serialized = response.SerializeAsString();
  for (const SignalConnectionId member : room_members(about.room)) {
    if (member != except) send(member, serialized);
  }
}

void SignalServerCore::handle_open(SignalConnectionId connection, std::string_view target, std::string_view authorization,
                                   core::TimePoint now, std::int64_t unix_ms_now) {
  DCL_ASSERT(!sessions_.contains(connection));
  const auto token = access_token_of(target, authorization);
  auto claims =
      token ? livekit::validate_livekit_token(*token, token_check(config_, unix_ms_now / 1000))
            : core::Result<livekit::LivekitClaims, livekit::TokenError>(core::fail(livekit::TokenErrorCode::malformed, "no access_token"));
  if (!claims) {
    // The token expired between the upgrade check and the open: refused all the same.
    closes_.push_back({connection, "invalid token"});
    return;
  }
  Session session;
  session.room = *claims->video->room;
  session.identity = *claims->identity;
  session.name = claims->name.value_or("");
  session.metadata = claims->metadata.value_or("");
  session.can_publish = claims->video->can_publish.value_or(true);
  session.can_subscribe = claims->video->grants_subscribe();
  session.can_publish_data = claims->video->grants_publish_data();
  session.joined_at_ms = unix_ms_now;
  session.last_heard = now;
  session.sid = "PA_" + std::to_string(next_sid_++);
  // A second session with the same identity displaces the first, as LiveKit does.
  for (auto& [id, other] : sessions_) {
    if (other.room != session.room || other.identity != session.identity || other.leaving) continue;
    ::livekit::SignalResponse leave;
    leave.mutable_leave()->set_reason(::livekit::DUPLICATE_IDENTITY);
    leave.mutable_leave()->set_action(::livekit::LeaveRequest::DISCONNECT);
    leave.mutable_leave()->set_can_reconnect(false);
    send(id, leave.SerializeAsString());
    this->leave(id, "duplicate identity", true);
    break;
  }
  auto [room_sid, created] = room_sids_.try_emplace(session.room, "RM_" + std::to_string(next_sid_));
  if (created) ++next_sid_;

  ::livekit::SignalResponse response;
  auto* join = response.mutable_join();
  join->mutable_room()->set_sid(room_sid->second);
  join->mutable_room()->set_name(session.room);
  join->mutable_room()->set_max_participants(static_cast<std::uint32_t>(config_.room_participants_max));
  fill_participant(*join->mutable_participant(), session, false);
  for (const SignalConnectionId member : room_members(session.room)) {
    fill_participant(*join->add_other_participants(), sessions_.at(member), false);
  }
  join->set_server_version(config_.server_version);
  join->set_ping_interval(config_.ping_interval_s);
  join->set_ping_timeout(config_.ping_timeout_s);
  join->mutable_server_info()->set_edition(::livekit::ServerInfo::Standard);
  join->mutable_server_info()->set_version(config_.server_version);
  join->mutable_server_info()->set_protocol(16);
  send(connection, response.SerializeAsString());
  const Session& stored = sessions_.emplace(connection, std::move(session)).first->second;
  if (relay_) relay_->add_participant(connection, stored.room, stored.identity, stored.sid, stored.can_publish_data);
  broadcast_update(stored, false, connection);
  events_.push_back(ParticipantJoined{stored.room, stored.identity, stored.sid});
  ++joins_total_;
}

void SignalServerCore::leave(SignalConnectionId connection, const std::string& reason, bool close_it) {
  const auto found = sessions_.find(connection);
  if (found == sessions_.end() || found->second.leaving) return;
  Session& session = found->second;
  session.leaving = true;
  ++session.version;
  broadcast_update(session, true, connection);
  events_.push_back(ParticipantLeft{session.room, session.identity, session.sid, reason});
  if (relay_) {
    relay_->remove_participant(connection);
    pump_relay();
  }
  if (close_it) closes_.push_back({connection, reason});
}

void SignalServerCore::handle_message(SignalConnectionId connection, std::span<const std::uint8_t> bytes, core::TimePoint now,
                                      std::int64_t unix_ms_now) {
  const auto found = sessions_.find(connection);
  if (found == sessions_.end() || found->second.leaving) return;
  Session& session = found->second;
  session.last_heard = now;
  ::livekit::SignalRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    leave(connection, "malformed signal message", true);
    return;
  }
  switch (request.message_case()) {
    case ::livekit::SignalRequest::kPingReq: {
      ::livekit::SignalResponse response;
      response.mutable_pong_resp()->set_last_ping_timestamp(request.ping_req().timestamp());
      response.mutable_pong_resp()->set_timestamp(unix_ms_now);
      send(connection, response.SerializeAsString());
      break;
    }
    case ::livekit::SignalRequest::kPing: {  // the deprecated form, still sent by older clients
      ::livekit::SignalResponse response;
      response.set_pong(unix_ms_now);
      send(connection, response.SerializeAsString());
      break;
    }
    case ::livekit::SignalRequest::kLeave: leave(connection, "client leave", true); break;
    case ::livekit::SignalRequest::kOffer:
      events_.push_back(NegotiationReceived{session.identity, "offer", request.offer().sdp().size()});
      if (relay_) negotiate(connection, session, request, now);
      break;
    case ::livekit::SignalRequest::kAnswer:
      events_.push_back(NegotiationReceived{session.identity, "answer", request.answer().sdp().size()});
      if (relay_) negotiate(connection, session, request, now);
      break;
    case ::livekit::SignalRequest::kTrickle:
      events_.push_back(NegotiationReceived{session.identity, "trickle", request.trickle().candidateinit().size()});
      break;
    default: break;  // other requests (tracks, subscriptions, metadata): not served, not an error
  }
}

void SignalServerCore::negotiate(SignalConnectionId connection, Session& session, const ::livekit::SignalRequest& request,
                                 core::TimePoint now) {
  if (request.has_offer()) {
    // The publisher connection (the client's offer): answered with the same id, then our
    // subscriber offer, on which we open the channels we deliver on.
    auto answer = relay_->handle_publisher_offer(connection, request.offer().sdp(), now);
    if (!answer) {
      leave(connection, "unusable publisher offer: " + answer.error().message, true);
      return;
    }
    ::livekit::SignalResponse response;
    response.mutable_answer()->set_type("answer");
    response.mutable_answer()->set_sdp(*answer);
    response.mutable_answer()->set_id(request.offer().id());
    send(connection, response.SerializeAsString());
    if (!session.subscriber_offered) {
      session.subscriber_offered = true;
      ::livekit::SignalResponse offer;
      offer.mutable_offer()->set_type("offer");
      offer.mutable_offer()->set_sdp(relay_->make_subscriber_offer(connection, now));
      offer.mutable_offer()->set_id(1);
      send(connection, offer.SerializeAsString());
    }
  } else if (request.has_answer()) {
    auto accepted = relay_->handle_subscriber_answer(connection, request.answer().sdp(), now);
    if (!accepted) {
      leave(connection, "unusable subscriber answer: " + accepted.error().message, true);
      return;
    }
  }
  pump_relay();
}

void SignalServerCore::pump_relay() {
  while (auto event = relay_->poll_event()) {
    std::optional<SubscriberTooSlow> too_slow;
    if (const auto* slow = std::get_if<SubscriberTooSlow>(&*event)) too_slow = *slow;
    std::visit([this](auto&& typed) { events_.push_back(std::move(typed)); }, std::move(*event));
    if (too_slow) leave(too_slow->key, "subscriber too slow: " + std::to_string(too_slow->pending) + " reliable packets waiting", true);
  }
}

void SignalServerCore::handle_datagram(std::span<const std::uint8_t> datagram, const core::SocketAddress& from, core::TimePoint now) {
  if (!relay_) return;
  relay_->handle_datagram(datagram, from, now);
  pump_relay();
}

std::optional<webrtc::DatagramTransmit> SignalServerCore::poll_datagram() {
  if (!relay_) return std::nullopt;
  return relay_->poll_transmit();
}

void SignalServerCore::handle_closed(SignalConnectionId connection) {
  leave(connection, "connection closed", false);
  sessions_.erase(connection);
}

void SignalServerCore::handle_timeout(core::TimePoint now) {
  const core::Duration silence_max = std::chrono::seconds(config_.ping_timeout_s);
  std::vector<SignalConnectionId> silent;
  for (const auto& [id, session] : sessions_) {
    if (!session.leaving && now - session.last_heard >= silence_max) silent.push_back(id);
  }
  for (const SignalConnectionId id : silent) leave(id, "ping timeout", true);
  if (relay_) {
    relay_->handle_timeout(now);
    pump_relay();
  }
}

std::optional<core::TimePoint> SignalServerCore::poll_timeout() const {
  std::optional<core::TimePoint> earliest;
  for (const auto& [id, session] : sessions_) {
    if (session.leaving) continue;
    const core::TimePoint due = session.last_heard + std::chrono::seconds(config_.ping_timeout_s);
    if (!earliest || due < *earliest) earliest = due;
  }
  if (relay_) {
    const auto relay_due = relay_->poll_timeout();
    if (relay_due && (!earliest || *relay_due < *earliest)) earliest = relay_due;
  }
  return earliest;
}

std::optional<SignalTransmit> SignalServerCore::poll_transmit() { return core::pop_front(transmits_); }

std::optional<SignalClose> SignalServerCore::poll_close() { return core::pop_front(closes_); }

std::optional<SignalServerEvent> SignalServerCore::poll_event() { return core::pop_front(events_); }

}  // namespace dclcomms::livekit_server
