#pragma once
// PeerConnection: a WebRTC peer connection for data channels only, sans-I/O: offer/answer in SDP
// (sdp.hpp) and DCEP data channels (RFC 8832, here) over a MessageTransport (message_transport.hpp)
// — WebRTC's ICE → DTLS → SCTP (secure_transport.hpp) on real networks, or the simulator's
// deterministic PlainTransport. The carrier gives it datagrams and the time, and sends what
// poll_transmit returns.
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
#include "dclcomms/webrtc/message_transport.hpp"
#include "dclcomms/webrtc/sdp.hpp"
#include "dclcomms/webrtc/socket_address.hpp"

namespace dclcomms::webrtc {

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

/// What carries the channels: WebRTC's stack, or the simulator's seam (plain_transport.hpp: no
/// certificate needed, the descriptions carry a fixed placeholder fingerprint).
enum class LowerLayer : std::uint8_t { webrtc, plain };

struct PeerConnectionConfig {
  std::shared_ptr<const DtlsIdentity> identity;  // required for LowerLayer::webrtc
  bool ice_lite = false;                         // the server's role
  std::vector<SocketAddress> host_candidates;    // what our descriptions announce (the server's UDP address)
  std::uint64_t seed = 1;                        // ICE credentials, tie-breaker and transaction ids
  std::uint64_t max_message_size = 262144;       // announced; larger incoming messages are dropped
  LowerLayer lower = LowerLayer::webrtc;
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
  /// Sends one message on a channel; false when it cannot be sent now (not connected, no such
  /// channel, larger than the peer's maximum, or the send buffer is full). Until the peer
  /// acknowledges a channel we opened, its messages go ordered and reliable (RFC 8832 §6), so
  /// none overtakes the DATA_CHANNEL_OPEN.
  bool send(ChannelId channel, std::span<const std::uint8_t> bytes, bool binary = true);
  /// Closes DTLS (close_notify); the peer connection is done.
  void close();

  std::optional<DatagramTransmit> poll_transmit();
  std::optional<PeerConnectionEvent> poll_event();
  std::optional<core::TimePoint> poll_timeout() const;

  bool connected() const { return transport_ && transport_->up(); }
  /// No reliable data of ours waits for the peer's acknowledgement (a graceful leave waits for it).
  bool idle() const { return !transport_ || transport_->idle(); }
  bool failed() const { return failed_; }
  const std::optional<SocketAddress>& remote_address() const;

 private:
  struct Channel {
    std::string label;
    DataChannelOptions options;
    bool open_sent = false;  // ours: DATA_CHANNEL_OPEN sent
    bool acked = false;      // the peer acknowledged it (or opened it): its own reliability applies
  };

  core::Result<core::Ok, PeerConnectionError> set_remote(std::string_view sdp, bool local_is_dtls_client, core::TimePoint now);
  LocalDescription local_description() const;
  void pump(core::TimePoint now);
  void handle_message(SctpMessage message);
  void collect_transmits();
  void send_open(ChannelId id, Channel& channel);
  void fail(PeerConnectionErrorCode code, std::string message);

  PeerConnectionConfig config_;
  IceCredentials local_ice_;
  std::optional<SessionDescription> remote_;
  bool offered_ = false;
  std::unique_ptr<MessageTransport> transport_;
  DtlsRole dtls_role_ = DtlsRole::server;  // decides the channels' stream ids, in both lower layers
  bool was_up_ = false;
  std::map<ChannelId, Channel> channels_;
  bool failed_ = false;
  std::deque<DatagramTransmit> transmits_;
  std::deque<PeerConnectionEvent> events_;
  static constexpr std::size_t queue_max = 8192;
};

}  // namespace dclcomms::webrtc
