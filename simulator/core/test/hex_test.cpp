#include "dclcomms/core/hex.hpp"

#include <gtest/gtest.h>

namespace dclcomms::core {
namespace {

TEST(Hex, EncodesLowercase) {
  const std::vector<std::uint8_t> bytes{0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(bytes), "000fa0ff");
  EXPECT_EQ(to_hex({}), "");
}

TEST(Hex, DecodesWithPrefixCaseAndSpaces) {
  EXPECT_EQ(from_hex("0x0Fa0 FF\n"), (std::vector<std::uint8_t>{0x0f, 0xa0, 0xff}));
  EXPECT_EQ(from_hex(""), std::vector<std::uint8_t>{});
}

TEST(Hex, RejectsOddLengthBadDigitsAndSplitPairs) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
  EXPECT_FALSE(from_hex("a b").has_value());
  EXPECT_FALSE(from_hex("0x").has_value() && !from_hex("0x")->empty());
}

}  // namespace
}  // namespace dclcomms::core
