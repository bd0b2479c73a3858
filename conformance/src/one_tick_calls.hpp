#pragma once
// Several transport calls in one tick: connect(), send() and disconnect() issued back to back with
// nothing run in between — no simulator event, no queued task, and, through a driver, none of the
// driver's own settling (promises, its event loop). An application does this all the time (five
// sends and a disconnect on leaving a scene) and a transport that defers work behind a promise can
// lose it there; a harness that settles between calls never sees it (issue 10, part 2).
//
// In process, the calls are simply made one after the other. A driver speaking protocol 1.1 gets
// them in one `calls` request (docs/driver-protocol.md); a 1.0 driver can only get them one request
// each, and says so in the result.

#include <span>
#include <string>
#include <vector>

#include "dclcomms/conformance/case.hpp"
#include "dclcomms/transport/transport.hpp"

namespace dclcomms::conformance {

struct TransportCall {
  enum class Kind { connect, send, disconnect };
  Kind kind = Kind::send;
  transport::PacketBytes packet;   // send only
  transport::SendOptions options;  // send only

  static TransportCall connect() { return {Kind::connect, {}, {}}; }
  static TransportCall disconnect() { return {Kind::disconnect, {}, {}}; }
  static TransportCall send(transport::PacketBytes packet, transport::SendOptions options = {}) {
    return {Kind::send, std::move(packet), std::move(options)};
  }
};

struct OneTickResult {
  /// One per call, in order: what connect() and send() returned; disconnect() is always Ok.
  std::vector<transport::Status> statuses;
  /// The calls could not share one tick (a protocol-1.0 driver got one request each, settling in
  /// between). A failure seen so is still a failure; a pass proves nothing about one tick.
  bool settled_between = false;
};

/// Implemented by transports whose calls cross a boundary that would otherwise settle between them.
class OneTickCaller {
 public:
  virtual ~OneTickCaller() = default;
  virtual OneTickResult call_in_one_tick(std::span<const TransportCall> calls) = 0;
};

/// Makes `calls` on `transport` in one tick (see above).
OneTickResult call_in_one_tick(transport::Transport& transport, std::span<const TransportCall> calls);

/// Makes `calls` one after the other through the Transport interface (settled_between stays
/// false: the caller says whether anything could run in between).
OneTickResult call_one_by_one(transport::Transport& transport, std::span<const TransportCall> calls);

/// The verdict of a one-tick case whose checks all held: PASS, or UNSUPPORTED when the calls had to
/// be settled one by one, since then the race the case is about never ran.
CaseOutcome passed_in_one_tick(const OneTickResult& result, std::string detail);

}  // namespace dclcomms::conformance
