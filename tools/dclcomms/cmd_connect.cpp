// dclcomms connect URI [--key HEX | --random-key] [--insecure] [--ca-file PEM]
#include <openssl/rand.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/http_client.hpp"
#include "dclcomms/carriers/udp_socket.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/livekit_rtc/rtc_connector.hpp"
#include "dclcomms/registry/reference_transports.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "event_json.hpp"
#include "stdin_lines.hpp"

namespace dclcomms::cli {
namespace {

struct ConnectOptions {
  std::string uri;
  std::string key_hex;
  bool random_key = false;
  bool insecure = false;
  std::string ca_file;
};

using Key = std::array<std::uint8_t, 32>;

bool random_key(Key& key) { return RAND_bytes(key.data(), static_cast<int>(key.size())) == 1; }

// The wallet key from --key or --random-key; a fresh random ephemeral key per run, delegated for 30
// days (what explorers request).
std::optional<transport::SigningIdentity> make_identity(const ConnectOptions& options, ExitCode& failure) {
  if (!options.random_key && options.key_hex.empty()) return std::nullopt;
  Key owner{};
  Key ephemeral{};
  if (options.random_key) {
    if (!random_key(owner)) {
      report_error("connect", "the system random generator failed");
      failure = ExitCode::io_error;
      return std::nullopt;
    }
  } else {
    const auto bytes = core::from_hex(options.key_hex);
    if (!bytes || bytes->size() != owner.size()) {
      report_error("connect", "--key must be 32 bytes of hex (64 digits, optional 0x)");
      failure = ExitCode::bad_input;
      return std::nullopt;
    }
    std::copy(bytes->begin(), bytes->end(), owner.begin());
  }
  if (!random_key(ephemeral)) {
    report_error("connect", "the system random generator failed");
    failure = ExitCode::io_error;
    return std::nullopt;
  }
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto identity = identity::make_signing_identity(owner, ephemeral, now_ms + 30LL * 24 * 3600 * 1000);
  if (!identity) {
    report_error("connect", "--key is not a valid secp256k1 private key: " + identity.error().message);
    failure = ExitCode::bad_input;
    return std::nullopt;
  }
  return std::move(identity).value();
}

ExitCode run_connect(const ConnectOptions& options) {
  ExitCode failure = ExitCode::ok;
  auto identity = make_identity(options, failure);
  if (failure != ExitCode::ok) return failure;

  carriers::AsioRuntime runtime;
  transport::TransportContext context{.runtime = &runtime,
                                      .identity = std::move(identity),
                                      .websocket = carriers::make_websocket_connector(runtime),
                                      .websocket_options = {}};
  context.websocket_options.verify_certificates = !options.insecure;
  context.websocket_options.ca_file = options.ca_file;
  context.http = carriers::make_http_fetcher(runtime);
  context.http_options.verify_certificates = !options.insecure;
  context.http_options.ca_file = options.ca_file;
  transport::TransportFactory factory(context);
  // livekit joins over LiveKit's real protocol: the signal websocket and WebRTC data channels on UDP.
  registry::ReferenceServices services;
  auto livekit_connector = livekit_rtc::make_rtc_connector({.runtime = &runtime,
                                                            .signal = context.websocket,
                                                            .signal_options = context.websocket_options,
                                                            .udp = carriers::udp_socket_opener(runtime)});
  if (!livekit_connector) {
    report_error("connect", "DTLS certificate for livekit: " + livekit_connector.error().message);
    return ExitCode::io_error;
  }
  services.livekit.connector = std::move(*livekit_connector);
  services.livekit.unix_seconds_now = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  registry::register_reference_transports(factory, services);

  auto created = factory.create(options.uri);
  if (!created) {
    report_error("connect", std::string(transport::to_string(created.error().code)) + ": " + created.error().message);
    return ExitCode::bad_input;
  }
  transport::Transport& transport = **created;
  bool stdin_done = false;
  ExitCode result = ExitCode::ok;
  transport.set_event_handler([&](const transport::TransportEvent& event) {
    // Invalid UTF-8 in an address or reason (a peer's bytes) is printed as U+FFFD, never a crash.
    std::cout << event_to_json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << std::endl;  // flush: a script reads line by line
    if (const auto* disconnected = std::get_if<transport::Disconnected>(&event)) {
      if (!stdin_done) result = disconnected->kicked ? ExitCode::failed : ExitCode::io_error;
      runtime.stop();
    }
  });
  if (auto status = transport.connect(); !status) {
    report_error("connect", status.error().message);
    return ExitCode::io_error;
  }

  // Every stdin line is a packet, sent on the runtime's thread, which owns the transport.
  read_stdin_lines(
      runtime,
      [&transport](const std::string& line) {
        if (line.empty()) return;
        auto outgoing = parse_outgoing_line(line);
        if (!outgoing) return report_error("connect: input line skipped", outgoing.error().message);
        if (auto status = transport.send(outgoing->bytes, outgoing->options); !status) {
          report_error("connect: send failed", std::string(transport::to_string(status.error().code)) + ": " + status.error().message);
        }
      },
      [&transport, &stdin_done] {
        stdin_done = true;
        transport.disconnect();
      });
  runtime.on_termination_signal([&transport, &stdin_done](int) {
    stdin_done = true;
    transport.disconnect();
  });
  runtime.run();
  std::cout.flush();
  std::_Exit(static_cast<int>(result));  // the stdin thread may be blocked in a read: do not join it
}

}  // namespace

void register_connect_command(CLI::App& app, ExitCode& exit_code) {
  auto options = std::make_shared<ConnectOptions>();
  auto* connect = app.add_subcommand("connect",
                                     "Create a transport for URI and connect. Prints every event as one JSON line on stdout; sends "
                                     "each JSON line of stdin as a Packet (proto3 JSON, or {\"packet\":…,\"reliable\":false,"
                                     "\"targets\":[…]}); EOF or SIGINT disconnects. Exit 0 after a disconnect we asked for, 1 when "
                                     "kicked, 4 when the connection failed or was lost");
  connect->add_option("uri", options->uri, "Connection string, e.g. ws-room:ws://127.0.0.1:5555/rooms/1")->required();
  auto* key = connect->add_option("--key", options->key_hex, "Wallet private key that signs the login (32 bytes hex)");
  connect->add_flag("--random-key", options->random_key, "Use a fresh random wallet")->excludes(key);
  connect->add_flag("--insecure", options->insecure, "wss: do not verify the server certificate (local testing only)");
  connect->add_option("--ca-file", options->ca_file, "wss: also trust this PEM certificate");
  connect->callback([options, &exit_code] { exit_code = run_connect(*options); });
}

}  // namespace dclcomms::cli
