// dclcomms connect URI [--key HEX | --random-key]
#include <openssl/rand.h>

#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "event_json.hpp"

namespace dclcomms::cli {
namespace {

struct ConnectOptions {
  std::string uri;
  std::string key_hex;
  bool random_key = false;
};

std::optional<std::array<std::uint8_t, 32>> identity_key(const ConnectOptions& options, bool& ok) {
  ok = true;
  std::array<std::uint8_t, 32> key{};
  if (options.random_key) {
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
      report_error("connect", "the system random generator failed");
      ok = false;
      return std::nullopt;
    }
    return key;
  }
  if (options.key_hex.empty()) return std::nullopt;
  const auto bytes = core::from_hex(options.key_hex);
  if (!bytes || bytes->size() != key.size()) {
    report_error("connect", "--key must be 32 bytes of hex (64 digits, optional 0x)");
    ok = false;
    return std::nullopt;
  }
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

// Transports without network I/O (offline, and the simulated ones) run on a virtual-time runtime
// driven here: each input line is followed by running everything that became due.
ExitCode run_connect(const ConnectOptions& options) {
  bool key_ok = true;
  auto key = identity_key(options, key_ok);
  if (!key_ok) return ExitCode::bad_input;

  core::ManualRuntime runtime;
  transport::TransportContext context{.runtime = &runtime};
  transport::TransportFactory factory(context);
  auto created = factory.create(options.uri);
  if (!created) {
    report_error("connect", std::string(transport::to_string(created.error().code)) + ": " +
                                created.error().message);
    return ExitCode::bad_input;
  }
  transport::Transport& transport = **created;
  bool disconnected = false;
  transport.set_event_handler([&](const transport::TransportEvent& event) {
    if (std::holds_alternative<transport::Disconnected>(event)) disconnected = true;
    std::cout << event_to_json(event).dump() << std::endl;  // flush: a script reads line by line
  });

  if (auto status = transport.connect(); !status) {
    report_error("connect", status.error().message);
    return ExitCode::io_error;
  }
  runtime.run_until_idle();
  std::string line;
  while (!disconnected && std::getline(std::cin, line)) {
    if (line.empty()) continue;
    auto outgoing = parse_outgoing_line(line);
    if (!outgoing) {
      report_error("connect: input line skipped", outgoing.error().message);
      continue;
    }
    if (auto status = transport.send(outgoing->bytes, outgoing->options); !status) {
      report_error("connect: send failed", std::string(transport::to_string(status.error().code)) + ": " +
                                               status.error().message);
    }
    runtime.run_until_idle();
  }
  transport.disconnect();
  runtime.run_until_idle();
  return ExitCode::ok;
}

}  // namespace

void register_connect_command(CLI::App& app, ExitCode& exit_code) {
  auto options = std::make_shared<ConnectOptions>();
  auto* connect = app.add_subcommand(
      "connect",
      "Create a transport for URI and connect. Prints every event as one JSON line on stdout; sends "
      "each JSON line of stdin as a Packet (proto3 JSON, or {\"packet\":…,\"reliable\":false,"
      "\"targets\":[…]}); EOF disconnects");
  connect->add_option("uri", options->uri, "Connection string, e.g. offline:offline")->required();
  auto* key = connect->add_option("--key", options->key_hex, "Identity private key (32 bytes hex)");
  connect->add_flag("--random-key", options->random_key, "Use a fresh random identity")->excludes(key);
  connect->callback([options, &exit_code] { exit_code = run_connect(*options); });
}

}  // namespace dclcomms::cli
