#include "dclcomms/core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dclcomms::core {
namespace {

TEST(Utf8, AcceptsValidText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x9a\x80"));  // héllo 世界 🚀
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));                                        // U+10FFFF
}

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_EQ(find_invalid_utf8("ab\x80"), 2u);            // lone continuation byte
  EXPECT_EQ(find_invalid_utf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("x\xe0\x80\xaf"), 1u);     // overlong 3-byte
  EXPECT_EQ(find_invalid_utf8("\xed\xa0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ok\xe4\xb8"), 2u);        // truncated sequence
  EXPECT_EQ(find_invalid_utf8("\xff"), 0u);
  EXPECT_EQ(find_invalid_utf8(std::string("a\0b", 3)), std::nullopt);  // NUL is valid UTF-8
}

TEST(Utf8, ReplacesInvalidBytes) {
  EXPECT_EQ(to_valid_utf8("a\xff"
                          "b\xe4\xb8"),
            "a\xef\xbf\xbd"
            "b\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(to_valid_utf8("\xe4\xb8\x96"), "\xe4\xb8\x96");
}

}  // namespace
}  // namespace dclcomms::core
