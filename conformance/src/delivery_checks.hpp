#pragma once
// What "delivered right" means, checked the same way by every case that sends numbered packets
// (the ws-room fault cases in the simulator, the wire cases on real sockets), and what must become
// of a send made after the session ended (every case that ends a session and then sends).

#include <optional>
#include <string>
#include <vector>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/transport/transport.hpp"

namespace dclcomms::conformance {

/// Reliable delivery: `got` must be exactly `sent`, in order, from `sender` — or, when a disconnect
/// was reported, a prefix of it (what was in flight may be lost, but never reordered, duplicated or
/// altered). Returns the failure, named from `where`'s point of view, if any.
std::optional<std::string> check_reliable(const std::vector<codec::Bytes>& sent, const std::vector<transport::MessageReceived>& got,
                                          const std::string& sender, bool disconnect_reported, const std::string& where);

/// Unreliable delivery: any in-order subset of `sent`, never a duplicate or an altered packet.
std::optional<std::string> check_unreliable(const std::vector<codec::Bytes>& sent, const std::vector<transport::MessageReceived>& got,
                                            const std::string& where);

/// A send made after the transport reported Disconnected: refused or dropped — delivered never
/// (and crashing never: a crash ends the case with an exception or a dead driver). `status` is what
/// send() returned; `copies_delivered` how many copies of that packet reached anyone (the peer, the
/// server) in the time the case then gave them. The reference interface's send() returns nothing
/// (spec §1.2) and the explorer's ws-room adapter drops such a send with a log, so a silent drop
/// passes; `refusal_required` (Capabilities::typed_send_refusals) tightens it to a refusal.
std::optional<std::string> check_send_after_disconnect(const transport::Status& status, std::size_t copies_delivered,
                                                       bool refusal_required);

/// A send made before Connected (in the tick of connect()). connect() resolves "when the adapter
/// can send" (spec §1.2), so what is sent earlier is outside the contract: refused, or queued and
/// delivered once, are both right; accepted and lost is right only without typed_send_refusals
/// (`refusal_or_delivery_required`), as for a send after the end. Delivered twice, or delivered
/// after a refusal, never. Returns the problem, or nothing and `how` says what happened.
std::optional<std::string> check_send_before_connected(const transport::Status& status, std::size_t copies_delivered,
                                                       bool refusal_or_delivery_required, std::string& how);

/// The application's own disconnect() (or connect() then disconnect()): over what the case gave it
/// to settle, exactly one Disconnected, not a kick, and no event of any kind after it (spec §1.2:
/// DISCONNECTION is the end of our own connection). Returns the problem, if any.
std::optional<std::string> check_ended_once(const std::vector<transport::TransportEvent>& events, const std::string& after_what);

}  // namespace dclcomms::conformance
