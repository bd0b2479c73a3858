#pragma once
// The client-side transport interface (spec §1): one object per connection string that connects,
// sends RFC-4 Packet bytes to peers and reports what happens as events.
//
// Threading and time: a transport lives on one core::Runtime and is only touched from that
// runtime's thread. Methods never block; outcomes arrive as events, delivered from the runtime's
// loop (never re-entrantly from inside a method call). The same transport code therefore runs on
// the Asio runtime in production and on a virtual clock in tests and in the simulator.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dclcomms/core/result.hpp"

namespace dclcomms::transport {

/// Bytes of one bare RFC-4 Packet, exactly as they cross the transport interface.
using PacketBytes = std::vector<std::uint8_t>;

enum class Reliability : std::uint8_t { reliable, unreliable };

/// How to send one packet. `targets` empty = broadcast to every peer; otherwise only these
/// identities (lowercase 0x addresses); transports without targeted sends report `unsupported`.
struct SendOptions {
  Reliability reliability = Reliability::reliable;
  std::vector<std::string> targets;
};

enum class TransportErrorCode : std::uint8_t {
  not_connected,      // send before connect finished, or after disconnect
  already_connected,  // connect called twice
  packet_too_large,   // over the transport's payload limit; nothing was sent
  unsupported,        // e.g. targeted sends on a transport that cannot do them
  protocol_error,     // the other side broke the protocol
  io_error,           // the carrier failed (socket, TLS, DNS)
  timeout,            // a handshake step or request took too long
  denied,             // the service refused us (bad signature, full room, HTTP 4xx)
};
std::string_view to_string(TransportErrorCode code);

using TransportError = core::Error<TransportErrorCode>;
using Status = core::Result<core::Ok, TransportError>;

// ---- Events ------------------------------------------------------------------------------------

/// connect() finished: we can send and receive. `peers` = addresses already present (may be empty).
struct Connected {
  std::vector<std::string> peers;
};
/// A packet from a peer. `sender` is the peer's address as the transport resolved it.
struct MessageReceived {
  std::string sender;
  PacketBytes packet;
};
struct PeerJoined {
  std::string address;
};
struct PeerLeft {
  std::string address;
};
/// Our own connection ended (or never started). `kicked` = the service told us not to reconnect
/// (typically: the same identity logged in elsewhere).
struct Disconnected {
  std::string reason;
  bool kicked = false;
};
/// Something went wrong that did not end the connection.
struct ErrorReported {
  TransportError error;
};

using TransportEvent = std::variant<Connected, MessageReceived, PeerJoined, PeerLeft, Disconnected, ErrorReported>;
using EventHandler = std::function<void(const TransportEvent&)>;

/// Name of the event kind: "connected", "message", "peer_joined", "peer_left", "disconnected",
/// "error" (the names the CLI and the conformance driver protocol print).
std::string_view event_name(const TransportEvent& event);

class Transport {
 public:
  virtual ~Transport() = default;

  /// The URI type this transport serves, e.g. "ws-room".
  virtual std::string_view type() const = 0;

  /// Where events go. Set before connect(); replacing it later is allowed.
  void set_event_handler(EventHandler handler) { handler_ = std::move(handler); }

  /// Starts connecting. Exactly one of Connected or Disconnected follows as an event.
  virtual Status connect() = 0;

  /// Closes the connection; a Disconnected event follows unless one was already delivered.
  virtual void disconnect() = 0;

  /// Sends one RFC-4 Packet. Errors are returned at once and lose nothing else.
  virtual Status send(std::span<const std::uint8_t> packet, const SendOptions& options) = 0;

 protected:
  void emit(const TransportEvent& event) {
    if (handler_) handler_(event);
  }

 private:
  EventHandler handler_;
};

using TransportPtr = std::unique_ptr<Transport>;

}  // namespace dclcomms::transport
