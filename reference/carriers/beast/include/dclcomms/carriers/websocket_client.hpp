#pragma once
// The production MessageStreamConnector: Boost.Beast websockets over TCP (ws://) or TLS (wss://,
// OpenSSL, certificate and host name verification on unless MessageStreamOptions says otherwise).
// Binary frames only; subprotocols offered in order; idle timeout with keep-alive pings.

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/transport/message_stream.hpp"

namespace dclcomms::carriers {

/// A connector whose streams run on `runtime` (which must outlive them).
transport::MessageStreamConnector make_websocket_connector(AsioRuntime& runtime);

}  // namespace dclcomms::carriers
