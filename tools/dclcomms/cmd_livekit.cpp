// dclcomms livekit serve --listen HOST:PORT --api-key K --api-secret S: our LiveKit room server
// (reference/livekit/server): the signal websocket on Beast and the WebRTC data channels on one UDP
// port (the same number by default). Logs one JSON line per event on stdout.
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/livekit/livekit_token.hpp"
#include "dclcomms/livekit_server/livekit_server.hpp"
#include "listen_address.hpp"

namespace dclcomms::cli {
namespace {

struct LivekitServeOptions {
  std::string listen = "127.0.0.1:7880";
  std::string api_key;
  std::string api_secret;
  std::size_t room_participants_max = 1000;
  std::optional<std::uint16_t> udp_port;
};

void log_line(const std::string& line) { std::cout << line << std::endl; }

ExitCode serve(const LivekitServeOptions& options) {
  carriers::WebSocketServerOptions listen;
  if (!split_listen(options.listen, listen.host, listen.port)) {
    report_error("livekit serve", "--listen must be HOST:PORT (e.g. 127.0.0.1:7880), got '" + options.listen + "'");
    return ExitCode::bad_input;
  }
  if (options.api_key.empty() || options.api_secret.size() < 32) {
    // LiveKit's own server refuses secrets shorter than 32 characters.
    report_error("livekit serve", "--api-key must be set and --api-secret must be at least 32 characters");
    return ExitCode::bad_input;
  }
  livekit_server::LivekitServerOptions server_options;
  server_options.signal.credentials = {options.api_key, options.api_secret};
  server_options.signal.room_participants_max = options.room_participants_max;
  server_options.log = log_line;
  carriers::AsioRuntime runtime;
  auto server = livekit_server::LivekitServer::start_on_beast(runtime, server_options, listen, options.udp_port);
  if (!server) {
    report_error("livekit serve", server.error().message);
    return ExitCode::io_error;
  }
  const std::string where = listen.host + ":" + std::to_string((*server)->port());
  const auto udp = (*server)->udp_address();
  log_line(nlohmann::json{{"event", "listening"}, {"address", where}, {"url", "ws://" + where}, {"udp", udp ? core::to_string(*udp) : ""}}
               .dump());
  runtime.on_termination_signal([&](int signal_number) {
    log_line(nlohmann::json{{"event", "stopping"}, {"signal", signal_number}}.dump());
    (*server)->stop();
    runtime.stop();
  });
  runtime.run();
  log_line(nlohmann::json{{"event", "stopped"}}.dump());
  return ExitCode::ok;
}

struct LivekitTokenOptions {
  std::string api_key, api_secret, identity, room;
  std::int64_t ttl_s = 600;
};

// A token as LiveKit's server SDKs mint it (HS256, video grant roomJoin for the room, data and
// subscribe allowed): for trying `livekit serve` from a shell.
ExitCode print_token(const LivekitTokenOptions& options) {
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  livekit::LivekitClaims claims;
  claims.issuer = options.api_key;
  claims.identity = options.identity;
  claims.not_before = now_s;
  claims.expires_at = now_s + options.ttl_s;
  livekit::VideoGrant grant;
  grant.room_join = true;
  grant.room = options.room;
  grant.can_publish = true;
  grant.can_publish_data = true;
  grant.can_subscribe = true;
  claims.video = grant;
  std::cout << livekit::mint_livekit_token(claims, options.api_secret) << std::endl;
  return ExitCode::ok;
}

}  // namespace

void register_livekit_commands(CLI::App& app, ExitCode& exit_code) {
  auto* livekit =
      app.add_subcommand("livekit",
                         "Our LiveKit room server (LiveKit's client protocol for data: signal websocket and WebRTC data channels)");
  livekit->require_subcommand(1);
  auto options = std::make_shared<LivekitServeOptions>();
  auto* serve_cmd = livekit->add_subcommand(
      "serve",
      "Serve a LiveKit room for data: the signal websocket at /rtc?access_token=… (tokens checked with the API key and secret; "
      "joins, participant updates, pings, leaves, duplicate identities), GET /rtc/validate, and the publisher/subscriber peer "
      "connections (ICE-lite on one UDP port, DTLS, SCTP data channels _reliable and _lossy) relaying DataPackets. Audio and "
      "video are refused. Logs one JSON line per event; SIGINT/SIGTERM stop it");
  serve_cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0 = any free port)")->capture_default_str();
  serve_cmd->add_option("--udp-port", options->udp_port,
                        "UDP port of the peer connections (default: the websocket's port number if free, else any)");
  serve_cmd->add_option("--api-key", options->api_key, "The API key tokens must be issued by")->required();
  serve_cmd->add_option("--api-secret", options->api_secret, "The API secret tokens must be signed with (32+ characters)")->required();
  serve_cmd->add_option("--room-participants-max", options->room_participants_max, "Participants per room")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve_cmd->callback([options, &exit_code] { exit_code = serve(*options); });

  auto token_options = std::make_shared<LivekitTokenOptions>();
  auto* token_cmd = livekit->add_subcommand("token", "Print an access token for a room (HS256, as LiveKit's server SDKs mint them)");
  token_cmd->add_option("--api-key", token_options->api_key, "The API key (the token's issuer)")->required();
  token_cmd->add_option("--api-secret", token_options->api_secret, "The API secret that signs it")->required();
  token_cmd->add_option("--identity", token_options->identity, "The participant's identity")->required();
  token_cmd->add_option("--room", token_options->room, "The room it joins")->required();
  token_cmd->add_option("--ttl", token_options->ttl_s, "Seconds it is valid for")->capture_default_str()->check(CLI::Range(1, 86400 * 30));
  token_cmd->callback([token_options, &exit_code] { exit_code = print_token(*token_options); });
}

}  // namespace dclcomms::cli
