#include "login_service.hpp"

namespace dclcomms::conformance {

LoginService::LoginService(carriers::SimWebSocketNetwork& network, sim::HostId host, std::int64_t now_unix_ms)
    : endpoint_({.adapter_template = "ws-room:ws://room-server/rooms/{room}"}), now_unix_ms_(now_unix_ms) {
  transport::MessageServerCallbacks callbacks;
  callbacks.on_http_request = [this](const transport::HttpServerRequest& request) {
    requests_.push_back(request);
    return scripted_ ? (*scripted_)(request) : endpoint_.handle(request, now_unix_ms_);
  };
  carrier_ = network.listen(host, std::move(callbacks));
}

}  // namespace dclcomms::conformance
