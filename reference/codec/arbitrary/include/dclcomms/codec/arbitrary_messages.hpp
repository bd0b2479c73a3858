#pragma once
// RapidCheck generators for arbitrary RFC-4 Packets and RFC-5 WsPackets, driven by the schema's
// descriptors so that new fields are covered without touching the tests. Floats include NaN, ±inf
// and -0.0; strings are valid UTF-8 with multi-byte code points; map keys are unique.

#include <rapidcheck.h>

#include <google/protobuf/message.h>

#include <ostream>

#include "dclcomms/codec/messages.hpp"

namespace dclcomms::codec::testing {

/// Fills `message` with arbitrary values, drawing from the RapidCheck generators inside a property.
void fill_arbitrary(google::protobuf::Message& message);

/// Value equality in which NaN equals NaN and map order does not matter.
bool same_value(const google::protobuf::Message& a, const google::protobuf::Message& b);

/// Rewrites every -0.0 float/double field to +0.0 (which proto3 then treats as unset), for
/// comparisons under JavaScript's numeric equality, where -0 === 0.
void clear_signed_zeros(google::protobuf::Message& message);

}  // namespace dclcomms::codec::testing

// How RapidCheck prints a counterexample (found by argument-dependent lookup).
namespace decentraland::kernel::comms::rfc4 {
inline void showValue(const Packet& packet, std::ostream& os) { os << packet.ShortDebugString(); }
}  // namespace decentraland::kernel::comms::rfc4
namespace decentraland::kernel::comms::rfc5 {
inline void showValue(const WsPacket& packet, std::ostream& os) { os << packet.ShortDebugString(); }
}  // namespace decentraland::kernel::comms::rfc5

namespace rc {
template <>
struct Arbitrary<dclcomms::codec::Packet> {
  static Gen<dclcomms::codec::Packet> arbitrary() {
    return gen::exec([] {
      dclcomms::codec::Packet packet;
      dclcomms::codec::testing::fill_arbitrary(packet);
      return packet;
    });
  }
};
template <>
struct Arbitrary<dclcomms::codec::WsPacket> {
  static Gen<dclcomms::codec::WsPacket> arbitrary() {
    return gen::exec([] {
      dclcomms::codec::WsPacket packet;
      dclcomms::codec::testing::fill_arbitrary(packet);
      return packet;
    });
  }
};
}  // namespace rc
