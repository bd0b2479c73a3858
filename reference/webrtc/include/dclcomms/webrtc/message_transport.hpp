#pragma once
// MessageTransport: what data channels (DCEP, peer_connection.hpp) need from the layers below — an
// association with one peer carrying messages on numbered streams, reliable or not. Two
// implementations:
//   * SecureTransport (secure_transport.hpp): WebRTC's stack, ICE → DTLS → SCTP, for real networks
//     and real peers;
//   * PlainTransport (plain_transport.hpp): the simulator's seam — the same service straight over
//     datagrams, deterministic for a seed (no OpenSSL or usrsctp randomness, no wall clock), so a
//     simulated room runs the same signal, SDP, DCEP and relay code bit for bit reproducibly.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/webrtc/sctp_association.hpp"
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

struct TransportFailed {
  PeerConnectionError error;
};
/// SctpUp once messages can flow; SctpMessage per message; TransportFailed last.
using TransportEvent = std::variant<SctpUp, SctpMessage, TransportFailed>;

class MessageTransport {
 public:
  virtual ~MessageTransport() = default;
  virtual void handle_datagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now) = 0;
  virtual void handle_timeout(core::TimePoint now) = 0;
  /// False when not up, or its buffers are full (the message is not sent).
  virtual bool send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> bytes, SctpSendOptions options) = 0;
  /// Ends the association (the peer is told where the layer can tell it).
  virtual void close() = 0;
  virtual std::optional<DatagramTransmit> poll_transmit() = 0;
  virtual std::optional<TransportEvent> poll_event() = 0;
  virtual std::optional<core::TimePoint> poll_timeout() const = 0;
  virtual bool up() const = 0;
  /// Nothing reliable of ours is waiting to be acknowledged by the peer.
  virtual bool idle() const = 0;
  /// The peer's address once known (a lite server learns it from the peer's first valid datagram).
  virtual const std::optional<SocketAddress>& remote_address() const = 0;
};

}  // namespace dclcomms::webrtc
