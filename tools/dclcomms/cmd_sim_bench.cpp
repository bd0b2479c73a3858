// dclcomms sim bench: how fast the simulator runs, printed as a table — the bare scheduler, a
// 100-peer ws-room room at 10 Hz with the real transport, server and packet codec in the loop, a
// 1,000-avatar `simulator` transport crowd, and (with --determinism-seeds N) a timed sweep of
// sim::check_determinism over the built-in scenarios. Wall and CPU time are read here, in the CLI,
// never inside a run.
#include <array>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "commands.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/sim/determinism_check.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/simulation.hpp"
#include "dclcomms/sim/weather.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "dclcomms/sim_room/sim_room.hpp"
#include "dclcomms/simulator_transport/simulated_crowd.hpp"
#include "dclcomms/simulator_transport/simulator_transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::cli {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct SimBenchOptions {
  std::uint64_t seed = 1;
  std::size_t peers = 100;
  double rate_hz = 10;
  double sim_seconds = 10;
  std::uint32_t crowd_peers = 1000;
  std::uint64_t determinism_seeds = 0;             // 0: no sweep
  std::vector<std::string> determinism_scenarios;  // empty: every built-in scenario
};

struct Row {
  std::string name;
  std::uint64_t events = 0;
  double wall_s = 0;
  double sim_s = 0;
  std::string note;
  double cpu_s = 0;  // this process's CPU time over the same span (steadier than wall time on a shared machine)
};

// Process CPU time; with wall time, the only clocks here (the CLI measures, the simulator never reads one).
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

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
  const double cpu_start = cpu_seconds();
  while (fired < events_target && simulation.step()) {
  }
  return Row{"scheduler, 1000 pending timers",
             simulation.stats().events_run,
             seconds_since(start),
             std::chrono::duration<double>(simulation.now().time_since_epoch()).count(),
             "",
             cpu_seconds() - cpu_start};
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
  const double cpu_start = cpu_seconds();
  simulation.run_until(sim_start + std::chrono::nanoseconds(static_cast<std::int64_t>(options.sim_seconds * 1e9 / 2)));
  const long rss_half = rss_kib();
  simulation.run_until(sim_start + std::chrono::nanoseconds(static_cast<std::int64_t>(options.sim_seconds * 1e9)));
  const double wall = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  const long rss_end = rss_kib();
  const std::string note = std::to_string(decoded) + " packets decoded; RSS " + std::to_string(rss_start / 1024) + " -> " +
                           std::to_string(rss_half / 1024) + " -> " + std::to_string(rss_end / 1024) + " MiB (start, half, end); " +
                           std::to_string(simulation.events_pending()) + " events pending at the end";
  return Row{std::to_string(options.peers) + "-peer ws-room room, " + std::to_string(static_cast<int>(options.rate_hz)) +
                 " Hz, codec in the loop",
             simulation.stats().events_run - events_before,
             wall,
             options.sim_seconds,
             note,
             cpu};
}

// The `simulator` transport: `crowd_peers` virtual explorers (walkers on lan, Positions at 10 Hz)
// behind one transport, driven on a ManualRuntime for `sim_seconds`, through the factory like any
// client. Events are the crowd's simulation events; the note counts what reached the user.
Row bench_crowd(const SimBenchOptions& options) {
  core::ManualRuntime runtime;
  transport::TransportContext context;
  context.runtime = &runtime;
  transport::TransportFactory factory(context);
  simulator_transport::register_simulator_transport(factory);
  auto created = factory.create("simulator:?seed=" + std::to_string(options.seed) + "&peers=" + std::to_string(options.crowd_peers));
  DCL_ASSERT(created.ok());  // a URI we built: a failure is a bug
  auto& transport = **created;
  std::uint64_t received = 0;
  transport.set_event_handler([&received](const transport::TransportEvent& e) {
    if (std::holds_alternative<transport::MessageReceived>(e)) ++received;
  });
  (void)transport.connect();
  const auto* crowd = dynamic_cast<const simulator_transport::SimulatorTransport&>(transport).crowd();
  DCL_ASSERT(crowd != nullptr);
  const std::uint64_t events_before = crowd->simulation().stats().events_run;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  runtime.advance(std::chrono::nanoseconds(static_cast<std::int64_t>(options.sim_seconds * 1e9)));
  const double wall = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_start;
  const std::uint64_t events = crowd->simulation().stats().events_run - events_before;
  transport.disconnect();
  runtime.advance(std::chrono::milliseconds(1));
  return Row{std::to_string(options.crowd_peers) + "-avatar simulator transport crowd, lan",
             events,
             wall,
             options.sim_seconds,
             std::to_string(received) + " packets reached the user",
             cpu};
}

// sim::check_determinism (each seed run twice, traces compared event by event) over seeds
// 1..determinism_seeds of each scenario.
std::vector<Row> bench_determinism(const SimBenchOptions& options, const std::vector<std::pair<std::string, sim::Scenario>>& scenarios) {
  std::vector<Row> rows;
  for (const auto& [name, scenario] : scenarios) {
    std::uint64_t mismatches = 0;
    std::uint64_t events = 0;
    double sim_s = 0;
    std::string first_mismatch;
    const auto start = Clock::now();
    const double cpu_start = cpu_seconds();
    for (std::uint64_t seed = 1; seed <= options.determinism_seeds; ++seed) {
      const sim::DeterminismReport report = sim::check_determinism(scenario, seed);
      if (report.divergence || report.first.digest != report.second.digest) {
        if (mismatches++ == 0) first_mismatch = "; first at seed " + std::to_string(seed);
      }
      events += report.first.events + report.second.events;
      sim_s += 2 * std::chrono::duration<double>(report.first.end.time_since_epoch()).count();
    }
    const double wall = seconds_since(start);
    char rate[64];
    std::snprintf(rate, sizeof rate, "%.1f seeds/s", static_cast<double>(options.determinism_seeds) / std::max(wall, 1e-9));
    rows.push_back(Row{"determinism " + name + ", " + std::to_string(options.determinism_seeds) + " seeds x 2 runs", events, wall, sim_s,
                       "seeds=" + std::to_string(options.determinism_seeds) + " mismatches=" + std::to_string(mismatches) + first_mismatch +
                           " (" + rate + ")",
                       cpu_seconds() - cpu_start});
  }
  return rows;
}

ExitCode run_bench(const SimBenchOptions& options) {
  std::vector<std::pair<std::string, sim::Scenario>> sweep;  // loaded before anything runs: a bad name fails at once
  if (options.determinism_seeds > 0) {
    std::vector<std::string> names = options.determinism_scenarios;
    if (names.empty()) {
      for (const std::string_view name : sim::builtin_scenario_names()) names.emplace_back(name);
    }
    for (const std::string& name : names) {
      auto scenario = sim::load_scenario(name);
      if (!scenario) {
        report_error("sim bench", "--determinism-scenarios: " + scenario.error().message);
        return ExitCode::bad_input;
      }
      sweep.emplace_back(name, std::move(scenario).value());
    }
  }
  std::cout << "seed=" << options.seed << "\n";
  std::vector<Row> rows{bench_scheduler(options), bench_room(options), bench_crowd(options)};
  if (options.determinism_seeds > 0) {
    for (Row& row : bench_determinism(options, sweep)) rows.push_back(std::move(row));
  }
  std::cout << std::left << std::setw(52) << "benchmark" << std::right << std::setw(12) << "events" << std::setw(10) << "wall s"
            << std::setw(14) << "events/s" << std::setw(16) << "sim s/wall s" << std::setw(10) << "cpu s" << std::setw(16) << "events/cpu s"
            << '\n';
  for (const auto& r : rows) {
    std::cout << std::left << std::setw(52) << r.name << std::right << std::setw(12) << r.events << std::fixed << std::setprecision(2)
              << std::setw(10) << r.wall_s << std::setprecision(0) << std::setw(14) << static_cast<double>(r.events) / r.wall_s
              << std::setprecision(1) << std::setw(16) << r.sim_s / r.wall_s << std::setprecision(2) << std::setw(10) << r.cpu_s
              << std::setprecision(0) << std::setw(16) << static_cast<double>(r.events) / std::max(r.cpu_s, 1e-9) << '\n';
    if (!r.note.empty()) std::cout << "  " << r.note << '\n';
  }
  std::cout << "targets: >= 5,000,000 events/s for the scheduler, >= 2,000,000 events/s with the codec in the loop, the "
               "crowd at >= 1x real time, and 0 determinism mismatches, on one core (measure in a Release build; this machine "
               "is shared and noisy: events/cpu s is the steadier figure)\n";
  return ExitCode::ok;
}

}  // namespace

void register_sim_bench_command(CLI::App& app, ExitCode& exit_code) {
  CLI::App* sim = app.get_subcommand("sim");
  auto options = std::make_shared<SimBenchOptions>();
  auto* bench = sim->add_subcommand("bench",
                                    "Print a table of simulator speed: the bare scheduler, a ws-room room with transports "
                                    "and the packet codec in the loop, a simulator-transport crowd, and optionally a timed "
                                    "determinism sweep");
  bench->add_option("--seed", options->seed, "Seed")->capture_default_str();
  bench->add_option("--peers", options->peers, "Peers in the room")->capture_default_str()->check(CLI::Range(2, 1000));
  bench->add_option("--rate-hz", options->rate_hz, "Position updates per peer per second")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 100.0));
  bench->add_option("--sim-seconds", options->sim_seconds, "Simulated seconds of the room and crowd runs")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 3600.0));
  bench->add_option("--crowd-peers", options->crowd_peers, "Virtual peers in the simulator transport crowd")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  bench
      ->add_option("--determinism-seeds", options->determinism_seeds,
                   "Also run sim::check_determinism (two runs each) for seeds 1..N of each built-in scenario; 0: no sweep")
      ->capture_default_str();
  bench
      ->add_option("--determinism-scenarios", options->determinism_scenarios,
                   "Scenarios of the sweep (built-in names or files; default: every built-in)")
      ->delimiter(',');
  bench->callback([options, &exit_code] { exit_code = run_bench(*options); });
}

}  // namespace dclcomms::cli
