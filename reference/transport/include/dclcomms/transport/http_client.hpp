#pragma once
// HttpFetcher: one HTTP request/response, asynchronously — the network interface signed-login is
// written against. Beast implements it in production (carriers/beast, TLS with verification on);
// tests and the simulator substitute their own.

#include <cstddef>
#include <functional>
#include <string>
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
  bool verify_certificates = true;  // https: off only for local testing
  std::string ca_file;              // extra trust anchor (PEM)
  core::Duration timeout = std::chrono::seconds(5);  // connect + response, each
  std::size_t response_bytes_max = 64 * 1024;
};

/// Sends `request`; `done` runs once on the runtime's thread with the response (any status;
/// redirects are returned, never followed) or a one-line error (DNS, connect, TLS, timeout, size).
using HttpFetcher = std::function<void(HttpRequest request, const HttpClientOptions& options,
                                       std::function<void(core::Result<HttpResult, std::string>)> done)>;

}  // namespace dclcomms::transport
