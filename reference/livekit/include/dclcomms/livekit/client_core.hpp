#pragma once
// LivekitClientCore: one participant's side of a LiveKit session as a pure state machine — the
// join handshake and its timeout, the signal-channel ping and its timeout, lossy fragmentation and
// reassembly, and the decoding of everything the SFU sends. Bytes, fragments and timer expiries go
// in; signal frames and lossy datagrams to send, the next deadline and SDK-level events come out.
// It never touches a stream, a datagram socket or a clock, so the same core runs on the simulated
// carrier (carriers::SimLivekitNetwork) today and on a real signalling/data-channel carrier later.
// The wire it speaks is livekit_wire.hpp.
//
// Drain order after every input or command: poll_transmit() until empty, then poll_timeout(), then
// poll_event() until empty.
//
//   idle --join--> joining --Welcome--> joined
//   joining --Rejected / join timeout / connect failed--> closed(join_failure)
//   any --Closed frame / undecodable frame / signal lost / ping timeout / leave()--> closed
//   (terminal: the core ignores every input after it; no reconnect here)

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "dclcomms/core/time.hpp"
#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/livekit/livekit_wire.hpp"

namespace dclcomms::livekit {

struct ClientCoreConfig {
  /// No Welcome by then: the join fails (livekit-client's default websocket timeout is 15 s).
  core::Duration join_timeout = std::chrono::seconds(15);
  /// Once joined, a Ping goes to the SFU every ping_interval; hearing nothing from it (no frame,
  /// no pong, no lossy data) for ping_timeout ends the session with connection_lost. LiveKit's
  /// SDKs do the same on the signal channel with the interval and timeout its join response
  /// announces.
  core::Duration ping_interval = std::chrono::seconds(5);
  core::Duration ping_timeout = std::chrono::seconds(15);
  std::size_t lossy_chunk_bytes = wire::lossy_chunk_bytes_default;
  /// Bounds on what waits for the carrier; past them publish() drops the packet (counted), as a
  /// congested data channel would, and signalling is never dropped.
  std::size_t outbound_datagrams_max = 4096;
};

/// What the carrier sends: a frame on the ordered reliable signal stream, or one lossy datagram.
struct SignalFrame {
  wire::Bytes bytes;
};
struct LossyDatagram {
  wire::Bytes bytes;
};
using ClientTransmit = std::variant<SignalFrame, LossyDatagram>;

/// Events, one per LiveKit SDK callback (a transport maps them onto transport::TransportEvent).
struct Joined {
  std::uint64_t session = 0;  // the SFU's id for this session: lossy datagrams carry it
  std::string identity;
  std::vector<std::string> participants;  // the others present, in the order they joined
};
struct ParticipantConnected {
  std::string identity;
};
struct ParticipantDisconnected {
  std::string identity;
};
struct DataReceived {
  std::string sender;  // empty: data from the server itself
  wire::Bytes payload;
  DataKind kind;
};
struct SessionClosed {
  DisconnectReason reason;
  std::string detail;
};
using ClientEvent = std::variant<Joined, ParticipantConnected, ParticipantDisconnected, DataReceived, SessionClosed>;

enum class ClientState : std::uint8_t { idle, joining, joined, closed };

struct ClientCoreStats {
  std::uint64_t frames_received = 0;
  std::uint64_t fragments_received = 0;
  std::uint64_t lossy_duplicates = 0;   // fragments the reassembler had seen (SCTP drops them too)
  std::uint64_t lossy_not_data = 0;     // a reassembled lossy message that is not a DataDown frame
  std::uint64_t publishes_ignored = 0;  // publish() before joined, after closed, or oversize
  std::uint64_t lossy_dropped_queue_full = 0;
};

class LivekitClientCore {
 public:
  explicit LivekitClientCore(ClientCoreConfig config = {});

  // ---- commands from the application -----------------------------------------------------------
  /// Sends the join with `token` (the carrier has opened the signal stream) and arms the join
  /// timeout. Once only.
  void join(const std::string& token, core::TimePoint now);
  /// One data packet to `destinations` (empty: everyone else). Ignored (counted) unless joined and
  /// within data_payload_bytes_max — the transport checks both first and says why.
  void publish(std::span<const std::uint8_t> payload, DataKind kind, const std::vector<std::string>& destinations, core::TimePoint now);
  /// Leaves: a Leave frame (when a join was sent), then SessionClosed{client_initiated}.
  void leave(core::TimePoint now);

  // ---- inputs from the carrier -----------------------------------------------------------------
  /// The carrier could not open the signal stream (no such host, refused): SessionClosed{join_failure}.
  void handle_connect_failed(std::string detail, core::TimePoint now);
  /// One whole frame from the signal stream.
  void handle_signal_frame(std::span<const std::uint8_t> frame, core::TimePoint now);
  /// One lossy datagram addressed to this session (already checked and routed by the carrier).
  void handle_lossy_fragment(wire::LossyFragment fragment, core::TimePoint now);
  /// The signal stream broke (reset, crash, a write failed): SessionClosed{connection_lost, detail}.
  void handle_signal_lost(std::string detail, core::TimePoint now);
  /// Early or repeated calls are no-ops.
  void handle_timeout(core::TimePoint now);

  // ---- outputs ---------------------------------------------------------------------------------
  std::optional<ClientTransmit> poll_transmit();
  std::optional<core::TimePoint> poll_timeout() const;
  std::optional<ClientEvent> poll_event();
  std::size_t events_queued() const { return events_.size(); }

  ClientState state() const { return state_; }
  /// Set by the Welcome; the carrier routes this session's lossy datagrams by it.
  std::optional<std::uint64_t> session() const { return session_; }
  const ClientCoreStats& stats() const { return stats_; }

 private:
  void on_server_frame(wire::ServerFrame& frame, core::TimePoint now);
  void send_signal(const wire::ClientFrame& frame);
  void close(DisconnectReason reason, std::string detail);

  ClientCoreConfig config_;
  ClientState state_ = ClientState::idle;
  std::optional<std::uint64_t> session_;
  std::optional<core::TimePoint> join_deadline_;
  std::optional<core::TimePoint> next_ping_;
  core::TimePoint last_heard_{};  // the last frame or lossy fragment from the SFU
  std::uint64_t next_lossy_sequence_ = 1;
  wire::LossyReassembler lossy_;
  std::deque<ClientTransmit> transmits_;
  std::size_t queued_datagrams_ = 0;
  std::deque<ClientEvent> events_;
  ClientCoreStats stats_;
};

}  // namespace dclcomms::livekit
