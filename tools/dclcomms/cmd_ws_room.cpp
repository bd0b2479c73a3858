// dclcomms ws-room serve --listen HOST:PORT [--tls-cert FILE --tls-key FILE] [--no-challenge] [--capacity N]
//                        [--write-coalesce-ms MS]
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "listen_address.hpp"
#include "ws_room_server.hpp"

namespace dclcomms::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:5555";
  std::string tls_cert_path;
  std::string tls_key_path;
  bool no_challenge = false;
  std::size_t capacity = 150;
  double write_coalesce_ms = 0;
};

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

void log_line(const nlohmann::json& line) { std::cout << line.dump() << std::endl; }

ExitCode serve(const ServeOptions& options) {
  ws_room::WsRoomServerOptions server_options;
  carriers::WebSocketServerOptions listen;
  if (!split_listen(options.listen, listen.host, listen.port)) {
    report_error("ws-room serve", "--listen must be HOST:PORT (e.g. 127.0.0.1:5555), got '" + options.listen + "'");
    return ExitCode::bad_input;
  }
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    report_error("ws-room serve", "--tls-cert and --tls-key go together");
    return ExitCode::bad_input;
  }
  if (!options.tls_cert_path.empty() &&
      (!read_file(options.tls_cert_path, listen.tls_certificate_pem) || !read_file(options.tls_key_path, listen.tls_private_key_pem))) {
    report_error("ws-room serve", "cannot read --tls-cert or --tls-key");
    return ExitCode::io_error;
  }
  listen.write_coalesce = std::chrono::nanoseconds(static_cast<std::int64_t>(options.write_coalesce_ms * 1e6));
  server_options.challenge_required = !options.no_challenge;
  server_options.room_capacity = options.capacity;
  server_options.log = [](const std::string& line) { std::cout << line << std::endl; };

  carriers::AsioRuntime runtime;
  auto server = ws_room::WsRoomServer::start_on_beast(runtime, server_options, listen);
  if (!server) {
    report_error("ws-room serve", server.error().message);
    return ExitCode::io_error;
  }
  const bool tls = !options.tls_cert_path.empty();
  const std::string where = listen.host + ":" + std::to_string((*server)->port());
  log_line({{"event", "listening"},
            {"address", where},
            {"rooms_url", std::string(tls ? "wss://" : "ws://") + where + "/rooms/<room>"},
            {"status_url", std::string(tls ? "https://" : "http://") + where + "/status"}});
  runtime.on_termination_signal([&](int signal_number) {
    log_line({{"event", "stopping"}, {"signal", signal_number}});
    (*server)->stop();
    runtime.stop();
  });
  runtime.run();
  log_line({{"event", "stopped"}});
  return ExitCode::ok;
}

}  // namespace

void register_ws_room_commands(CLI::App& app, ExitCode& exit_code) {
  auto* ws_room = app.add_subcommand("ws-room", "The reference ws-room server (RFC-5)");
  ws_room->require_subcommand(1);
  auto options = std::make_shared<ServeOptions>();
  auto* serve_cmd =
      ws_room->add_subcommand("serve",
                              "Serve ws-room: websockets at /rooms/<id>, GET /status. Logs one JSON line per event on stdout; "
                              "SIGINT/SIGTERM stop it cleanly");
  serve_cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0 = any free port)")->capture_default_str();
  serve_cmd->add_option("--tls-cert", options->tls_cert_path, "PEM certificate chain: serve wss:// and https://");
  serve_cmd->add_option("--tls-key", options->tls_key_path, "PEM private key of --tls-cert");
  serve_cmd->add_flag("--no-challenge", options->no_challenge,
                      "Welcome on identification without a signed challenge (like some preview servers)");
  serve_cmd->add_option("--capacity", options->capacity, "Members per room")->capture_default_str()->check(CLI::Range(1, 100000));
  serve_cmd
      ->add_option("--write-coalesce-ms", options->write_coalesce_ms,
                   "How long a connection's first unwritten frame waits for more before the socket write (0: no wait; frames "
                   "coalesce only under load)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  serve_cmd->callback([options, &exit_code] { exit_code = serve(*options); });
  register_ws_room_bench_command(*ws_room, exit_code);
}

}  // namespace dclcomms::cli
