#include "dclcomms/signed_login/signed_login_response.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace dclcomms::signed_login {

std::string_view to_string(SignedLoginErrorCode code) {
  switch (code) {
    case SignedLoginErrorCode::denied: return "denied";
    case SignedLoginErrorCode::rate_limited: return "rate_limited";
    case SignedLoginErrorCode::unavailable: return "unavailable";
    case SignedLoginErrorCode::redirect: return "redirect";
    case SignedLoginErrorCode::bad_response: return "bad_response";
    case SignedLoginErrorCode::recursion: return "recursion";
    case SignedLoginErrorCode::transport: return "transport";
  }
  return "unknown";
}

namespace {

constexpr std::size_t quoted_body_bytes_max = 200;

// The server's words: `message`, else `error`, else the start of the body.
std::string server_text(const nlohmann::json& body, const std::string& raw) {
  if (body.is_object()) {
    std::string text;
    if (body.contains("error") && body["error"].is_string()) text = body["error"].get<std::string>();
    if (body.contains("message") && body["message"].is_string()) {
      text += (text.empty() ? "" : ": ") + body["message"].get<std::string>();
    }
    if (!text.empty()) return text;
  }
  return raw.substr(0, quoted_body_bytes_max);
}

core::Unexpected<SignedLoginError> fail(SignedLoginErrorCode code, std::string message, unsigned status,
                                        std::optional<std::uint32_t> retry_after = std::nullopt) {
  return core::Unexpected<SignedLoginError>{SignedLoginError{code, std::move(message), status, retry_after}};
}

}  // namespace

core::Result<std::string, SignedLoginError> read_signed_login_response(const transport::HttpResult& response) {
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  const unsigned status = response.status;
  const std::string status_text = "HTTP " + std::to_string(status);
  if (status >= 300 && status < 400) {
    return fail(SignedLoginErrorCode::redirect, status_text + " to '" + response.header("location") + "': redirects are refused", status);
  }
  if (status == 429) {
    std::optional<std::uint32_t> retry_after;
    const std::string value = response.header("retry-after");
    std::uint32_t seconds = 0;
    if (!value.empty() && std::from_chars(value.data(), value.data() + value.size(), seconds).ec == std::errc{}) retry_after = seconds;
    return fail(SignedLoginErrorCode::rate_limited,
                status_text + ": " + server_text(body, response.body) +
                    (retry_after ? " (retry after " + std::to_string(*retry_after) + " s)" : ""),
                status, retry_after);
  }
  if (status >= 500) return fail(SignedLoginErrorCode::unavailable, status_text + ": " + server_text(body, response.body), status);
  if (status != 200) return fail(SignedLoginErrorCode::denied, status_text + ": " + server_text(body, response.body), status);
  if (!body.is_object()) return fail(SignedLoginErrorCode::bad_response, "the answer is not a JSON object", status);
  for (const char* key : {"fixedAdapter", "adapter"}) {
    if (!body.contains(key)) continue;
    if (!body[key].is_string()) return fail(SignedLoginErrorCode::bad_response, std::string("'") + key + "' is not a string", status);
    std::string adapter = body[key].get<std::string>();
    if (adapter.rfind("signed-login:", 0) == 0) {
      return fail(SignedLoginErrorCode::recursion, "the server answered another signed-login URI; refusing to recurse", status);
    }
    return adapter;
  }
  if (body.contains("message") || body.contains("error")) {
    return fail(SignedLoginErrorCode::denied, status_text + ": " + server_text(body, response.body), status);
  }
  return fail(SignedLoginErrorCode::bad_response, "the answer has neither 'fixedAdapter' nor 'adapter'", status);
}

}  // namespace dclcomms::signed_login
