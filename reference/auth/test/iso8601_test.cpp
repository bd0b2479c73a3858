#include <gtest/gtest.h>

#include "auth_test_support.hpp"
#include "dclcomms/auth/auth_chain.hpp"

namespace dclcomms::auth {
namespace {

TEST(Iso8601, FormatsLikeToIsoString) {
  EXPECT_EQ(format_iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_ms(test::expiration_2030_ms), "2030-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601_ms(1'835'440'496'789), "2028-02-29T12:34:56.789Z");
  EXPECT_EQ(format_iso8601_ms(-62'167'219'200'000), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_ms(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
  // Outside 0000..9999, JS writes a sign and six year digits.
  EXPECT_EQ(format_iso8601_ms(253'402'300'800'000), "+010000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_ms(-62'167'219'200'001), "-000001-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601_ms(8'640'000'000'000'000), "+275760-09-13T00:00:00.000Z");
}

TEST(Iso8601, ParsesTheExplorerForm) {
  EXPECT_EQ(parse_iso8601_ms("2030-01-01T00:00:00.000Z"), test::expiration_2030_ms);
  EXPECT_EQ(parse_iso8601_ms("2026-09-25T13:00:19.730Z"), 1'790'341'219'730);
  EXPECT_EQ(parse_iso8601_ms("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(parse_iso8601_ms("2030-01-01T00:00:00Z"), test::expiration_2030_ms);
  EXPECT_EQ(parse_iso8601_ms("2030-01-01T00:00:00.1Z"), test::expiration_2030_ms + 100);
  EXPECT_EQ(parse_iso8601_ms("2030-01-01T00:00:00.123456789Z"), test::expiration_2030_ms + 123);
  EXPECT_EQ(parse_iso8601_ms("2028-02-29T00:00:00.000Z"), 1'835'395'200'000);
}

TEST(Iso8601, RefusesEverythingElseEvenWhereDateParseIsLenient) {
  for (const char* text : {
           "2030-01-01T00:00:00.000+00:00",  // offsets
           "2030-01-01T00:00:00.000",        // no zone: JS would read local time
           "2030-01-01",                     // date only
           "2030-01-01T00:00Z",              // no seconds
           "2030-02-29T00:00:00.000Z",       // not a leap year (V8 rolls over to March 1)
           "2030-04-31T00:00:00.000Z",
           "2030-01-01T24:00:00.000Z",       // ES allows 24:00 as the next midnight
           "2030-01-01T23:59:60.000Z",       // no leap seconds
           "+002030-01-01T00:00:00.000Z",    // expanded years
           "2030-01-01t00:00:00.000z",       // lowercase designators
           "2030-01-01 00:00:00Z",           // space separator
           "Tue, 01 Jan 2030 00:00:00 GMT",  // RFC 1123
           "2030-13-01T00:00:00.000Z",
           "2030-00-01T00:00:00.000Z",
           "2030-01-00T00:00:00.000Z",
           "2030-01-01T00:00:00.Z",
           "2030-01-01T00:00:00.0000000000Z",
           " 2030-01-01T00:00:00.000Z",
           "2030-01-01T00:00:00.000Z ",
           "2030-01-01T00:00:00.000ZZ",
           "",
           "soon",
           "2030-1-1T00:00:00.000Z",
           "2030-01-01T0a:00:00.000Z",
           "-030-01-01T00:00:00.000Z",
       }) {
    EXPECT_FALSE(parse_iso8601_ms(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace dclcomms::auth
