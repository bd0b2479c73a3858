#include "dclcomms/signed_login/signed_login_endpoint.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "dclcomms/core/ascii.hpp"

#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/signed_login/signed_fetch.hpp"

namespace dclcomms::signed_login {
namespace {

constexpr std::string_view middleware_hint = "This endpoint requires a signed fetch request. See ADR-44.";
constexpr std::size_t chain_links_max = 16;

transport::HttpResponse json_response(unsigned status, const nlohmann::json& body) {
  return transport::HttpResponse{status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}};
}

transport::HttpResponse signed_fetch_error(unsigned status, const std::string& reason) {
  return json_response(status, {{"error", reason}, {"message", middleware_hint}});
}

// "/get-comms-adapter/<room>" or "/worlds/<world>/comms" -> the name; anything else -> empty.
std::string route_name(const std::string& path) {
  static constexpr std::string_view adapter_prefix = "/get-comms-adapter/";
  static constexpr std::string_view worlds_prefix = "/worlds/";
  static constexpr std::string_view comms_suffix = "/comms";
  std::string name;
  if (path.rfind(adapter_prefix, 0) == 0) {
    name = path.substr(adapter_prefix.size());
  } else if (path.rfind(worlds_prefix, 0) == 0 && path.size() > worlds_prefix.size() + comms_suffix.size() &&
             path.compare(path.size() - comms_suffix.size(), comms_suffix.size(), comms_suffix) == 0) {
    name = path.substr(worlds_prefix.size(), path.size() - worlds_prefix.size() - comms_suffix.size());
  }
  if (name.find('/') != std::string::npos) return {};
  return name;
}

std::string fill_template(std::string text, const std::string& name, const std::string& address) {
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{room}", name}, {"{world}", name}, {"{address}", address}}) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) text.replace(at, key.size(), value);
  }
  return text;
}

}  // namespace

transport::HttpResponse SignedLoginEndpoint::handle(const transport::HttpServerRequest& request, std::int64_t now_unix_ms) const {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::string name = route_name(path);
  if (name.empty())
    return json_response(404, {{"error", "not found"}, {"message", "POST /get-comms-adapter/<room> or /worlds/<world>/comms"}});
  if (request.method != "POST") return json_response(405, {{"error", "method not allowed"}, {"message", "use POST"}});

  // 1. The chain: x-identity-auth-chain-0, -1, … up to the first gap.
  std::string chain_json = "[";
  std::size_t links = 0;
  for (; links < chain_links_max; ++links) {
    const std::string* link = request.header("x-identity-auth-chain-" + std::to_string(links));
    if (link == nullptr) break;
    if (!nlohmann::json::accept(*link)) return signed_fetch_error(400, "Invalid chain format");
    chain_json += (links ? "," : "") + *link;
  }
  chain_json += "]";
  if (links < 2) return signed_fetch_error(400, "Invalid Auth Chain");

  // 2. Timestamp and metadata.
  // The header's text is what was signed; its value decides freshness. As upstream
  // (platform-crypto-middleware): an absent header counts as 0 (so the request is refused as
  // expired, 401), fractions are fine, anything but a finite decimal number is a 400.
  const std::string* timestamp_header = request.header("x-identity-timestamp");
  const std::string timestamp_text = timestamp_header ? *timestamp_header : std::string();
  double timestamp_ms = 0;
  if (!timestamp_text.empty()) {
    const char* end = timestamp_text.data() + timestamp_text.size();
    const auto [stop, status] = std::from_chars(timestamp_text.data(), end, timestamp_ms);
    if (status != std::errc{} || stop != end || !std::isfinite(timestamp_ms)) {
      return signed_fetch_error(400, "Invalid chain timestamp: " + core::quote_printable(timestamp_text, 40));
    }
  }
  const std::string* metadata_text = request.header("x-identity-metadata");
  const auto metadata = nlohmann::json::parse(metadata_text ? *metadata_text : std::string(), nullptr, false);
  if (!metadata.is_object()) return signed_fetch_error(400, "Invalid metadata");
  // ADR-180: only a comms handshake from an explorer may obtain an adapter (so a scene's signed
  // fetch, signer "decentraland-kernel-scene", cannot be replayed here).
  if (metadata.value("intent", "") != comms_handshake_intent || metadata.value("signer", "") != explorer_signer) {
    return signed_fetch_error(400, "Invalid metadata");
  }

  // 3. The signature over what this request really is.
  auto chain = auth::parse_auth_chain(chain_json);
  if (!chain) return signed_fetch_error(400, "Invalid chain format");
  const std::string expected = signed_fetch_payload(request.method, path, std::string_view(timestamp_text), *metadata_text);
  auto verified = auth::verify_auth_chain(*chain, expected, now_unix_ms);
  if (!verified) return signed_fetch_error(401, "Invalid signature: " + verified.error().message);

  // 4. Freshness.
  if (timestamp_ms + static_cast<double>(config_.signature_window_ms) < static_cast<double>(now_unix_ms)) {
    return signed_fetch_error(401, "Expired signature: the timestamp is more than " + std::to_string(config_.signature_window_ms / 1000) +
                                       " s old");
  }
  return json_response(200, {{"fixedAdapter", fill_template(config_.adapter_template, name, verified->owner_address)}});
}

}  // namespace dclcomms::signed_login
