#pragma once
// The production HttpFetcher: Boost.Beast HTTP/1.1 over TCP or TLS (OpenSSL; certificate and host
// name verification on unless HttpClientOptions says otherwise). One connection per request,
// redirects returned to the caller and never followed, bounded response size, timeouts on connect
// and on the response.

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/transport/http_client.hpp"

namespace dclcomms::carriers {

transport::HttpFetcher make_http_fetcher(AsioRuntime& runtime);

}  // namespace dclcomms::carriers
