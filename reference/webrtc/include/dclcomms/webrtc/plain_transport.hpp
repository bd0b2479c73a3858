#pragma once
// PlainTransport: MessageTransport straight over datagrams — the simulator's seam below data
// channels (message_transport.hpp). Deterministic: no randomness, time passed in. Not encrypted and
// not for real networks: it stands where ICE, DTLS and SCTP stand, with the service SCTP gives data
// channels — reliable messages exactly once and in order (one sequence over every stream: stronger
// than SCTP's per-stream order, never weaker), unreliable ones at most once — under loss,
// duplication, reordering and corruption.
//
// Datagram: 0x7E | kind | FNV-1a 32 of the rest (corrupted datagrams are dropped, as SCTP's CRC32c
// drops them) | body. 0x7E is outside STUN's (0-3) and DTLS's (20-63) first bytes (RFC 7983).
//   HELLO     (1) body: the responder's ICE ufrag (so a server routes it as it routes STUN checks)
//   HELLO_ACK (2)
//   DATA      (3) flags (1 = reliable) | stream u16 | ppid u32 | sequence u32 | index u16 | count u16 | bytes
//   ACK       (4) next expected reliable sequence u32 (cumulative)
//   CLOSE     (5)
// The initiator (the controlling side, our client) sends HELLO to the peer's first candidate every
// 200 ms until HELLO_ACK (10 s at most); messages are cut into fragments of ≤ 1100 bytes.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "dclcomms/webrtc/message_transport.hpp"

namespace dclcomms::webrtc {

/// The ufrag a HELLO datagram names, else none (for routing before the peer's address is known).
std::optional<std::string> plain_hello_ufrag(std::span<const std::uint8_t> datagram);
/// Whether a datagram is one of PlainTransport's (its first byte).
bool looks_like_plain(std::span<const std::uint8_t> datagram);

struct PlainTransportConfig {
  bool initiator = false;
  std::optional<SocketAddress> peer;  // the initiator's target (the peer's first candidate)
  std::string peer_ufrag;             // what the initiator's HELLO names
  core::Duration hello_interval = std::chrono::milliseconds(200);
  core::Duration connect_timeout = std::chrono::seconds(10);
  core::Duration rto_initial = std::chrono::milliseconds(250);
  core::Duration rto_max = std::chrono::seconds(2);
  std::uint32_t retransmissions_max = 30;    // one fragment unanswered this often: the association fails
  std::size_t window_fragments = 256;        // reliable fragments in flight
  std::size_t queue_fragments_max = 16'384;  // reliable fragments waiting for the window
  std::size_t reorder_fragments_max = 4096;  // reliable fragments held out of order
  std::size_t fragment_bytes = 1100;
};

class PlainTransport final : public MessageTransport {
 public:
  PlainTransport(PlainTransportConfig config, core::TimePoint now);

  void handle_datagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now) override;
  void handle_timeout(core::TimePoint now) override;
  bool send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> bytes, SctpSendOptions options) override;
  void close() override;
  std::optional<DatagramTransmit> poll_transmit() override;
  std::optional<TransportEvent> poll_event() override;
  std::optional<core::TimePoint> poll_timeout() const override;
  bool up() const override { return up_; }
  bool idle() const override { return in_flight_.empty() && waiting_.empty(); }
  const std::optional<SocketAddress>& remote_address() const override { return peer_; }

 private:
  struct InFlight {
    std::vector<std::uint8_t> datagram;
    core::TimePoint due;
    core::Duration rto;
    std::uint32_t retransmissions = 0;
  };
  struct Fragment {
    std::uint16_t stream = 0;
    std::uint32_t ppid = 0;
    std::uint16_t index = 0, count = 0;
    std::vector<std::uint8_t> bytes;
  };
  struct Unreliable {
    std::uint16_t stream = 0;
    std::uint32_t ppid = 0;
    std::vector<std::optional<std::vector<std::uint8_t>>> fragments;
    std::size_t received = 0;
  };

  void transmit(std::vector<std::uint8_t> datagram);
  std::vector<std::uint8_t> frame(std::uint8_t kind, std::span<const std::uint8_t> body) const;
  void fail(std::string message);
  void fill_window(core::TimePoint now);
  void on_data(std::span<const std::uint8_t> body, core::TimePoint now);
  void deliver_in_order();

  PlainTransportConfig config_;
  std::optional<SocketAddress> peer_;
  bool up_ = false, failed_ = false;
  core::TimePoint started_;
  core::TimePoint now_;  // the latest time passed in (send() takes none)
  std::optional<core::TimePoint> next_hello_;
  // Sending.
  std::uint32_t next_sequence_ = 1, next_unreliable_id_ = 1;
  std::map<std::uint32_t, InFlight> in_flight_;
  std::deque<std::pair<std::uint32_t, std::vector<std::uint8_t>>> waiting_;  // (sequence, datagram)
  // Receiving.
  std::uint32_t expected_ = 1;
  std::map<std::uint32_t, Fragment> reorder_;
  std::vector<std::uint8_t> reassembly_;
  std::map<std::uint32_t, Unreliable> unreliable_;
  std::set<std::uint32_t> unreliable_done_;
  std::deque<DatagramTransmit> transmits_;
  std::deque<TransportEvent> events_;
};

}  // namespace dclcomms::webrtc
