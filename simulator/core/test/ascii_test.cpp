#include "dclcomms/core/ascii.hpp"

#include <gtest/gtest.h>

namespace dclcomms::core {
namespace {

TEST(Ascii, LowercasesOnlyAsciiLetters) {
  EXPECT_EQ(to_lower_ascii("0xAbCdEF-Z\xc3\x89"), "0xabcdef-z\xc3\x89");  // É (UTF-8) untouched
}

TEST(Ascii, HexDigitValues) {
  EXPECT_EQ(hex_digit_value('0'), 0);
  EXPECT_EQ(hex_digit_value('a'), 10);
  EXPECT_EQ(hex_digit_value('F'), 15);
  EXPECT_EQ(hex_digit_value('g'), -1);
}

TEST(Ascii, QuotePrintableEscapesAndCuts) {
  EXPECT_EQ(quote_printable("ab\ncd\x7f\xc3\xa9", 80), "'ab\\x0Acd\\x7F\\xC3\\xA9'");
  EXPECT_EQ(quote_printable("abcdef", 3), "'abc...'");
  EXPECT_EQ(quote_printable("", 3), "''");
}

}  // namespace
}  // namespace dclcomms::core
