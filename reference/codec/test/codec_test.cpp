#include "dclcomms/codec/codec.hpp"

#include <gtest/gtest.h>

#include "dclcomms/core/hex.hpp"

namespace dclcomms::codec {
namespace {

Bytes hex(std::string_view text) { return *core::from_hex(text); }

TEST(Codec, EncodesTheSpecChatExampleExactly) {
  // spec §8.1: Packet{chat{"hi", 1700000000.5}, protocol_version=100}
  Packet packet;
  packet.mutable_chat()->set_message("hi");
  packet.mutable_chat()->set_timestamp(1700000000.5);
  packet.set_protocol_version(100);
  EXPECT_EQ(core::to_hex(encode_packet(packet)), "2a0d0a0268691100002040fc54d9415864");
}

TEST(Codec, DecodesTheSpecChatExample) {
  auto packet = decode_packet(hex("2a0d0a0268691100002040fc54d9415864"));
  ASSERT_TRUE(packet.ok()) << packet.error().message;
  EXPECT_EQ(packet->chat().message(), "hi");
  EXPECT_EQ(packet->chat().timestamp(), 1700000000.5);
  EXPECT_EQ(packet->protocol_version(), 100u);
}

TEST(Codec, EncodesTheSpecWsWelcomeExample) {
  WsPacket packet;
  packet.mutable_welcome_message()->set_alias(7);
  (*packet.mutable_welcome_message()->mutable_peer_identities())[3] = "0x1234567890abcdef1234567890abcdef12345678";
  EXPECT_EQ(core::to_hex(encode_ws_packet(packet)),
            "0a320807122e0803122a307831323334353637383930616263646566313233343536373839306162636465"
            "663132333435363738");
}

TEST(Codec, MapEntriesAreEncodedInKeyOrderWhateverTheInsertionOrder) {
  WsPacket up, down;
  for (std::uint32_t k = 1; k <= 50; ++k) (*up.mutable_welcome_message()->mutable_peer_identities())[k] = "a";
  for (std::uint32_t k = 50; k >= 1; --k) (*down.mutable_welcome_message()->mutable_peer_identities())[k] = "a";
  EXPECT_EQ(encode_ws_packet(up), encode_ws_packet(down));
}

TEST(Codec, UnknownFieldsSurviveARoundTripByteForByte) {
  // Position{index=1} + protocol_version=100 + unknown field 16 (varint 5) + 100 (LEN "ab")
  const Bytes bytes =
      hex("0a020801"
          "5864"
          "8001"
          "05"
          "a206"
          "026162");
  auto packet = decode_packet(bytes);
  ASSERT_TRUE(packet.ok()) << packet.error().message;
  EXPECT_EQ(packet->position().index(), 1u);
  EXPECT_EQ(encode_packet(*packet), bytes);
}

TEST(Codec, EmptyInputIsTheEmptyPacket) {
  auto packet = decode_packet({});
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->message_case(), Packet::MESSAGE_NOT_SET);
  EXPECT_TRUE(encode_packet(*packet).empty());
}

TEST(Codec, SizeLimitIsInclusiveAndConfigurable) {
  Packet packet;
  packet.mutable_scene()->set_data(std::string(65535 - 8, 'x'));  // tag+len(3) + tag+len(3) + data
  const Bytes bytes = encode_packet(packet);
  ASSERT_EQ(bytes.size(), 65535u);
  EXPECT_TRUE(decode_packet(bytes).ok());

  packet.mutable_scene()->mutable_data()->push_back('x');
  const Bytes over = encode_packet(packet);
  ASSERT_EQ(over.size(), 65536u);
  auto result = decode_packet(over);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, CodecErrorCode::oversized);
  EXPECT_NE(result.error().message.find("65536 bytes exceed the limit of 65535"), std::string::npos);
  EXPECT_TRUE(decode_packet(over, DecodeLimits{70000}).ok());
}

TEST(Codec, ErrorsLeaveNoPartialValue) {
  Packet packet;
  packet.set_protocol_version(7);
  auto status = decode_message(hex("2a05"), DecodeLimits{100}, packet);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(packet.protocol_version(), 0u);
}

}  // namespace
}  // namespace dclcomms::codec
