#pragma once
// RtcClientCore: a LiveKit participant over LiveKit's real client protocol, sans-I/O — the signal
// websocket's protobuf messages (SignalRequest out, SignalResponse in; vendored livekit_rtc.proto)
// and two WebRTC peer connections for data (dclcomms::webrtc): the *publisher* we offer, with the
// `_reliable` and `_lossy` channels we send on, and the *subscriber* the server offers, on whose
// channels data arrives. It reports what LiveKit's SDKs report, with the event vocabulary of the
// simulated core (client_core.hpp: Joined, ParticipantConnected/Disconnected, DataReceived,
// SessionClosed), so the livekit transport cannot tell the two apart.
//
// Joined is reported when both peer connections are up — the publisher to send on (our channels
// carry data before the server's acknowledgement, RFC 8832 §6) and the subscriber to receive on —
// so publish() works from then on and nothing sent to us after it is lost to a channel still
// opening. leave() is graceful: the LeaveRequest goes once the server acknowledged our reliable
// data (2 s at most), so packets sent just before leaving reach the room before the leave does. A
// peer connection that fails while joined is reported after 2 s unless the signal explains it
// first (a LeaveRequest, e.g. DUPLICATE_IDENTITY, races the server's closing of the connections).
//
// Drain order after every input: poll_signal, poll_datagram, poll_event, then poll_timeout.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "dclcomms/core/time.hpp"
#include "dclcomms/livekit/client_core.hpp"
#include "dclcomms/webrtc/peer_connection.hpp"

namespace dclcomms::livekit_rtc {

struct RtcClientConfig {
  std::shared_ptr<const webrtc::DtlsIdentity> identity;    // required for webrtc::LowerLayer::webrtc
  std::uint64_t seed = 1;                                  // ICE credentials and transaction ids (production: random)
  core::Duration join_timeout = std::chrono::seconds(15);  // livekit-client's default
  webrtc::LowerLayer lower = webrtc::LowerLayer::webrtc;   // plain: the simulator's seam (plain_transport.hpp)
};

/// Which of our two peer connections a datagram belongs to (each has its own socket).
enum class PeerConnectionRole : std::uint8_t { publisher, subscriber };

struct RtcDatagram {
  PeerConnectionRole role;
  webrtc::DatagramTransmit datagram;
};

struct RtcClientStats {
  std::uint64_t data_packets_received = 0;
  std::uint64_t data_packets_malformed = 0;  // not a DataPacket, or not a user packet
  std::uint64_t publishes_dropped = 0;       // not joined, leaving, or refused by the channel (its buffer full)
};

class RtcClientCore {
 public:
  RtcClientCore(RtcClientConfig config, core::TimePoint now);
  ~RtcClientCore();

  /// The signal URL for a server URL (ws://host:port or wss://…) and token: <url>/rtc?access_token=…
  static std::string signal_url(std::string_view server_url, std::string_view token);

  // ---- inputs ----------------------------------------------------------------------------------
  void handle_signal_frame(std::span<const std::uint8_t> frame, core::TimePoint now);
  /// The signal websocket did not open (refused: the server's reason is in `detail`).
  void handle_connect_failed(std::string detail, core::TimePoint now);
  void handle_signal_lost(std::string detail, core::TimePoint now);
  void handle_datagram(PeerConnectionRole role, std::span<const std::uint8_t> datagram, const webrtc::SocketAddress& from,
                       core::TimePoint now);
  void handle_timeout(core::TimePoint now);

  // ---- commands --------------------------------------------------------------------------------
  void publish(std::span<const std::uint8_t> payload, livekit::DataKind kind, const std::vector<std::string>& destinations,
               core::TimePoint now);
  void leave(core::TimePoint now);

  // ---- outputs ---------------------------------------------------------------------------------
  std::optional<std::vector<std::uint8_t>> poll_signal();
  std::optional<RtcDatagram> poll_datagram();
  std::optional<livekit::ClientEvent> poll_event();
  std::optional<core::TimePoint> poll_timeout() const;

  livekit::ClientState state() const { return state_; }
  const RtcClientStats& stats() const { return stats_; }

 private:
  void on_response(const std::string& serialized, core::TimePoint now);
  void pump(core::TimePoint now);
  void close(livekit::DisconnectReason reason, std::string detail);
  void send_signal(const std::string& serialized);
  void finish_leave();

  RtcClientConfig config_;
  livekit::ClientState state_ = livekit::ClientState::joining;
  std::string identity_;
  std::vector<std::string> initial_participants_;
  std::set<std::string> present_;  // identities of the others in the room
  std::optional<core::TimePoint> join_deadline_;
  core::Duration ping_interval_ = std::chrono::seconds(5), ping_timeout_ = std::chrono::seconds(15);
  std::optional<core::TimePoint> next_ping_;
  core::TimePoint last_heard_;
  std::unique_ptr<webrtc::PeerConnection> publisher_, subscriber_;
  std::optional<webrtc::ChannelId> reliable_, lossy_;
  bool publisher_up_ = false, subscriber_up_ = false;
  std::optional<core::TimePoint> leave_deadline_;                      // leaving: the LeaveRequest waits for our reliable data, until then
  std::optional<std::pair<core::TimePoint, std::string>> pc_failure_;  // reported at that time unless the signal explains it
  std::deque<std::vector<std::uint8_t>> signals_;
  std::deque<RtcDatagram> datagrams_;
  std::deque<livekit::ClientEvent> events_;
  RtcClientStats stats_;
};

}  // namespace dclcomms::livekit_rtc
