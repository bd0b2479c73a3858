#pragma once
// HttpFetcher: one HTTP request/response, asynchronously — the network interface signed-login is
// written against. Beast implements it in production (carriers/beast, TLS with verification on);
// tests and the simulator substitute their own.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"

namespace dclcomms::transport {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "POST", "GET"
  std::string url;     // absolute http:// or https:// URL
  HttpHeaders headers;
  std::string body;
};

struct HttpResult {
  unsigned status = 0;
  HttpHeaders headers;  // names lowercased
  std::string body;
  /// The value of header `name` (lowercase), or empty.
  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
};

struct HttpClientOptions {
  bool verify_certificates = true;                   // https: off only for local testing
  std::string ca_file;                               // extra trust anchor (PEM)
  core::Duration timeout = std::chrono::seconds(5);  // connect + response, each
  std::size_t response_bytes_max = 64 * 1024;
};

/// Why a request got no response. Any response is a result, whatever its status: these are the
/// exchanges that never produced one. Callers branch on the class (retry a timeout, report a TLS
/// failure); the message is one line naming the host and the reason.
enum class HttpErrorCode : std::uint8_t {
  bad_url,       // not an absolute http:// or https:// URL
  bad_request,   // the request cannot be sent as given (a header name empty or with a line break)
  dns,           // the host name does not resolve
  connect,       // no connection to the host (refused, unreachable)
  tls,           // TLS trust anchors, server name or handshake (certificate verification included)
  timeout,       // no connection, or no complete response, within HttpClientOptions::timeout
  too_large,     // the response is larger than HttpClientOptions::response_bytes_max
  io,            // the connection failed while sending or reading: reset, a malformed response
  unclassified,  // reported from elsewhere without its class (the driver protocol's http_failed
                 // carries only the detail), so the class is not known here
};
std::string_view to_string(HttpErrorCode code);
using HttpError = core::Error<HttpErrorCode>;

/// Sends `request`; `done` runs once on the runtime's thread with the response (any status;
/// redirects are returned, never followed) or a typed error (DNS, connect, TLS, timeout, size…).
using HttpFetcher = std::function<void(HttpRequest request, const HttpClientOptions& options,
                                       std::function<void(core::Result<HttpResult, HttpError>)> done)>;

}  // namespace dclcomms::transport
