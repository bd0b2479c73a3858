// The names of the network interfaces' error classes (http_client.hpp, message_server.hpp).
#include "dclcomms/transport/http_client.hpp"
#include "dclcomms/transport/message_server.hpp"

namespace dclcomms::transport {

std::string_view to_string(HttpErrorCode code) {
  switch (code) {
    case HttpErrorCode::bad_url: return "bad_url";
    case HttpErrorCode::bad_request: return "bad_request";
    case HttpErrorCode::dns: return "dns";
    case HttpErrorCode::connect: return "connect";
    case HttpErrorCode::tls: return "tls";
    case HttpErrorCode::timeout: return "timeout";
    case HttpErrorCode::too_large: return "too_large";
    case HttpErrorCode::io: return "io";
    case HttpErrorCode::unclassified: return "unclassified";
  }
  return "unknown";
}

std::string_view to_string(ListenErrorCode code) {
  switch (code) {
    case ListenErrorCode::bad_address: return "bad_address";
    case ListenErrorCode::bind_failed: return "bind_failed";
    case ListenErrorCode::bad_tls_certificate: return "bad_tls_certificate";
    case ListenErrorCode::bad_tls_key: return "bad_tls_key";
  }
  return "unknown";
}

}  // namespace dclcomms::transport
