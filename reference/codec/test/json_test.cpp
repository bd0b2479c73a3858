#include "dclcomms/codec/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "dclcomms/codec/messages.hpp"

namespace dclcomms::codec {
namespace {

TEST(Json, PrintsTheStandardMappingInFieldNumberOrder) {
  Packet packet;
  packet.mutable_movement_compressed()->set_movement_data(std::numeric_limits<std::int64_t>::max());
  packet.mutable_movement_compressed()->set_temporal_data(-1);
  packet.set_protocol_version(100);
  EXPECT_EQ(to_json(packet), R"({"protocolVersion":100,)"
                             R"("movementCompressed":{"temporalData":-1,"movementData":"9223372036854775807"}})");
}

TEST(Json, PrintsSpecialFloatsBytesAndEnums) {
  Packet packet;
  packet.mutable_position()->set_position_x(std::numeric_limits<float>::quiet_NaN());
  packet.mutable_position()->set_position_y(-std::numeric_limits<float>::infinity());
  EXPECT_EQ(to_json(packet), R"({"position":{"positionX":"NaN","positionY":"-Infinity"}})");
  Packet voice;
  voice.mutable_voice()->set_encoded_samples("\x01\x02\x03");
  EXPECT_EQ(to_json(voice), R"({"voice":{"encodedSamples":"AQID"}})");
  Packet movement;
  movement.mutable_movement()->set_glide_state(rfc4::Movement::GLIDING);
  EXPECT_EQ(to_json(movement), R"({"movement":{"glideState":"GLIDING"}})");
}

TEST(Json, MapKeysPrintInKeyOrder) {
  WsPacket packet;
  auto& peers = *packet.mutable_welcome_message()->mutable_peer_identities();
  for (std::uint32_t k : {30u, 2u, 1000u, 7u}) peers[k] = "0x" + std::to_string(k);
  EXPECT_EQ(to_json(packet), R"({"welcomeMessage":{"peerIdentities":{"2":"0x2","7":"0x7","30":"0x30","1000":"0x1000"}}})");
}

TEST(Json, ParsesBackAndAcceptsSnakeCaseNames) {
  Packet packet;
  ASSERT_TRUE(from_json(R"({"chat":{"message":"hi","timestamp":1700000000.5},"protocol_version":100})", packet).ok());
  EXPECT_EQ(packet.chat().message(), "hi");
  EXPECT_EQ(packet.protocol_version(), 100u);
}

TEST(Json, KeepsTheSignOfNegativeZero) {
  Packet packet;
  ASSERT_TRUE(from_json(R"({"position":{"rotationW":-0,"positionX":-0.0}})", packet).ok());
  EXPECT_TRUE(std::signbit(packet.position().rotation_w()));
  EXPECT_TRUE(std::signbit(packet.position().position_x()));
  Packet text;
  ASSERT_TRUE(from_json(R"({"chat":{"message":"-0"}})", text).ok());
  EXPECT_EQ(text.chat().message(), "-0") << "strings are left alone";
  ASSERT_TRUE(from_json(R"({"chat":{"message":"a\"-0"}})", text).ok());
  EXPECT_EQ(text.chat().message(), "a\"-0");
}

TEST(Json, RejectsUnknownKeysBadTypesAndBadText) {
  Packet packet;
  for (const char* bad :
       {R"({"nope":1})", R"({"chat":{"message":5}})", "{", "[]", R"({"position":{"index":-1}})", R"({"chat":{},"position":{}})"}) {
    auto status = from_json(bad, packet);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.error().code, CodecErrorCode::invalid_json) << bad;
    EXPECT_NE(status.error().message.find("decentraland.kernel.comms.rfc4.Packet"), std::string::npos);
  }
}

}  // namespace
}  // namespace dclcomms::codec
