// dclcomms signed-login serve --listen HOST:PORT --adapter TEMPLATE
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_server.hpp"
#include "dclcomms/signed_login/signed_login_endpoint.hpp"
#include "listen_address.hpp"

namespace dclcomms::cli {
namespace {

struct SignedLoginServeOptions {
  std::string listen = "127.0.0.1:5556";
  std::string adapter_template;
  std::int64_t window_s = 60;
};

std::int64_t system_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

ExitCode serve(const SignedLoginServeOptions& options) {
  carriers::WebSocketServerOptions listen;
  if (!split_listen(options.listen, listen.host, listen.port)) {
    report_error("signed-login serve", "--listen must be HOST:PORT (e.g. 127.0.0.1:5556), got '" + options.listen + "'");
    return ExitCode::bad_input;
  }
  const signed_login::SignedLoginEndpoint endpoint(
      {.adapter_template = options.adapter_template, .signature_window_ms = options.window_s * 1000});
  carriers::AsioRuntime runtime;
  transport::MessageServerCallbacks callbacks;
  callbacks.on_http_request = [&](const transport::HttpServerRequest& request) {
    auto response = endpoint.handle(request, system_unix_ms());
    std::cout << nlohmann::json{{"event", "request"}, {"method", request.method}, {"target", request.target}, {"status", response.status}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << std::endl;
    return response;
  };
  auto server = carriers::WebSocketServer::listen(runtime, listen, std::move(callbacks));
  if (!server) {
    report_error("signed-login serve", server.error().message);
    return ExitCode::io_error;
  }
  std::cout << nlohmann::json{{"event", "listening"},
                              {"address", listen.host + ":" + std::to_string((*server)->port())},
                              {"adapter", options.adapter_template}}
                   .dump()
            << std::endl;
  runtime.on_termination_signal([&](int) {
    (*server)->stop();
    runtime.stop();
  });
  runtime.run();
  std::cout << R"({"event":"stopped"})" << std::endl;
  return ExitCode::ok;
}

}  // namespace

void register_signed_login_commands(CLI::App& app, ExitCode& exit_code) {
  auto* signed_login = app.add_subcommand("signed-login", "The reference signed-login endpoint (ADR-180)");
  signed_login->require_subcommand(1);
  auto options = std::make_shared<SignedLoginServeOptions>();
  auto* serve_cmd =
      signed_login->add_subcommand("serve",
                                   "Answer POST /get-comms-adapter/<room> and POST /worlds/<world>/comms: verify the signed fetch "
                                   "(AuthChain, 60 s window, comms-handshake intent and explorer signer) and answer "
                                   "{\"fixedAdapter\": TEMPLATE} with {room}/{world}/{address} filled in");
  serve_cmd->add_option("--listen", options->listen, "HOST:PORT (port 0 = any free port)")->capture_default_str();
  serve_cmd
      ->add_option("--adapter", options->adapter_template, "Connection string to hand out, e.g. ws-room:ws://127.0.0.1:5555/rooms/{room}")
      ->required();
  serve_cmd->add_option("--window-s", options->window_s, "Accepted age of a signature, in seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve_cmd->callback([options, &exit_code] { exit_code = serve(*options); });
}

}  // namespace dclcomms::cli
