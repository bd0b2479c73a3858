#pragma once
// RapidCheck generators for arbitrary RFC-4 Packets and RFC-5 WsPackets, driven by the schema's
// descriptors so that new fields are covered without touching the tests. Floats include NaN, ±inf
// and -0.0; strings are valid UTF-8 with multi-byte code points; map keys are unique.

#include <rapidcheck.h>

#include <google/protobuf/message.h>

#include "dclcomms/codec/messages.hpp"

namespace dclcomms::codec::testing {

/// Fills `message` with arbitrary values, drawing from the RapidCheck generators inside a property.
void fill_arbitrary(google::protobuf::Message& message);

/// Value equality in which NaN equals NaN and map order does not matter.
bool same_value(const google::protobuf::Message& a, const google::protobuf::Message& b);

}  // namespace dclcomms::codec::testing

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
