// dclcomms sim bench: how fast the simulator runs, printed as a table — the bare scheduler, and a
// 100-peer ws-room room at 10 Hz with the real transport, server and packet codec in the loop.
// Wall time is read here, in the CLI, never inside a run.
#include <array>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/assert.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/sim/weather.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "dclcomms/sim_room/sim_room.hpp"

namespace dclcomms::cli {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct SimBenchOptions {
  std::uint64_t seed = 1;
  std::size_t peers = 100;
  double rate_hz = 10;
  double sim_seconds = 10;
};

struct Row {
  std::string name;
  std::uint64_t events = 0;
  double wall_s = 0;
  double sim_s = 0;
  std::string note;
};

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// 1,000 self-rescheduling timers on one host: the event queue and dispatch alone.
Row bench_scheduler(const SimBenchOptions& options) {
  sim::Simulation simulation(sim::SimulationConfig{.seed = options.seed});
  const sim::HostId host = simulation.add_host("h");
  core::Runtime& runtime = simulation.runtime(host);
  constexpr std::uint64_t events_target = 2'000'000;
  std::uint64_t fired = 0;
  std::vector<std::function<void()>> timers(1000);
  for (std::size_t i = 0; i < timers.size(); ++i) {
    timers[i] = [&, i] {
      ++fired;
      if (fired < events_target) runtime.schedule_at(runtime.now() + std::chrono::microseconds(100 + i), timers[i]);
    };
    runtime.schedule_at(runtime.now() + std::chrono::microseconds(i), timers[i]);
  }
  const auto start = Clock::now();
  while (fired < events_target && simulation.step()) {
  }
  return Row{"scheduler, 1000 pending timers", simulation.stats().events_run, seconds_since(start),
             std::chrono::duration<double>(simulation.now().time_since_epoch()).count(), ""};
}

// The room: our WsRoomServer and `peers` WsRoomTransports on simulated hosts (lan weather), each
// sending an encoded Position at `rate_hz`; every receiver decodes what it gets.
Row bench_room(const SimBenchOptions& options) {
  sim_room::SimRoom room(sim_room::SimRoomConfig{.seed = options.seed, .events_max = 8'000'000});
  sim::Simulation& simulation = room.simulation();
  const auto server_error = room.start_reference_server();
  DCL_ASSERT(!server_error);  // nothing else listens on the room's host: a failure is a bug
  struct Peer {
    sim::HostId host;
    transport::TransportPtr transport;
    bool joined = false;
    std::uint32_t index = 0;
  };
  std::vector<std::unique_ptr<Peer>> peers;
  std::uint64_t decoded = 0;
  for (std::size_t i = 0; i < options.peers; ++i) {
    auto peer = std::make_unique<Peer>();
    peer->host = room.add_client_host("peer-" + std::to_string(i), *sim::weather_profile("lan"));
    Peer* raw = peer.get();
    peer->transport = room.add_client(peer->host, sim_room::member_identity(options.seed, static_cast<std::uint32_t>(i + 1)),
                                      "ws-room:ws://room-server/rooms/bench", [raw, &decoded](const transport::TransportEvent& e) {
                                        if (std::holds_alternative<transport::Connected>(e)) raw->joined = true;
                                        if (const auto* m = std::get_if<transport::MessageReceived>(&e)) {
                                          decoded += codec::decode_packet(m->packet).ok() ? 1 : 0;
                                        }
                                      });
    (void)peer->transport->connect();
    peers.push_back(std::move(peer));
  }
  simulation.run_until([&] { return std::all_of(peers.begin(), peers.end(), [](const auto& p) { return p->joined; }); }, 50'000'000);
  const auto period = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / options.rate_hz));
  // One ticker per peer, owned here (a ticker that owned itself through a shared_ptr would leak).
  std::vector<std::function<void()>> tickers(peers.size());
  for (std::size_t i = 0; i < peers.size(); ++i) {
    Peer* peer = peers[i].get();
    core::Runtime& runtime = simulation.runtime(peer->host);
    tickers[i] = [peer, &runtime, period, &tickers, i] {
      codec::Packet packet;
      packet.mutable_position()->set_index(++peer->index);
      packet.mutable_position()->set_position_x(static_cast<float>(peer->index));
      packet.set_protocol_version(100);
      (void)peer->transport->send(codec::encode_packet(packet), {transport::Reliability::unreliable, {}});
      runtime.schedule_at(runtime.now() + period, tickers[i]);
    };
    runtime.schedule_at(runtime.now() + period * static_cast<std::int64_t>(i) / static_cast<std::int64_t>(peers.size()), tickers[i]);
  }
  const std::uint64_t events_before = simulation.stats().events_run;
  const core::TimePoint sim_start = simulation.now();
  const long rss_start = rss_kib();
  const auto start = Clock::now();
  simulation.run_until(sim_start + std::chrono::nanoseconds(static_cast<std::int64_t>(options.sim_seconds * 1e9 / 2)));
  const long rss_half = rss_kib();
  simulation.run_until(sim_start + std::chrono::nanoseconds(static_cast<std::int64_t>(options.sim_seconds * 1e9)));
  const double wall = seconds_since(start);
  const long rss_end = rss_kib();
  const std::string note = std::to_string(decoded) + " packets decoded; RSS " + std::to_string(rss_start / 1024) + " -> " +
                           std::to_string(rss_half / 1024) + " -> " + std::to_string(rss_end / 1024) + " MiB (start, half, end)";
  return Row{std::to_string(options.peers) + "-peer ws-room room, " + std::to_string(static_cast<int>(options.rate_hz)) +
                 " Hz, codec in the loop",
             simulation.stats().events_run - events_before, wall, options.sim_seconds, note};
}

ExitCode run_bench(const SimBenchOptions& options) {
  std::cout << "seed=" << options.seed << "\n";
  std::vector<Row> rows{bench_scheduler(options), bench_room(options)};
  std::cout << std::left << std::setw(48) << "benchmark" << std::right << std::setw(12) << "events" << std::setw(10) << "wall s"
            << std::setw(14) << "events/s" << std::setw(16) << "sim s/wall s" << '\n';
  for (const auto& r : rows) {
    std::cout << std::left << std::setw(48) << r.name << std::right << std::setw(12) << r.events << std::fixed << std::setprecision(2)
              << std::setw(10) << r.wall_s << std::setprecision(0) << std::setw(14) << static_cast<double>(r.events) / r.wall_s
              << std::setprecision(1) << std::setw(16) << r.sim_s / r.wall_s << '\n';
    if (!r.note.empty()) std::cout << "  " << r.note << '\n';
  }
  std::cout << "targets: >= 5,000,000 events/s for the scheduler and >= 1,000,000 events/s with the codec in the loop, "
               "on one core (measure in a Release build; this machine is shared and noisy)\n";
  return ExitCode::ok;
}

}  // namespace

void register_sim_bench_command(CLI::App& app, ExitCode& exit_code) {
  CLI::App* sim = app.get_subcommand("sim");
  auto options = std::make_shared<SimBenchOptions>();
  auto* bench = sim->add_subcommand("bench",
                                    "Print a table of simulator speed: the bare scheduler, and a ws-room room with transports "
                                    "and the packet codec in the loop");
  bench->add_option("--seed", options->seed, "Seed")->capture_default_str();
  bench->add_option("--peers", options->peers, "Peers in the room")->capture_default_str()->check(CLI::Range(2, 1000));
  bench->add_option("--rate-hz", options->rate_hz, "Position updates per peer per second")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 100.0));
  bench->add_option("--sim-seconds", options->sim_seconds, "Simulated seconds of the room run")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 3600.0));
  bench->callback([options, &exit_code] { exit_code = run_bench(*options); });
}

}  // namespace dclcomms::cli
