// Properties of the codec over arbitrary values and arbitrary bytes (RapidCheck).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "dclcomms/codec/arbitrary_messages.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"

namespace dclcomms::codec {
namespace {

using testing::same_value;

template <class Message>
void check_round_trip(const Message& value) {
  const Bytes bytes = encode_message(value);
  Message decoded;
  const auto status = decode_message(bytes, DecodeLimits{bytes.size()}, decoded);
  RC_ASSERT(status.ok());
  RC_ASSERT(same_value(value, decoded));
  RC_ASSERT(encode_message(decoded) == bytes);
}

RC_GTEST_PROP(CodecProperties, PacketRoundTrips, (const Packet& packet)) { check_round_trip(packet); }

RC_GTEST_PROP(CodecProperties, WsPacketRoundTrips, (const WsPacket& packet)) { check_round_trip(packet); }

RC_GTEST_PROP(CodecProperties, EncodingIsDeterministic, (const WsPacket& packet)) {
  // A copy rebuilt field by field (map entries inserted in reverse) encodes to the same bytes.
  WsPacket rebuilt = packet;
  if (packet.has_welcome_message()) {
    auto& peers = *rebuilt.mutable_welcome_message()->mutable_peer_identities();
    peers.clear();
    std::vector<std::pair<std::uint32_t, std::string>> entries(packet.welcome_message().peer_identities().begin(),
                                                               packet.welcome_message().peer_identities().end());
    std::sort(entries.rbegin(), entries.rend());
    for (const auto& [k, v] : entries) peers[k] = v;
  }
  RC_ASSERT(encode_message(packet) == encode_message(rebuilt));
  RC_ASSERT(encode_message(packet) == encode_message(packet));
}

RC_GTEST_PROP(CodecProperties, ArbitraryBytesGiveAValueOrATypedError, (const std::vector<std::uint8_t>& bytes)) {
  auto packet = decode_packet(bytes);
  if (!packet.ok()) {
    RC_ASSERT(!packet.error().message.empty());
  } else {
    // Anything accepted re-encodes to bytes that decode to the same value.
    const Bytes again = encode_packet(*packet);
    auto second = decode_packet(again, DecodeLimits{again.size()});
    RC_ASSERT(second.ok());
    RC_ASSERT(same_value(*packet, *second));
  }
  // (RC_ASSERT decomposes its expression and would evaluate both sides of ||: test with if.)
  auto ws = decode_ws_packet(bytes);
  if (!ws.ok()) RC_ASSERT(!ws.error().message.empty());
}

RC_GTEST_PROP(CodecProperties, MutatedValidPacketsNeverCrash, (const Packet& packet)) {
  Bytes bytes = encode_packet(packet);
  if (bytes.empty()) return;
  const auto index = *rc::gen::inRange<std::size_t>(0, bytes.size());
  bytes[index] ^= *rc::gen::inRange<std::uint8_t>(1, 255);
  const auto cut = *rc::gen::inRange<std::size_t>(0, bytes.size() + 1);
  bytes.resize(cut);
  auto result = decode_packet(bytes, DecodeLimits{bytes.size()});
  if (!result.ok()) RC_ASSERT(!result.error().message.empty());
}

RC_GTEST_PROP(CodecProperties, UnknownFieldsReEncodeByteIdentically, (const Packet& packet)) {
  // Append unknown fields (numbers 16..1000, never in the schema) after a canonical encoding.
  Bytes bytes = encode_packet(packet);
  const auto count = *rc::gen::inRange(1, 5);
  for (int i = 0; i < count; ++i) {
    const auto number = *rc::gen::inRange<std::uint32_t>(16, 1000);
    const std::uint64_t tag = (std::uint64_t{number} << 3) | 0;  // varint field
    for (std::uint64_t v = tag;; v >>= 7) {
      bytes.push_back(static_cast<std::uint8_t>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
      if (v < 0x80) break;
    }
    bytes.push_back(*rc::gen::inRange<std::uint8_t>(0, 0x80));
  }
  auto decoded = decode_packet(bytes, DecodeLimits{bytes.size()});
  RC_ASSERT(decoded.ok());
  RC_ASSERT(encode_packet(*decoded) == bytes);
}

RC_GTEST_PROP(CodecProperties, JsonRoundTripsTheValue, (const Packet& packet)) {
  Packet parsed;
  const auto status = from_json(to_json(packet), parsed);
  RC_ASSERT(status.ok());
  // -0.0 and +0.0 print alike in JSON; compare bytes of values without signed zeros via same_value.
  RC_ASSERT(same_value(packet, parsed));
}

}  // namespace
}  // namespace dclcomms::codec
