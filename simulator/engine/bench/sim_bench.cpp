// sim_bench: how fast the engine runs. Not a test (not registered with ctest); run it by hand:
//   sim_bench --benchmark_min_time=0.5
// Reports events/s for the raw scheduler and for a 100-host room, and simulated seconds per wall
// second (sim_s_per_wall_s) for the room.
#include <benchmark/benchmark.h>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/sim/event_queue.hpp"
#include "dclcomms/sim/scenario.hpp"
#include "dclcomms/sim/scenario_runner.hpp"
#include "dclcomms/sim/simulation.hpp"

namespace {

using namespace dclcomms;

// Raw scheduler: keep `pending` events in the queue; each pop schedules one more at a random
// later time (the steady state of a busy simulation).
void BM_SchedulerEvents(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  sim::EventQueue queue(pending + 1);
  core::Prng prng(1);
  std::int64_t now_ns = 0;
  std::uint64_t counter = 0;
  for (std::size_t i = 0; i < pending; ++i) {
    queue.schedule(core::time_point_from_ns(static_cast<std::int64_t>(prng.uniform_below(1'000'000))), [&counter] { ++counter; });
  }
  for (auto _ : state) {
    sim::EventQueue::Due due = queue.pop();
    now_ns = core::to_ns(due.time);
    due.action();
    queue.schedule(core::time_point_from_ns(now_ns + static_cast<std::int64_t>(prng.uniform_below(1'000'000))), [&counter] { ++counter; });
  }
  benchmark::DoNotOptimize(counter);
  state.SetItemsProcessed(state.iterations());
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SchedulerEvents)->Arg(1'000)->Arg(100'000);

// The whole Simulation loop with timers only (HostRuntime): step() overhead without the network.
void BM_SimulationTimers(benchmark::State& state) {
  for (auto _ : state) {
    sim::Simulation simulation(sim::SimulationConfig{.seed = 1});
    const sim::HostId host = simulation.add_host("h");
    core::Runtime& runtime = simulation.runtime(host);
    std::function<void()> tick = [&] { runtime.schedule_at(runtime.now() + std::chrono::microseconds(10), tick); };
    for (int i = 0; i < 100; ++i) runtime.post(tick);
    const std::uint64_t events = simulation.run_until(core::TimePoint(std::chrono::milliseconds(100)));
    state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  }
}
BENCHMARK(BM_SimulationTimers)->Unit(benchmark::kMillisecond);

// The room: 100 hosts on LAN links, each sending 100 bytes at 10 Hz to the 99 others.
void BM_Room100(benchmark::State& state) {
  const auto scenario = sim::load_scenario("room-100");
  if (!scenario) {
    state.SkipWithError("room-100 does not load");
    return;
  }
  std::uint64_t events = 0;
  double simulated_s = 0;
  for (auto _ : state) {
    const sim::RunResult result = sim::run_scenario(*scenario, sim::RunOptions{1, nullptr, {}});
    events += result.stats.events_run;
    simulated_s += static_cast<double>(core::to_ns(result.end)) / 1e9;
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(simulated_s, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Room100)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
