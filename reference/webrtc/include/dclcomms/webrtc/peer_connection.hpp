#pragma once
// PeerConnection: a WebRTC peer connection for data channels only, sans-I/O. It composes the
// layers of RFC 8831/8832 over one UDP 5-tuple: ICE (ice_agent.hpp) → DTLS (dtls_endpoint.hpp) →
// SCTP (sctp_association.hpp) → DCEP data channels (RFC 8832, here). Offer/answer in SDP
// (sdp.hpp). The carrier gives it datagrams and the time, and sends what poll_transmit returns.
//
// Roles: our room server is ICE-lite and always the DTLS server (it answers `a=setup:passive` and
// offers `actpass`, which WebRTC clients answer `active`); our client is the controlling ICE agent
// and takes whichever DTLS role the other side's description leaves it. Data channel stream ids
// follow RFC 8832 §6: even for the DTLS client, odd for the DTLS server.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/webrtc/dtls_endpoint.hpp"
#include "dclcomms/webrtc/ice_agent.hpp"
#include "dclcomms/webrtc/sctp_association.hpp"
#include "dclcomms/webrtc/sdp.hpp"
#include "dclcomms/webrtc/socket_address.hpp"

namespace dclcomms::webrtc {

enum class PeerConnectionErrorCode : std::uint8_t {
  sdp,      // the peer's description is unusable (the message says why)
  state,    // an offer/answer out of turn, or a channel call before negotiation
  ice,      // connectivity checks failed or consent was lost
  dtls,     // the handshake failed or the fingerprint did not match
  sctp,     // the association failed or ended
  channel,  // a DCEP message is malformed, or no stream id is free
};
std::string_view to_string(PeerConnectionErrorCode code);
using PeerConnectionError = core::Error<PeerConnectionErrorCode>;

using ChannelId = std::uint16_t;  // the SCTP stream id

struct DataChannelOptions {
  bool ordered = true;
  std::optional<std::uint16_t> max_retransmits;  // none: reliable
  auto operator<=>(const DataChannelOptions&) const = default;
};

struct PeerConnected {};  // ICE, DTLS and SCTP are up: channels can carry data
struct ChannelOpened {
  ChannelId id = 0;
  std::string label;
  DataChannelOptions options;
  bool by_peer = false;  // the peer opened it (DATA_CHANNEL_OPEN received)
};
struct ChannelMessage {
  ChannelId id = 0;
  std::string label;
  std::vector<std::uint8_t> bytes;
  bool binary = true;
};
struct PeerFailed {
  PeerConnectionError error;
};
using PeerConnectionEvent = std::variant<PeerConnected, ChannelOpened, ChannelMessage, PeerFailed>;

struct PeerConnectionConfig {
  std::shared_ptr<const DtlsIdentity> identity;
  bool ice_lite = false;                       // the server's role
  std::vector<SocketAddress> host_candidates;  // what our descriptions announce (the server's UDP address)
  std::uint64_t seed = 1;                      // ICE credentials, tie-breaker and transaction ids
  std::uint64_t max_message_size = 262144;     // announced; larger incoming messages are dropped
};

class PeerConnection {
 public:
  PeerConnection(PeerConnectionConfig config, core::TimePoint now);
  ~PeerConnection();

  const IceCredentials& local_ice() const { return local_ice_; }
  /// An offer (we are the offerer; accept the answer with handle_answer).
  std::string create_offer();
  /// The peer's offer: returns our answer.
  core::Result<std::string, PeerConnectionError> handle_offer(std::string_view sdp, core::TimePoint now);
  core::Result<core::Ok, PeerConnectionError> handle_answer(std::string_view sdp, core::TimePoint now);

  void handle_datagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now);
  void handle_timeout(core::TimePoint now);

  /// Opens a channel (DATA_CHANNEL_OPEN is sent once SCTP is up). Messages may be sent at once.
  core::Result<ChannelId, PeerConnectionError> open_channel(std::string label, DataChannelOptions options);
  /// Sends one message on an open channel; false when it cannot be sent now (not connected, no such
  /// channel, larger than the peer's maximum, or the send buffer is full).
  bool send(ChannelId channel, std::span<const std::uint8_t> bytes, bool binary = true);
  /// Closes DTLS (close_notify); the peer connection is done.
  void close();

  std::optional<DatagramTransmit> poll_transmit();
  std::optional<PeerConnectionEvent> poll_event();
  std::optional<core::TimePoint> poll_timeout() const;

  bool connected() const { return sctp_ && sctp_->up(); }
  bool failed() const { return failed_; }
  const std::optional<SocketAddress>& remote_address() const { return remote_address_; }

 private:
  struct Channel {
    std::string label;
    DataChannelOptions options;
    bool open_sent = false;  // ours: DATA_CHANNEL_OPEN sent
  };

  core::Result<core::Ok, PeerConnectionError> set_remote(std::string_view sdp, bool local_is_dtls_client, core::TimePoint now);
  void pump(core::TimePoint now);
  void handle_sctp_message(SctpMessage message);
  void send_open(ChannelId id, Channel& channel);
  void fail(PeerConnectionErrorCode code, std::string message);

  PeerConnectionConfig config_;
  IceCredentials local_ice_;
  std::optional<SessionDescription> remote_;
  bool offered_ = false;
  std::optional<IceLiteAgent> lite_;
  std::optional<IceControllingAgent> controlling_;
  std::unique_ptr<DtlsEndpoint> dtls_;
  DtlsRole dtls_role_ = DtlsRole::server;
  bool dtls_started_ = false;
  std::unique_ptr<SctpAssociation> sctp_;
  std::optional<SocketAddress> remote_address_;
  std::map<ChannelId, Channel> channels_;
  bool failed_ = false;
  std::deque<DatagramTransmit> transmits_;
  std::deque<PeerConnectionEvent> events_;
  static constexpr std::size_t queue_max = 8192;
};

}  // namespace dclcomms::webrtc
