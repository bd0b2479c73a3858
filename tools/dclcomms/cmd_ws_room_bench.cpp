// dclcomms ws-room bench: N clients in one room sending position updates at R Hz over loopback,
// against our server and (when given) the upstream @dcl/mini-comms, measured side by side in one run.
//
// Each server runs as a child process, and so does the client swarm: `--swarm-processes` children
// (`dclcomms ws-room bench-swarm`, not listed in --help) share the clients. The figure that does not
// depend on how fast the swarm is: the server's own CPU time (user + system, /proc/<pid>/stat) over
// the measured window, divided by the messages the swarm received in that window.
//
// The parent and the swarms agree on one start instant (steady clock = CLOCK_MONOTONIC, the same in
// every process): sending starts there, the window is [start + 1 s warm-up, + --seconds].
#include <signal.h>
#include <unistd.h>

#include <poll.h>
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/ascii.hpp"
#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"

namespace dclcomms::cli {
namespace {

using namespace std::chrono_literals;

constexpr auto warm_up = 1s;

struct BenchOptions {
  std::size_t clients = 50;
  double rate_hz = 10;
  double seconds = 5;
  bool unreliable = false;
  bool mixed = false;  // even sequence numbers reliable, odd ones unreliable
  std::size_t swarm_processes = 1;
  bool pin = false;              // server on CPU 0, swarms on the others
  double write_coalesce_ms = 0;  // our server's --write-coalesce-ms
  std::string mini_comms;        // path to @dcl/mini-comms/dist/index.js
};

struct SwarmOptions {
  std::string url;
  std::size_t first = 0;  // this swarm's clients: [first, first + count) of `clients`
  std::size_t count = 0;
  std::size_t clients = 0;
  double rate_hz = 10;
  double seconds = 5;
  bool unreliable = false;
  bool mixed = false;
};

// The reliability of each client's message `index` under the bench's options.
bool is_unreliable(bool unreliable, bool mixed, std::uint32_t index) { return unreliable || (mixed && index % 2 == 1); }

struct BenchResult {
  std::string server;
  bool ok = false;
  std::string error;
  double sent_per_s = 0;
  double delivered_per_s = 0;
  double expected_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double server_cpu_share = 0;     // CPU seconds per second of the window (1.0 = one core busy)
  double swarm_cpu_share = 0;      // all swarm processes together
  double cpu_us_per_delivery = 0;  // server CPU time / delivered messages
  long rss_peak_kib = 0;
  std::uint64_t reliable_lost = 0;    // sequence gaps in reliable messages, over the whole run
  std::uint64_t unreliable_shed = 0;  // sequence gaps in unreliable ones
  std::uint64_t disconnected = 0;     // clients whose connection ended before the bench ended it
  std::string disconnect_reason;      // the first one's
};

BenchResult failed(std::string server, std::string error) {
  BenchResult result;
  result.server = std::move(server);
  result.error = std::move(error);
  return result;
}

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Latencies as a histogram with three significant digits (a few thousand buckets at most), so that
// each swarm process reports its share in one line and the parent merges them exactly.
using LatencyHistogram = std::map<std::int64_t, std::uint64_t>;

std::int64_t latency_bucket(std::int64_t ns) {
  std::int64_t scale = 1;
  while (ns / scale >= 1000) scale *= 10;
  return ns / scale * scale;
}

double percentile_ms(const LatencyHistogram& histogram, double p) {
  std::uint64_t total = 0;
  for (const auto& [bucket, count] : histogram) total += count;
  if (total == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(p * static_cast<double>(total - 1));
  std::uint64_t seen = 0;
  for (const auto& [bucket, count] : histogram) {
    seen += count;
    if (seen > rank) return static_cast<double>(bucket) / 1e6;
  }
  return static_cast<double>(histogram.rbegin()->first) / 1e6;
}

void print_json_line(const nlohmann::json& line) { std::cout << line.dump() << std::endl; }

// ---- the swarm (a child process): its share of the clients against `url` ----

ExitCode run_swarm(const SwarmOptions& options) {
  carriers::AsioRuntime runtime;
  struct Client {
    transport::TransportPtr transport;
    std::string address;
    bool joined = false;
    std::vector<std::int64_t> sent_at_ns;    // by sequence number
    std::vector<std::int64_t> highest_seen;  // by sender index
  };
  std::vector<std::unique_ptr<Client>> clients;
  std::map<std::string, Client*> by_address;  // this process's clients: latency is measured between them
  LatencyHistogram latencies;
  std::uint64_t delivered = 0;
  std::uint64_t sent = 0;
  bool measuring = false;
  bool ending = false;
  // Losses: per receiver, the highest sequence number seen from each sender (by its index among all
  // clients); a jump over numbers is a loss, reliable or unreliable by the numbers jumped over.
  std::map<std::string, std::size_t> sender_index;
  std::uint64_t reliable_lost = 0;
  std::uint64_t unreliable_shed = 0;
  std::uint64_t disconnected = 0;
  std::string disconnect_reason;

  const auto identity_of = [](std::size_t i) {
    std::array<std::uint8_t, 32> owner{}, ephemeral{};
    owner[30] = static_cast<std::uint8_t>((i + 1) >> 8);
    owner[31] = static_cast<std::uint8_t>(i + 1);
    ephemeral = owner;
    ephemeral[0] = 0x42;
    return identity::make_signing_identity(owner, ephemeral, 4102444800000).value();
  };
  for (std::size_t i = 0; i < options.clients; ++i) sender_index[core::to_lower_ascii(identity_of(i).address)] = i;
  for (std::size_t i = options.first; i < options.first + options.count; ++i) {
    auto id = identity_of(i);
    auto client = std::make_unique<Client>();
    client->highest_seen.assign(options.clients, -1);
    client->address = id.address;
    transport::TransportContext context{.runtime = &runtime,
                                        .identity = std::move(id),
                                        .websocket = carriers::make_websocket_connector(runtime),
                                        .websocket_options = {}};
    transport::TransportFactory factory(context);
    ws_room::register_ws_room(factory);
    client->transport = factory.create(options.url).value();
    client->transport->set_event_handler([&, raw = client.get()](const transport::TransportEvent& e) {
      if (std::holds_alternative<transport::Connected>(e)) raw->joined = true;
      if (const auto* d = std::get_if<transport::Disconnected>(&e); d && !ending) {
        if (disconnected++ == 0) disconnect_reason = d->reason;
      }
      const auto* m = std::get_if<transport::MessageReceived>(&e);
      if (!m) return;
      auto packet = codec::decode_packet(m->packet);
      if (!packet) return;
      const auto seq = packet->position().index();
      if (const auto from = sender_index.find(core::to_lower_ascii(m->sender)); from != sender_index.end()) {
        auto& highest = raw->highest_seen[from->second];
        for (auto missing = highest + 1; missing < static_cast<std::int64_t>(seq); ++missing) {
          ++(is_unreliable(options.unreliable, options.mixed, static_cast<std::uint32_t>(missing)) ? unreliable_shed : reliable_lost);
        }
        highest = std::max<std::int64_t>(highest, seq);
      }
      if (!measuring) return;
      ++delivered;
      const auto sender = by_address.find(m->sender);
      if (sender == by_address.end()) return;  // a client of another swarm process
      if (seq < sender->second->sent_at_ns.size()) {
        ++latencies[latency_bucket(core::to_ns(runtime.now()) - sender->second->sent_at_ns[seq])];
      }
    });
    by_address[client->address] = client.get();
    (void)client->transport->connect();
    clients.push_back(std::move(client));
  }
  std::size_t joined = 0;
  const auto join_deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < join_deadline) {
    runtime.run_for(20ms);
    joined = static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(), [](const auto& c) { return c->joined; }));
    if (joined == clients.size()) break;
  }
  if (joined != clients.size()) {
    print_json_line(
        {{"event", "failed"}, {"error", std::to_string(joined) + " of " + std::to_string(clients.size()) + " clients joined in 30 s"}});
    return ExitCode::failed;
  }
  print_json_line({{"event", "joined"}, {"clients", joined}});

  // "go <start ns>" on stdin; the clients keep running (and answering) meanwhile.
  std::string command;
  while (command.empty()) {
    runtime.run_for(10ms);
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    if (poll(&fd, 1, 0) <= 0) continue;
    if (!std::getline(std::cin, command)) return ExitCode::failed;  // the parent went away
  }
  if (command.rfind("go ", 0) != 0) return ExitCode::bad_input;
  const std::int64_t start_ns = std::stoll(command.substr(3));
  const auto start = core::time_point_from_ns(start_ns);
  const auto measure_from = start + warm_up;
  const auto measure_to = measure_from + std::chrono::nanoseconds(static_cast<std::int64_t>(options.seconds * 1e9));

  // Each client sends on its own phase of the period (by its index among all clients), so the load
  // is spread evenly across the swarm processes too.
  const auto period = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / options.rate_hz));
  std::vector<std::function<void()>> tickers(clients.size());
  for (std::size_t i = 0; i < clients.size(); ++i) {
    tickers[i] = [&, i] {
      Client& c = *clients[i];
      codec::Packet packet;
      packet.mutable_position()->set_index(static_cast<std::uint32_t>(c.sent_at_ns.size()));
      packet.mutable_position()->set_position_x(static_cast<float>(options.first + i));
      packet.set_protocol_version(100);
      const bool unreliable = is_unreliable(options.unreliable, options.mixed, static_cast<std::uint32_t>(c.sent_at_ns.size()));
      c.sent_at_ns.push_back(core::to_ns(runtime.now()));
      const auto bytes = codec::encode_packet(packet);
      if (c.transport->send(bytes, {unreliable ? transport::Reliability::unreliable : transport::Reliability::reliable, {}})) {
        if (measuring) ++sent;
      }
      runtime.schedule_at(runtime.now() + period, tickers[i]);
    };
    const auto phase = period * static_cast<std::int64_t>(options.first + i) / static_cast<std::int64_t>(options.clients);
    runtime.schedule_at(start + phase, tickers[i]);
  }
  runtime.schedule_at(measure_from, [&] { measuring = true; });
  runtime.schedule_at(measure_to, [&] { measuring = false; });
  while (runtime.now() < measure_to) runtime.run_for(50ms);

  nlohmann::json histogram = nlohmann::json::array();
  for (const auto& [bucket, count] : latencies) histogram.push_back({bucket, count});
  print_json_line({{"event", "result"},
                   {"sent", sent},
                   {"delivered", delivered},
                   {"latency_ns", histogram},
                   {"reliable_lost", reliable_lost},
                   {"unreliable_shed", unreliable_shed},
                   {"disconnected", disconnected},
                   {"disconnect_reason", disconnect_reason}});
  ending = true;
  for (auto& c : clients) c->transport->disconnect();
  runtime.run_for(200ms);
  return ExitCode::ok;
}

// ---- the parent: a server, the swarms, the server's CPU over the window ----

std::vector<std::string> pinned(std::vector<std::string> argv, const std::string& cpus) {
  if (cpus.empty()) return argv;
  argv.insert(argv.begin(), {"taskset", "-c", cpus});
  return argv;
}

std::string server_cpus(const BenchOptions& options) { return options.pin ? "0" : ""; }

std::string swarm_cpus(const BenchOptions& options) {
  if (!options.pin) return "";
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores <= 2 ? "1" : "1-" + std::to_string(cores - 1);
}

void sleep_until_ns(std::int64_t when_ns, ChildProcess& server) {
  while (steady_ns() < when_ns) {
    server.drain();
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::int64_t>(when_ns - steady_ns(), 20'000'000)));
  }
}

BenchResult measure(const std::string& name, const std::string& url, const BenchOptions& options, ChildProcess& server) {
  BenchResult result;
  result.server = name;
  std::vector<ChildProcess> swarms;
  const std::size_t processes = std::min(options.swarm_processes, options.clients);
  for (std::size_t p = 0; p < processes; ++p) {
    const std::size_t first = options.clients * p / processes;
    const std::size_t last = options.clients * (p + 1) / processes;
    std::vector<std::string> argv = {current_executable_path(),
                                     "ws-room",
                                     "bench-swarm",
                                     "--url",
                                     url,
                                     "--first",
                                     std::to_string(first),
                                     "--count",
                                     std::to_string(last - first),
                                     "--clients",
                                     std::to_string(options.clients),
                                     "--rate-hz",
                                     std::to_string(options.rate_hz),
                                     "--seconds",
                                     std::to_string(options.seconds)};
    if (options.unreliable) argv.emplace_back("--unreliable");
    if (options.mixed) argv.emplace_back("--mixed");
    auto swarm = ChildProcess::spawn(pinned(argv, swarm_cpus(options)), {});
    if (!swarm) return failed(name, "cannot start a bench-swarm process");
    swarms.push_back(std::move(*swarm));
  }
  for (auto& swarm : swarms) {
    const auto line = swarm.wait_for_line("\"event\"", 40s);
    server.drain();
    if (!line) return failed(name, "a swarm process did not report its clients joined");
    const auto json = nlohmann::json::parse(*line, nullptr, false);
    if (json.is_discarded() || json.value("event", "") != "joined") return failed(name, json.value("error", *line));
  }
  const std::int64_t start_ns = steady_ns() + 200'000'000;
  for (auto& swarm : swarms) swarm.write_line("go " + std::to_string(start_ns));
  const std::int64_t from_ns = start_ns + std::chrono::nanoseconds(warm_up).count();
  const std::int64_t to_ns = from_ns + static_cast<std::int64_t>(options.seconds * 1e9);

  sleep_until_ns(from_ns, server);
  const std::int64_t server_cpu_from = server.cpu_time_ns();
  std::int64_t swarm_cpu_from = 0;
  for (const auto& swarm : swarms) swarm_cpu_from += swarm.cpu_time_ns();
  sleep_until_ns(to_ns, server);
  const std::int64_t server_cpu_to = server.cpu_time_ns();
  std::int64_t swarm_cpu_to = 0;
  for (const auto& swarm : swarms) swarm_cpu_to += swarm.cpu_time_ns();

  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  LatencyHistogram latencies;
  for (auto& swarm : swarms) {
    const auto line = swarm.wait_for_line("\"result\"", 60s);
    server.drain();
    if (!line) return failed(name, "a swarm process gave no result");
    const auto json = nlohmann::json::parse(*line);
    sent += json["sent"].get<std::uint64_t>();
    delivered += json["delivered"].get<std::uint64_t>();
    for (const auto& entry : json["latency_ns"]) latencies[entry[0].get<std::int64_t>()] += entry[1].get<std::uint64_t>();
    result.reliable_lost += json["reliable_lost"].get<std::uint64_t>();
    result.unreliable_shed += json["unreliable_shed"].get<std::uint64_t>();
    result.disconnected += json["disconnected"].get<std::uint64_t>();
    if (result.disconnect_reason.empty()) result.disconnect_reason = json["disconnect_reason"].get<std::string>();
  }
  result.rss_peak_kib = server.rss_peak_kib();
  for (auto& swarm : swarms) swarm.stop();
  result.ok = true;
  result.sent_per_s = static_cast<double>(sent) / options.seconds;
  result.delivered_per_s = static_cast<double>(delivered) / options.seconds;
  result.expected_per_s = result.sent_per_s * static_cast<double>(options.clients - 1);
  result.p50_ms = percentile_ms(latencies, 0.50);
  result.p99_ms = percentile_ms(latencies, 0.99);
  const double window_ns = options.seconds * 1e9;
  result.server_cpu_share = static_cast<double>(server_cpu_to - server_cpu_from) / window_ns;
  result.swarm_cpu_share = static_cast<double>(swarm_cpu_to - swarm_cpu_from) / window_ns;
  if (delivered > 0)
    result.cpu_us_per_delivery = static_cast<double>(server_cpu_to - server_cpu_from) / 1e3 / static_cast<double>(delivered);
  return result;
}

BenchResult bench_ours(const BenchOptions& options) {
  auto server = ChildProcess::spawn(pinned({current_executable_path(), "ws-room", "serve", "--listen", "127.0.0.1:0", "--capacity",
                                            "100000", "--write-coalesce-ms", std::to_string(options.write_coalesce_ms)},
                                           server_cpus(options)),
                                    {});
  if (!server) return failed("dclcomms", "cannot start dclcomms ws-room serve");
  const auto ready = server->wait_for_line("\"listening\"", 10s);
  if (!ready) return failed("dclcomms", "dclcomms ws-room serve did not start");
  const std::string address = nlohmann::json::parse(*ready)["address"];
  return measure("dclcomms", "ws-room:ws://" + address + "/rooms/bench", options, *server);
}

BenchResult bench_mini_comms(const BenchOptions& options) {
  // A free port: bind port 0 through our own server would need Asio here; pick from our PID instead.
  const std::string port = std::to_string(20000 + getpid() % 20000);
  auto server = ChildProcess::spawn(pinned({"node", options.mini_comms}, server_cpus(options)),
                                    {"HTTP_SERVER_PORT=" + port, "HTTP_SERVER_HOST=127.0.0.1"});
  if (!server) return failed("mini-comms", "cannot start node " + options.mini_comms);
  if (!server->wait_for_line("Listening", 20s)) return failed("mini-comms", "mini-comms did not start on port " + port);
  return measure("mini-comms", "ws-room:ws://127.0.0.1:" + port + "/rooms/bench", options, *server);
}

void print_table(const std::vector<BenchResult>& results, const BenchOptions& options) {
  std::cout << "ws-room bench: " << options.clients << " clients in one room, " << options.rate_hz << " Hz "
            << (options.unreliable ? "unreliable"
                : options.mixed    ? "mixed (every other one unreliable)"
                                   : "reliable")
            << " position updates, " << options.seconds << " s measured after 1 s warm-up; swarm: " << options.swarm_processes
            << " process(es); "
            << (options.pin ? "server pinned to CPU 0, swarm to the others" : "servers and swarm share this machine's cores");
  if (options.write_coalesce_ms > 0) std::cout << "; dclcomms with --write-coalesce-ms " << options.write_coalesce_ms;
  std::cout << "\n\n";
  std::cout << std::left << std::setw(12) << "server" << std::right << std::setw(9) << "sent/s" << std::setw(13) << "delivered/s"
            << std::setw(12) << "expected/s" << std::setw(9) << "p50 ms" << std::setw(9) << "p99 ms" << std::setw(10) << "srv CPU%"
            << std::setw(10) << "us/deliv" << std::setw(11) << "swarm CPU%" << std::setw(9) << "RSS MiB" << '\n';
  for (const auto& r : results) {
    if (!r.ok) {
      std::cout << std::left << std::setw(12) << r.server << "  failed: " << r.error << '\n';
      continue;
    }
    std::cout << std::left << std::setw(12) << r.server << std::right << std::fixed << std::setprecision(0) << std::setw(9) << r.sent_per_s
              << std::setw(13) << r.delivered_per_s << std::setw(12) << r.expected_per_s << std::setprecision(2) << std::setw(9) << r.p50_ms
              << std::setw(9) << r.p99_ms << std::setprecision(1) << std::setw(10) << r.server_cpu_share * 100 << std::setprecision(2)
              << std::setw(10) << r.cpu_us_per_delivery << std::setprecision(1) << std::setw(11) << r.swarm_cpu_share * 100 << std::setw(9)
              << static_cast<double>(r.rss_peak_kib) / 1024.0 << '\n';
  }
  std::cout << "\nlosses over the whole run (sequence gaps seen by the receivers):\n";
  for (const auto& r : results) {
    if (!r.ok) continue;
    std::cout << std::left << std::setw(12) << r.server << std::right << "reliable lost " << r.reliable_lost << ", unreliable shed "
              << r.unreliable_shed << ", clients disconnected " << r.disconnected
              << (r.disconnected > 0 ? " (first: " + r.disconnect_reason + ")" : std::string()) << '\n';
  }
  if (results.size() == 2 && results[0].ok && results[1].ok && results[1].delivered_per_s > 0 && results[1].p99_ms > 0 &&
      results[1].cpu_us_per_delivery > 0) {
    std::cout << std::setprecision(2) << "\nratio dclcomms / mini-comms: server CPU per delivery "
              << results[0].cpu_us_per_delivery / results[1].cpu_us_per_delivery << "x, delivered/s "
              << results[0].delivered_per_s / results[1].delivered_per_s << "x, p99 latency " << results[0].p99_ms / results[1].p99_ms
              << "x, peak RSS " << static_cast<double>(results[0].rss_peak_kib) / static_cast<double>(results[1].rss_peak_kib) << "x\n";
  }
}

ExitCode run_bench(const BenchOptions& options) {
  signal(SIGPIPE, SIG_IGN);  // a swarm that died must not kill the bench through its stdin pipe
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
  auto* bench = ws_room.add_subcommand(
      "bench",
      "N clients in one room send position updates at R Hz over loopback; prints delivered messages/s, p50/p99 relay latency, "
      "the server's CPU time per delivered message and its peak RSS for our server and, with --mini-comms, the upstream one");
  bench->add_option("--clients", options->clients, "Clients in the room")->capture_default_str()->check(CLI::Range(2, 1000));
  bench->add_option("--rate-hz", options->rate_hz, "Updates per second per client")->capture_default_str()->check(CLI::Range(0.1, 100.0));
  bench->add_option("--seconds", options->seconds, "Measured window")->capture_default_str()->check(CLI::Range(0.5, 600.0));
  bench->add_flag("--unreliable", options->unreliable, "Send unreliable updates (servers may drop them under backlog)");
  bench->add_flag("--mixed", options->mixed, "Every other update unreliable (losses are counted per kind)");
  bench->add_option("--swarm-processes", options->swarm_processes, "Client processes sharing the clients")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  bench->add_flag("--pin", options->pin, "Pin the server to CPU 0 and the swarm to the other CPUs (taskset)");
  bench->add_option("--write-coalesce-ms", options->write_coalesce_ms, "Our server's --write-coalesce-ms")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  bench->add_option("--mini-comms", options->mini_comms,
                    "Path to @dcl/mini-comms/dist/index.js (e.g. conformance/interop/ws_room/node_modules/...) to "
                    "bench it side by side");
  bench->callback([options, &exit_code] { exit_code = run_bench(*options); });

  auto swarm = std::make_shared<SwarmOptions>();
  auto* swarm_cmd = ws_room.add_subcommand("bench-swarm", "One client process of `ws-room bench` (started by it)");
  swarm_cmd->group("");  // internal: not listed in --help
  swarm_cmd->add_option("--url", swarm->url)->required();
  swarm_cmd->add_option("--first", swarm->first)->required();
  swarm_cmd->add_option("--count", swarm->count)->required()->check(CLI::Range(1, 1000));
  swarm_cmd->add_option("--clients", swarm->clients)->required()->check(CLI::Range(1, 1000));
  swarm_cmd->add_option("--rate-hz", swarm->rate_hz)->required()->check(CLI::Range(0.1, 100.0));
  swarm_cmd->add_option("--seconds", swarm->seconds)->required()->check(CLI::Range(0.5, 600.0));
  swarm_cmd->add_flag("--unreliable", swarm->unreliable);
  swarm_cmd->add_flag("--mixed", swarm->mixed);
  swarm_cmd->callback([swarm, &exit_code] { exit_code = run_swarm(*swarm); });
}

}  // namespace dclcomms::cli
