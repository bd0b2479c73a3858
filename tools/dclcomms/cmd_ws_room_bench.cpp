// dclcomms ws-room bench: N clients in one room sending position updates at R Hz over loopback,
// against our server and (when given) the upstream @dcl/mini-comms, measured side by side in one run.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"

namespace dclcomms::cli {
namespace {

using namespace std::chrono_literals;

struct BenchOptions {
  std::size_t clients = 50;
  double rate_hz = 10;
  double seconds = 5;
  bool unreliable = false;
  std::string mini_comms;  // path to @dcl/mini-comms/dist/index.js
};

struct BenchResult {
  std::string server;
  bool ok = false;
  std::string error;
  std::size_t joined = 0;
  double sent_per_s = 0;
  double delivered_per_s = 0;
  double expected_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long rss_peak_kib = 0;
};

BenchResult failed(std::string server, std::string error) {
  BenchResult result;
  result.server = std::move(server);
  result.error = std::move(error);
  return result;
}

double percentile_ms(std::vector<std::int64_t>& ns, double p) {
  if (ns.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(ns.size() - 1));
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(k), ns.end());
  return static_cast<double>(ns[k]) / 1e6;
}

// One swarm of clients against `url`: join, then send for the measured window.
BenchResult run_swarm(const std::string& name, const std::string& url, const BenchOptions& options, ChildProcess& server) {
  BenchResult result;
  result.server = name;
  carriers::AsioRuntime runtime;
  struct Client {
    transport::TransportPtr transport;
    std::string address;
    bool joined = false;
    std::vector<std::int64_t> sent_at_ns;  // by sequence number
  };
  std::vector<std::unique_ptr<Client>> clients;
  std::map<std::string, Client*> by_address;
  std::vector<std::int64_t> latencies_ns;
  std::uint64_t delivered = 0;
  bool measuring = false;
  const auto ns_now = [&] { return core::to_ns(runtime.now()); };

  for (std::size_t i = 0; i < options.clients; ++i) {
    std::array<std::uint8_t, 32> owner{}, ephemeral{};
    owner[30] = static_cast<std::uint8_t>((i + 1) >> 8);
    owner[31] = static_cast<std::uint8_t>(i + 1);
    ephemeral = owner;
    ephemeral[0] = 0x42;
    auto id = identity::make_signing_identity(owner, ephemeral, 4102444800000).value();
    auto client = std::make_unique<Client>();
    client->address = id.address;
    transport::TransportContext context{.runtime = &runtime,
                                        .identity = std::move(id),
                                        .websocket = carriers::make_websocket_connector(runtime),
                                        .websocket_options = {}};
    transport::TransportFactory factory(context);
    ws_room::register_ws_room(factory);
    client->transport = factory.create(url).value();
    client->transport->set_event_handler([&, raw = client.get()](const transport::TransportEvent& e) {
      if (std::holds_alternative<transport::Connected>(e)) raw->joined = true;
      const auto* m = std::get_if<transport::MessageReceived>(&e);
      if (!m || !measuring) return;
      auto packet = codec::decode_packet(m->packet);
      const auto sender = by_address.find(m->sender);
      if (!packet || sender == by_address.end()) return;
      const auto seq = packet->position().index();
      if (seq < sender->second->sent_at_ns.size()) latencies_ns.push_back(ns_now() - sender->second->sent_at_ns[seq]);
      ++delivered;
    });
    by_address[client->address] = client.get();
    (void)client->transport->connect();
    clients.push_back(std::move(client));
  }
  const auto join_deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < join_deadline) {
    runtime.run_for(20ms);
    server.drain();
    result.joined = static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(), [](const auto& c) { return c->joined; }));
    if (result.joined == clients.size()) break;
  }
  if (result.joined != clients.size()) {
    result.error = std::to_string(result.joined) + " of " + std::to_string(clients.size()) + " clients joined in 30 s";
    return result;
  }

  // Each client sends on its own phase of the period, so the load is spread evenly.
  const auto period = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / options.rate_hz));
  std::uint64_t sent = 0;
  std::vector<std::function<void()>> tickers(clients.size());
  for (std::size_t i = 0; i < clients.size(); ++i) {
    tickers[i] = [&, i] {
      Client& c = *clients[i];
      codec::Packet packet;
      packet.mutable_position()->set_index(static_cast<std::uint32_t>(c.sent_at_ns.size()));
      packet.mutable_position()->set_position_x(static_cast<float>(i));
      packet.set_protocol_version(100);
      c.sent_at_ns.push_back(ns_now());
      const auto bytes = codec::encode_packet(packet);
      if (c.transport->send(bytes, {options.unreliable ? transport::Reliability::unreliable : transport::Reliability::reliable, {}})) {
        if (measuring) ++sent;
      }
      runtime.schedule_at(runtime.now() + period, tickers[i]);
    };
    runtime.schedule_at(runtime.now() + period * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(clients.size()), tickers[i]);
  }
  runtime.run_for(1s);  // warm-up
  measuring = true;
  const auto window = std::chrono::nanoseconds(static_cast<std::int64_t>(options.seconds * 1e9));
  const auto end = std::chrono::steady_clock::now() + window;
  while (std::chrono::steady_clock::now() < end) {
    runtime.run_for(50ms);
    server.drain();
  }
  measuring = false;
  result.rss_peak_kib = server.rss_peak_kib();
  result.ok = true;
  result.sent_per_s = static_cast<double>(sent) / options.seconds;
  result.delivered_per_s = static_cast<double>(delivered) / options.seconds;
  result.expected_per_s = result.sent_per_s * static_cast<double>(clients.size() - 1);
  result.p50_ms = percentile_ms(latencies_ns, 0.50);
  result.p99_ms = percentile_ms(latencies_ns, 0.99);
  for (auto& c : clients) c->transport->disconnect();
  runtime.run_for(200ms);
  return result;
}

BenchResult bench_ours(const BenchOptions& options) {
  auto server = ChildProcess::spawn({current_executable_path(), "ws-room", "serve", "--listen", "127.0.0.1:0", "--capacity", "100000"}, {});
  if (!server) return failed("dclcomms", "cannot start dclcomms ws-room serve");
  const auto ready = server->wait_for_line("\"listening\"", 10s);
  if (!ready) return failed("dclcomms", "dclcomms ws-room serve did not start");
  const std::string address = nlohmann::json::parse(*ready)["address"];
  return run_swarm("dclcomms", "ws-room:ws://" + address + "/rooms/bench", options, *server);
}

BenchResult bench_mini_comms(const BenchOptions& options) {
  // A free port: bind port 0 through our own server would need Asio here; pick from our PID instead.
  const std::string port = std::to_string(20000 + getpid() % 20000);
  auto server = ChildProcess::spawn({"node", options.mini_comms}, {"HTTP_SERVER_PORT=" + port, "HTTP_SERVER_HOST=127.0.0.1"});
  if (!server) return failed("mini-comms", "cannot start node " + options.mini_comms);
  if (!server->wait_for_line("Listening", 20s)) return failed("mini-comms", "mini-comms did not start on port " + port);
  return run_swarm("mini-comms", "ws-room:ws://127.0.0.1:" + port + "/rooms/bench", options, *server);
}

void print_table(const std::vector<BenchResult>& results, const BenchOptions& options) {
  std::cout << "ws-room bench: " << options.clients << " clients in one room, " << options.rate_hz << " Hz "
            << (options.unreliable ? "unreliable" : "reliable") << " position updates, " << options.seconds
            << " s measured after 1 s warm-up; clients and servers share this machine's cores\n\n";
  std::cout << std::left << std::setw(12) << "server" << std::right << std::setw(10) << "sent/s" << std::setw(14) << "delivered/s"
            << std::setw(13) << "expected/s" << std::setw(10) << "p50 ms" << std::setw(10) << "p99 ms" << std::setw(14) << "peak RSS MiB"
            << '\n';
  for (const auto& r : results) {
    if (!r.ok) {
      std::cout << std::left << std::setw(12) << r.server << "  failed: " << r.error << '\n';
      continue;
    }
    std::cout << std::left << std::setw(12) << r.server << std::right << std::fixed << std::setprecision(0) << std::setw(10) << r.sent_per_s
              << std::setw(14) << r.delivered_per_s << std::setw(13) << r.expected_per_s << std::setprecision(2) << std::setw(10)
              << r.p50_ms << std::setw(10) << r.p99_ms << std::setprecision(1) << std::setw(14)
              << static_cast<double>(r.rss_peak_kib) / 1024.0 << '\n';
  }
  if (results.size() == 2 && results[0].ok && results[1].ok && results[1].delivered_per_s > 0 && results[1].p99_ms > 0) {
    std::cout << std::setprecision(2) << "\nratio dclcomms / mini-comms: delivered/s "
              << results[0].delivered_per_s / results[1].delivered_per_s << "x, p99 latency " << results[0].p99_ms / results[1].p99_ms
              << "x, peak RSS " << static_cast<double>(results[0].rss_peak_kib) / static_cast<double>(results[1].rss_peak_kib) << "x\n";
  }
}

ExitCode run_bench(const BenchOptions& options) {
  std::vector<BenchResult> results;
  std::cerr << "bench: dclcomms ws-room serve ...\n";
  results.push_back(bench_ours(options));
  if (!options.mini_comms.empty()) {
    std::cerr << "bench: @dcl/mini-comms ...\n";
    results.push_back(bench_mini_comms(options));
  }
  print_table(results, options);
  const bool all_ok = std::all_of(results.begin(), results.end(), [](const auto& r) { return r.ok; });
  return all_ok ? ExitCode::ok : ExitCode::failed;
}

}  // namespace

void register_ws_room_bench_command(CLI::App& ws_room, ExitCode& exit_code) {
  auto options = std::make_shared<BenchOptions>();
  auto* bench = ws_room.add_subcommand("bench",
                                       "N clients in one room send position updates at R Hz over loopback; prints delivered messages/s, "
                                       "p50/p99 relay latency and server peak RSS for our server and, with --mini-comms, the upstream one");
  bench->add_option("--clients", options->clients, "Clients in the room")->capture_default_str()->check(CLI::Range(2, 1000));
  bench->add_option("--rate-hz", options->rate_hz, "Updates per second per client")->capture_default_str()->check(CLI::Range(0.1, 100.0));
  bench->add_option("--seconds", options->seconds, "Measured window")->capture_default_str()->check(CLI::Range(0.5, 600.0));
  bench->add_flag("--unreliable", options->unreliable, "Send unreliable updates (servers may drop them under backlog)");
  bench->add_option("--mini-comms", options->mini_comms,
                    "Path to @dcl/mini-comms/dist/index.js (e.g. conformance/interop/ws_room/node_modules/...) to "
                    "bench it side by side");
  bench->callback([options, &exit_code] { exit_code = run_bench(*options); });
}

}  // namespace dclcomms::cli
