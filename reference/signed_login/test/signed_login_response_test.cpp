#include "dclcomms/signed_login/signed_login_response.hpp"

#include <gtest/gtest.h>

namespace dclcomms::signed_login {
namespace {

transport::HttpResult answer(unsigned status, std::string body, transport::HttpHeaders headers = {}) {
  transport::HttpResult result;
  result.status = status;
  result.body = std::move(body);
  result.headers = std::move(headers);
  return result;
}

TEST(SignedLoginResponse, FixedAdapterOrAdapterIsTheNextConnectionString) {
  EXPECT_EQ(read_signed_login_response(answer(200, R"({"fixedAdapter":"ws-room:wss://comms.example.com/rooms/17"})")).value(),
            "ws-room:wss://comms.example.com/rooms/17");
  EXPECT_EQ(read_signed_login_response(answer(200, R"({"adapter":"livekit:wss://x?access_token=t"})")).value(),
            "livekit:wss://x?access_token=t");
}

struct Denial {
  unsigned status;
  const char* body;
  SignedLoginErrorCode code;
  const char* says;
};

class SignedLoginDenials : public ::testing::TestWithParam<Denial> {};

TEST_P(SignedLoginDenials, CarryTheServersText) {
  const Denial& d = GetParam();
  transport::HttpHeaders headers;
  if (d.status == 429) headers.emplace_back("retry-after", "30");
  if (d.status == 302) headers.emplace_back("location", "https://elsewhere.example/");
  const auto result = read_signed_login_response(answer(d.status, d.body, headers));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, d.code);
  EXPECT_EQ(result.error().status, d.status);
  EXPECT_NE(result.error().message.find(d.says), std::string::npos) << result.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SignedLoginDenials,
    ::testing::Values(Denial{401, R"({"error":"Not allowed"})", SignedLoginErrorCode::denied, "HTTP 401: Not allowed"},
                      Denial{400,
                             R"({"error":"Invalid Auth Chain","message":"This endpoint requires a signed fetch request. See ADR-44."})",
                             SignedLoginErrorCode::denied, "Invalid Auth Chain: This endpoint requires"},
                      Denial{403, R"({"message":"Wrong shared secret"})", SignedLoginErrorCode::denied, "Wrong shared secret"},
                      Denial{404, "no such world", SignedLoginErrorCode::denied, "HTTP 404: no such world"},
                      Denial{429, R"({"error":"Too many attempts"})", SignedLoginErrorCode::rate_limited, "retry after 30 s"},
                      Denial{503, R"({"error":"World is at capacity"})", SignedLoginErrorCode::unavailable, "World is at capacity"},
                      Denial{302, "", SignedLoginErrorCode::redirect, "https://elsewhere.example/"},
                      Denial{200, "not json", SignedLoginErrorCode::bad_response, "not a JSON object"},
                      Denial{200, R"({"other":1})", SignedLoginErrorCode::bad_response, "neither 'fixedAdapter' nor 'adapter'"},
                      Denial{200, R"({"fixedAdapter":7})", SignedLoginErrorCode::bad_response, "not a string"},
                      Denial{200, R"({"message":"banned"})", SignedLoginErrorCode::denied, "banned"},
                      Denial{200, R"({"fixedAdapter":"signed-login:https://a.example/x"})", SignedLoginErrorCode::recursion, "recurse"}));

TEST(SignedLoginResponse, RetryAfterIsParsed) {
  const auto result = read_signed_login_response(answer(429, "{}", {{"retry-after", "12"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().retry_after_s, 12u);
}

}  // namespace
}  // namespace dclcomms::signed_login
