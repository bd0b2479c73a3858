#include "dclcomms/livekit/client_core.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::livekit {

LivekitClientCore::LivekitClientCore(ClientCoreConfig config) : config_(config) {
  DCL_ASSERT(config_.ping_interval > core::Duration::zero());
  DCL_ASSERT(config_.lossy_chunk_bytes > 0);
}

void LivekitClientCore::join(const std::string& token, core::TimePoint now) {
  DCL_ASSERT(state_ == ClientState::idle || state_ == ClientState::closed);
  if (state_ != ClientState::idle) return;  // the carrier failed to connect first: nothing to send
  state_ = ClientState::joining;
  join_deadline_ = now + config_.join_timeout;
  send_signal(wire::Join{token});
}

void LivekitClientCore::publish(std::span<const std::uint8_t> payload, DataKind kind, const std::vector<std::string>& destinations,
                                core::TimePoint) {
  if (state_ != ClientState::joined || payload.size() > data_payload_bytes_max) {
    ++stats_.publishes_ignored;
    return;
  }
  DCL_ASSERT(session_.has_value());
  const auto frame = wire::encode(wire::ClientFrame{wire::DataUp{destinations, wire::Bytes(payload.begin(), payload.end())}});
  if (kind == DataKind::reliable) {
    transmits_.push_back(SignalFrame{frame});
    return;
  }
  auto datagrams = wire::fragment_lossy(*session_, next_lossy_sequence_++, frame, config_.lossy_chunk_bytes);
  if (queued_datagrams_ + datagrams.size() > config_.outbound_datagrams_max) {
    ++stats_.lossy_dropped_queue_full;  // lossy data may be dropped anywhere on the way
    return;
  }
  queued_datagrams_ += datagrams.size();
  for (auto& datagram : datagrams) transmits_.push_back(LossyDatagram{std::move(datagram)});
}

void LivekitClientCore::leave(core::TimePoint) {
  if (state_ == ClientState::closed) return;
  if (state_ != ClientState::idle) send_signal(wire::Leave{});
  close(DisconnectReason::client_initiated, "left the room");
}

void LivekitClientCore::handle_connect_failed(std::string detail, core::TimePoint) {
  close(DisconnectReason::join_failure, std::move(detail));
}

void LivekitClientCore::handle_signal_frame(std::span<const std::uint8_t> bytes, core::TimePoint now) {
  if (state_ == ClientState::closed) return;
  ++stats_.frames_received;
  last_heard_ = now;
  auto frame = wire::decode_server_frame(bytes);
  if (!frame) return close(DisconnectReason::connection_lost, "undecodable frame from the SFU");
  on_server_frame(*frame, now);
}

void LivekitClientCore::on_server_frame(wire::ServerFrame& frame, core::TimePoint now) {
  struct Visitor {
    LivekitClientCore& self;
    core::TimePoint now;
    void operator()(wire::Welcome& f) const {
      if (self.session_) return;  // a second welcome changes nothing
      self.session_ = f.session;
      self.state_ = ClientState::joined;
      self.join_deadline_.reset();
      self.next_ping_ = now + self.config_.ping_interval;
      self.events_.push_back(Joined{f.session, std::move(f.identity), std::move(f.participants)});
    }
    void operator()(wire::Rejected& f) const { self.close(DisconnectReason::join_failure, std::move(f.reason)); }
    void operator()(wire::ParticipantJoined& f) const { self.events_.push_back(ParticipantConnected{std::move(f.identity)}); }
    void operator()(wire::ParticipantLeft& f) const { self.events_.push_back(ParticipantDisconnected{std::move(f.identity)}); }
    void operator()(wire::DataDown& f) const {
      self.events_.push_back(DataReceived{std::move(f.sender), std::move(f.payload), DataKind::reliable});
    }
    void operator()(wire::Closed& f) const { self.close(f.reason, std::move(f.detail)); }
    void operator()(wire::Pong&) const {}  // liveness only: last_heard_ is already updated
  };
  std::visit(Visitor{*this, now}, frame);
}

void LivekitClientCore::handle_lossy_fragment(wire::LossyFragment fragment, core::TimePoint now) {
  if (state_ == ClientState::closed) return;
  ++stats_.fragments_received;
  last_heard_ = now;
  const auto duplicates_before = lossy_.duplicates();
  auto message = lossy_.add(std::move(fragment));
  stats_.lossy_duplicates += lossy_.duplicates() - duplicates_before;
  if (!message) return;
  auto frame = wire::decode_server_frame(*message);
  auto* data = frame ? std::get_if<wire::DataDown>(&*frame) : nullptr;
  if (!data) {
    ++stats_.lossy_not_data;
    return;
  }
  events_.push_back(DataReceived{std::move(data->sender), std::move(data->payload), DataKind::lossy});
}

void LivekitClientCore::handle_signal_lost(std::string detail, core::TimePoint) {
  close(DisconnectReason::connection_lost, std::move(detail));
}

void LivekitClientCore::handle_timeout(core::TimePoint now) {
  if (state_ == ClientState::closed) return;
  if (join_deadline_ && now >= *join_deadline_) {
    DCL_ASSERT(state_ == ClientState::joining);
    return close(DisconnectReason::join_failure, "no answer to the join in time");
  }
  if (next_ping_ && now >= *next_ping_) {
    DCL_ASSERT(state_ == ClientState::joined);
    if (now - last_heard_ >= config_.ping_timeout) {
      return close(DisconnectReason::connection_lost,
                   "ping timeout: nothing from the SFU for " + std::to_string(core::to_ns(now - last_heard_) / 1'000'000) + " ms");
    }
    send_signal(wire::Ping{});
    next_ping_ = now + config_.ping_interval;
  }
}

std::optional<ClientTransmit> LivekitClientCore::poll_transmit() {
  if (transmits_.empty()) return std::nullopt;
  auto transmit = std::move(transmits_.front());
  transmits_.pop_front();
  if (std::holds_alternative<LossyDatagram>(transmit)) {
    DCL_ASSERT(queued_datagrams_ > 0);
    --queued_datagrams_;
  }
  return transmit;
}

std::optional<core::TimePoint> LivekitClientCore::poll_timeout() const {
  if (join_deadline_ && next_ping_) return std::min(*join_deadline_, *next_ping_);
  return join_deadline_ ? join_deadline_ : next_ping_;
}

std::optional<ClientEvent> LivekitClientCore::poll_event() {
  if (events_.empty()) return std::nullopt;
  auto event = std::move(events_.front());
  events_.pop_front();
  return event;
}

void LivekitClientCore::send_signal(const wire::ClientFrame& frame) { transmits_.push_back(SignalFrame{wire::encode(frame)}); }

void LivekitClientCore::close(DisconnectReason reason, std::string detail) {
  if (state_ == ClientState::closed) return;
  state_ = ClientState::closed;
  join_deadline_.reset();
  next_ping_.reset();
  events_.push_back(SessionClosed{reason, std::move(detail)});
}

}  // namespace dclcomms::livekit
