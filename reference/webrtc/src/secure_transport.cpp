// SecureTransport (see the header): the layers wired together, datagrams demultiplexed as RFC 7983
// says (first byte 0-3 STUN, 20-63 DTLS).
#include "dclcomms/webrtc/secure_transport.hpp"

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/queue.hpp"

namespace dclcomms::webrtc {

SecureTransport::SecureTransport(SecureTransportConfig config, core::TimePoint now)
    : config_(std::move(config)), dtls_(config_.identity, config_.dtls_role, config_.remote_fingerprint) {
  if (config_.ice_lite) {
    lite_.emplace(config_.local_ice, config_.remote_ice);
  } else {
    DCL_ASSERT(!config_.remote_candidates.empty());  // the caller refuses a description without one
    controlling_.emplace(config_.local_ice, config_.remote_ice, config_.remote_candidates, config_.ice_seed, now);
  }
  pump(now);
}

SecureTransport::~SecureTransport() = default;

void SecureTransport::fail(PeerConnectionErrorCode code, std::string message) {
  if (failed_) return;
  failed_ = true;
  events_.push_back(TransportFailed{{code, std::move(message)}});
}

void SecureTransport::handle_datagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now) {
  if (failed_ || datagram.empty()) return;
  if (looks_like_stun(datagram)) {
    if (lite_) {
      // An invalid check is answered or dropped by the agent; nothing else changes.
      if (lite_->handle_stun(datagram, from)) remote_address_ = lite_->selected().value_or(from);
    } else if (controlling_) {
      (void)controlling_->handle_stun(datagram, from, now);
    }
  } else if (datagram[0] >= 20 && datagram[0] <= 63) {
    // Only from the address ICE validated: anything else is not our peer.
    if (remote_address_ && from == *remote_address_) dtls_.handle_datagram(datagram, now);
  }
  pump(now);
}

void SecureTransport::handle_timeout(core::TimePoint now) {
  if (failed_) return;
  if (controlling_) controlling_->handle_timeout(now);
  dtls_.handle_timeout(now);
  if (sctp_) sctp_->handle_timeout(now);
  pump(now);
}

bool SecureTransport::send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> bytes, SctpSendOptions options) {
  if (failed_ || !sctp_) return false;
  const bool sent = sctp_->send(stream, ppid, bytes, options);
  // SCTP's packets go out through DTLS now: the owner polls after every call.
  while (auto packet = sctp_->poll_transmit()) dtls_.send(*packet);
  while (auto datagram = dtls_.poll_transmit()) {
    if (remote_address_ && transmits_.size() < queue_max) transmits_.push_back({*remote_address_, std::move(*datagram)});
  }
  return sent;
}

void SecureTransport::close() {
  dtls_.close();
  while (auto datagram = dtls_.poll_transmit()) {
    if (remote_address_) transmits_.push_back({*remote_address_, std::move(*datagram)});
  }
  failed_ = true;
}

void SecureTransport::pump(core::TimePoint now) {
  if (failed_) return;
  if (controlling_) {
    if (controlling_->failure()) {
      fail(PeerConnectionErrorCode::ice, *controlling_->failure());
      return;
    }
    if (controlling_->selected()) remote_address_ = controlling_->selected();
    while (auto transmit = controlling_->poll_transmit()) {
      if (transmits_.size() < queue_max) transmits_.push_back(std::move(*transmit));
    }
  }
  if (lite_) {
    while (auto transmit = lite_->poll_transmit()) {
      if (transmits_.size() < queue_max) transmits_.push_back(std::move(*transmit));
    }
  }
  if (!remote_address_) return;
  if (!dtls_started_) {
    dtls_started_ = true;
    dtls_.start(now);
  }
  for (bool moved = true; moved;) {
    moved = false;
    if (dtls_.connected() && !sctp_) {
      sctp_ = std::make_unique<SctpAssociation>(5000, config_.remote_sctp_port);
      sctp_->start(now);
    }
    while (auto received = dtls_.poll_received()) {
      moved = true;
      if (sctp_) sctp_->handle_packet(*received, now);
    }
    if (sctp_) {
      while (auto packet = sctp_->poll_transmit()) {
        moved = true;
        dtls_.send(*packet);
      }
      while (auto event = sctp_->poll_event()) {
        moved = true;
        if (auto* closed = std::get_if<SctpClosed>(&*event)) {
          fail(PeerConnectionErrorCode::sctp, closed->reason);
          return;
        }
        if (std::holds_alternative<SctpUp>(*event)) events_.push_back(SctpUp{});
        if (auto* message = std::get_if<SctpMessage>(&*event)) events_.push_back(std::move(*message));
      }
    }
    while (auto datagram = dtls_.poll_transmit()) {
      moved = true;
      if (transmits_.size() < queue_max) transmits_.push_back({*remote_address_, std::move(*datagram)});
    }
  }
  if (dtls_.failure()) {
    const DtlsError& error = *dtls_.failure();
    fail(error.code == DtlsErrorCode::closed ? PeerConnectionErrorCode::sctp : PeerConnectionErrorCode::dtls, error.message);
  }
}

std::optional<DatagramTransmit> SecureTransport::poll_transmit() { return core::pop_front(transmits_); }

std::optional<TransportEvent> SecureTransport::poll_event() { return core::pop_front(events_); }

std::optional<core::TimePoint> SecureTransport::poll_timeout() const {
  if (failed_) return std::nullopt;
  std::optional<core::TimePoint> earliest;
  const auto consider = [&](std::optional<core::TimePoint> due) {
    if (due && (!earliest || *due < *earliest)) earliest = due;
  };
  if (controlling_) consider(controlling_->poll_timeout());
  consider(dtls_.poll_timeout());
  if (sctp_) consider(sctp_->poll_timeout());
  return earliest;
}

}  // namespace dclcomms::webrtc
