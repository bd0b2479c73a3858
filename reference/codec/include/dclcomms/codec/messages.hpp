#pragma once
// The generated RFC-4 / RFC-5 message classes under short names. Everything else in dclcomms refers
// to these aliases, never to the generated namespaces directly.

#include "decentraland/kernel/comms/rfc4/comms.pb.h"
#include "decentraland/kernel/comms/rfc5/ws_comms.pb.h"

namespace dclcomms::codec {

namespace rfc4 = ::decentraland::kernel::comms::rfc4;
namespace rfc5 = ::decentraland::kernel::comms::rfc5;

using Packet = rfc4::Packet;      // RFC-4: the bare message every transport carries
using WsPacket = rfc5::WsPacket;  // RFC-5: one ws-room websocket frame

/// Which top-level schema a buffer is meant to be.
enum class Schema : std::uint8_t { rfc4, rfc5 };

}  // namespace dclcomms::codec
