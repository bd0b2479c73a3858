#pragma once
// LoginService: the signed-login endpoint of a case's world, on its own simulated host. By default
// it is our reference SignedLoginEndpoint (it verifies the signed fetch and names the world's ws-room,
// "ws-room:ws://room-server/rooms/<name>"); a case can script the answer instead, move the server's
// clock, or make the host a black hole that never answers. It keeps every request it received, as
// it arrived, so that cases judge what the transport under test really sent.

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "dclcomms/carriers/sim_websocket_network.hpp"
#include "dclcomms/signed_login/signed_login_endpoint.hpp"

namespace dclcomms::conformance {

inline constexpr const char* login_host_name = "login-server";

class LoginService {
 public:
  using Answer = std::function<transport::HttpResponse(const transport::HttpServerRequest&)>;

  LoginService(carriers::SimWebSocketNetwork& network, sim::HostId host, std::int64_t now_unix_ms);

  /// Answers every request with `answer` instead of the reference endpoint.
  void answer_with(Answer answer) { scripted_ = std::move(answer); }
  /// The reference endpoint's clock (e.g. later than the transport's, to make it refuse).
  void set_server_clock(std::int64_t now_unix_ms) { now_unix_ms_ = now_unix_ms; }
  /// Stops listening: requests then reach a host that never answers.
  void go_silent() { carrier_.reset(); }

  const std::vector<transport::HttpServerRequest>& requests() const { return requests_; }
  /// What the reference endpoint says of `request` (whatever this service was told to answer).
  transport::HttpResponse reference_verdict(const transport::HttpServerRequest& request) const {
    return endpoint_.handle(request, now_unix_ms_);
  }

 private:
  signed_login::SignedLoginEndpoint endpoint_;
  std::int64_t now_unix_ms_;
  std::optional<Answer> scripted_;
  std::vector<transport::HttpServerRequest> requests_;
  std::unique_ptr<transport::MessageServer> carrier_;
};

}  // namespace dclcomms::conformance
