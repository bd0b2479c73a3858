#pragma once
// SecureTransport: MessageTransport on WebRTC's stack (RFC 8831 §5): ICE (ice_agent.hpp) → DTLS
// (dtls_endpoint.hpp) → SCTP (sctp_association.hpp) over one UDP 5-tuple. An ICE-lite agent (our
// server) or a controlling one (our client); the DTLS role as the descriptions decided.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dclcomms/webrtc/dtls_endpoint.hpp"
#include "dclcomms/webrtc/ice_agent.hpp"
#include "dclcomms/webrtc/message_transport.hpp"

namespace dclcomms::webrtc {

struct SecureTransportConfig {
  std::shared_ptr<const DtlsIdentity> identity;
  bool ice_lite = false;
  IceCredentials local_ice, remote_ice;
  std::vector<SocketAddress> remote_candidates;  // the controlling agent checks them (lite: unused)
  std::uint64_t ice_seed = 1;
  DtlsRole dtls_role = DtlsRole::server;
  std::string remote_fingerprint;
  std::uint16_t remote_sctp_port = 5000;
};

class SecureTransport final : public MessageTransport {
 public:
  SecureTransport(SecureTransportConfig config, core::TimePoint now);
  ~SecureTransport() override;

  void handle_datagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now) override;
  void handle_timeout(core::TimePoint now) override;
  bool send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> bytes, SctpSendOptions options) override;
  void close() override;
  std::optional<DatagramTransmit> poll_transmit() override;
  std::optional<TransportEvent> poll_event() override;
  std::optional<core::TimePoint> poll_timeout() const override;
  bool up() const override { return sctp_ && sctp_->up(); }
  bool idle() const override { return !sctp_ || sctp_->idle(); }
  const std::optional<SocketAddress>& remote_address() const override { return remote_address_; }

 private:
  void pump(core::TimePoint now);
  void fail(PeerConnectionErrorCode code, std::string message);

  SecureTransportConfig config_;
  std::optional<IceLiteAgent> lite_;
  std::optional<IceControllingAgent> controlling_;
  DtlsEndpoint dtls_;
  bool dtls_started_ = false;
  std::unique_ptr<SctpAssociation> sctp_;
  std::optional<SocketAddress> remote_address_;
  bool failed_ = false;
  std::deque<DatagramTransmit> transmits_;
  std::deque<TransportEvent> events_;
  static constexpr std::size_t queue_max = 8192;
};

}  // namespace dclcomms::webrtc
