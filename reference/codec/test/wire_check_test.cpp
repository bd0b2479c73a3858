#include "dclcomms/codec/wire_check.hpp"

#include <gtest/gtest.h>

#include "dclcomms/core/hex.hpp"

namespace dclcomms::codec {
namespace {

struct BadBytes {
  const char* name;
  const char* hex;
  CodecErrorCode code;
  const char* message_part;  // the error message must say this
};

class WireCheckRejects : public ::testing::TestWithParam<BadBytes> {};

TEST_P(WireCheckRejects, WithTheRightClassAndPosition) {
  const BadBytes& c = GetParam();
  const auto bytes = *core::from_hex(c.hex);
  auto result = decode_packet(bytes);
  ASSERT_FALSE(result.ok()) << c.name;
  EXPECT_EQ(result.error().code, c.code) << c.name << ": " << result.error().message;
  EXPECT_NE(result.error().message.find(c.message_part), std::string::npos) << c.name << ": " << result.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Packet, WireCheckRejects,
    ::testing::Values(
        BadBytes{"tag_cut", "d8", CodecErrorCode::truncated, "field tag ends mid-varint (at byte 0)"},
        BadBytes{"varint_value_cut", "5880", CodecErrorCode::truncated, "field 11 value ends mid-varint"},
        BadBytes{"length_past_end", "2a05", CodecErrorCode::truncated, "declares 5 bytes but only 0 remain"},
        BadBytes{"nested_length_past_end", "2a020a05", CodecErrorCode::truncated, "(at byte 3)"},
        BadBytes{"fixed64_cut", "2a030a00110000", CodecErrorCode::truncated, "field 2 needs 8 bytes"},
        BadBytes{"fixed32_cut", "0a021d00", CodecErrorCode::truncated, "needs 4 bytes"},
        BadBytes{"varint_11_bytes", "58ffffffffffffffffffff01", CodecErrorCode::malformed_varint, "overflows 64 bits"},
        BadBytes{"field_zero", "0001", CodecErrorCode::invalid_field_number, "field number 0"},
        BadBytes{"group_start", "5b", CodecErrorCode::invalid_wire_type, "wire type 3"},
        BadBytes{"wire_type_7", "5f", CodecErrorCode::invalid_wire_type, "wire type 7"},
        BadBytes{"chat_as_varint", "2801", CodecErrorCode::wrong_wire_type, "decentraland.kernel.comms.rfc4.Packet.chat"},
        BadBytes{"protocol_version_as_len", "5a00", CodecErrorCode::wrong_wire_type, "arrived as length-delimited, expected varint"},
        BadBytes{"float_as_varint", "0a021801", CodecErrorCode::wrong_wire_type, "Position.position_x"},
        BadBytes{"chat_message_bad_utf8", "2a030a01ff", CodecErrorCode::invalid_utf8, "Chat.message) is not valid UTF-8 (at byte 4)"},
        BadBytes{"overlong_utf8", "2a040a02c0af", CodecErrorCode::invalid_utf8, "Chat.message"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(WireCheck, AllowsUnknownFieldsOfEveryWireType) {
  // field 16 varint, 17 fixed64, 18 LEN, 19 fixed32 — none is in the schema.
  const auto bytes = *core::from_hex(
      "8001"
      "01"
      "8901"
      "0102030405060708"
      "9201"
      "00"
      "9d01"
      "01020304");
  EXPECT_FALSE(check_wire(bytes, *Packet::descriptor()).has_value());
  EXPECT_TRUE(decode_packet(bytes).ok());
}

TEST(WireCheck, DoesNotLookInsideUnknownLengthDelimitedFields) {
  // Unknown field 100 holding bytes that are not a valid message.
  const auto bytes = *core::from_hex("a20602ffff");
  EXPECT_FALSE(check_wire(bytes, *Packet::descriptor()).has_value());
}

TEST(WireCheck, ChecksWsPacketsAndTheirMapEntries) {
  // WsWelcome{alias 1, peer_identities{1: "\xff"}}: invalid UTF-8 inside a map value.
  const auto bytes = *core::from_hex(
      "0a0708011203"
      "1201ff");
  auto result = decode_ws_packet(bytes);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, CodecErrorCode::invalid_utf8);
}

TEST(WireCheck, BytesFieldsMayHoldAnything) {
  // Scene{data: ff fe}
  const auto bytes = *core::from_hex(
      "3204"
      "1202fffe");
  EXPECT_TRUE(decode_packet(bytes).ok());
}

}  // namespace
}  // namespace dclcomms::codec
