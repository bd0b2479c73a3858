#pragma once
// DataRelayCore: the WebRTC half of our LiveKit room server, sans-I/O. Per participant it keeps the
// two peer connections LiveKit clients open (RTC protocol, livekit_rtc.proto): the *publisher*,
// offered by the client, on which the client opens `_reliable` (ordered) and `_lossy` (no
// retransmissions) data channels; and the *subscriber*, offered by us, on which we open the same
// two channels to deliver (usable once that connection is up: RFC 8832 §6 lets the opener send
// before the acknowledgement, ordered and reliable). A DataPacket arriving on a publisher channel is relayed, with the
// sender's identity and sid filled in as LiveKit does, on the same kind of channel to every other
// participant of the room — or only to its destination_identities when it names some.
//
// All peer connections share one UDP socket (LiveKit's single-port mode): datagrams are routed by
// the ICE username (our ufrag) until the peer's address is known, then by address. No audio or
// video: media sections of an offer are rejected in the answer.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/webrtc/peer_connection.hpp"

namespace dclcomms::livekit_server {

using ParticipantKey = std::uint64_t;  // the signal connection id

struct DataRelayConfig {
  std::shared_ptr<const webrtc::DtlsIdentity> identity;  // required for webrtc::LowerLayer::webrtc
  webrtc::SocketAddress udp_address;                     // the one host candidate we announce
  std::uint64_t seed = 1;                                // ICE credentials of each peer connection derive from it
  // Larger DataPackets are refused: a 65,535-byte payload (spec §6.3, data_payload_bytes_max) with
  // its envelope (identities, destinations, topic) fits.
  std::size_t data_packet_bytes_max = 65535 + 4096;
  std::size_t pending_reliable_max = 16'384;              // reliable packets waiting for a subscriber (channel opening or full)
  webrtc::LowerLayer lower = webrtc::LowerLayer::webrtc;  // plain: the simulator's seam (plain_transport.hpp)
};

struct DataRelayed {
  std::string room, sender;
  bool reliable = true;
  std::size_t bytes = 0;
  std::size_t recipients = 0;
};
struct DataRefused {
  std::string identity;
  std::string reason;  // "malformed DataPacket", "packet of N bytes over the M-byte limit", "publishing data not permitted"
};
struct PeerConnectionUp {
  std::string identity;
  bool publisher = true;
};
struct PeerConnectionDown {
  std::string identity;
  bool publisher = true;
  std::string reason;
};
/// A subscriber's reliable backlog reached pending_reliable_max: it cannot keep up and the room
/// server ends its session (reliable data is never dropped silently).
struct SubscriberTooSlow {
  ParticipantKey key = 0;
  std::string identity;
  std::size_t pending = 0;
};
using DataRelayEvent = std::variant<DataRelayed, DataRefused, PeerConnectionUp, PeerConnectionDown, SubscriberTooSlow>;

class DataRelayCore {
 public:
  explicit DataRelayCore(DataRelayConfig config);
  ~DataRelayCore();

  void add_participant(ParticipantKey key, std::string room, std::string identity, std::string sid, bool can_publish_data);
  void remove_participant(ParticipantKey key);

  /// The client's publisher offer: our answer.
  core::Result<std::string, webrtc::PeerConnectionError> handle_publisher_offer(ParticipantKey key, std::string_view sdp,
                                                                                core::TimePoint now);
  /// Creates the subscriber peer connection with its two channels: our offer.
  std::string make_subscriber_offer(ParticipantKey key, core::TimePoint now);
  core::Result<core::Ok, webrtc::PeerConnectionError> handle_subscriber_answer(ParticipantKey key, std::string_view sdp,
                                                                               core::TimePoint now);

  void handle_datagram(std::span<const std::uint8_t> datagram, const webrtc::SocketAddress& from, core::TimePoint now);
  void handle_timeout(core::TimePoint now);
  std::optional<webrtc::DatagramTransmit> poll_transmit();
  std::optional<DataRelayEvent> poll_event();
  std::optional<core::TimePoint> poll_timeout() const;

 private:
  struct Participant;
  std::unique_ptr<webrtc::PeerConnection> new_peer_connection(core::TimePoint now);
  void pump(Participant& participant, core::TimePoint now);
  void relay(Participant& from, const webrtc::ChannelMessage& message, core::TimePoint now);
  void deliver(Participant& to, bool reliable, std::span<const std::uint8_t> bytes);
  void flush_pending(Participant& participant);
  /// Moves what the participant's connections want sent into transmits_.
  void collect_transmits(Participant& participant);
  Participant* route(std::span<const std::uint8_t> datagram, const webrtc::SocketAddress& from, webrtc::PeerConnection*& pc);

  DataRelayConfig config_;
  std::map<ParticipantKey, std::unique_ptr<Participant>> participants_;
  std::map<std::string, std::pair<ParticipantKey, bool>> by_ufrag_;              // our ufrag → (participant, publisher?)
  std::map<webrtc::SocketAddress, std::pair<ParticipantKey, bool>> by_address_;  // peer address → (participant, publisher?)
  std::uint64_t next_pc_ = 1;
  std::deque<webrtc::DatagramTransmit> transmits_;
  std::deque<DataRelayEvent> events_;
  static constexpr std::size_t queue_max = 65536;
};

}  // namespace dclcomms::livekit_server
