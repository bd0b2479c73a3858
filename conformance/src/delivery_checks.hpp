#pragma once
// What "delivered right" means, checked the same way by every case that sends numbered packets
// (the ws-room fault cases in the simulator, the wire cases on real sockets).

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

}  // namespace dclcomms::conformance
