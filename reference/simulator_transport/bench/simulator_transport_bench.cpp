// How much faster than real time a driven crowd runs: N peers (walkers, Position at 10 Hz, lan)
// for 10 simulated seconds on a ManualRuntime, through the factory like any client.
#include <benchmark/benchmark.h>

#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/simulator_transport/simulator_transport.hpp"

namespace {

using namespace std::chrono_literals;
using namespace dclcomms;

void BM_DrivenCrowd(benchmark::State& state) {
  const auto peers = static_cast<std::uint32_t>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    core::ManualRuntime runtime;
    transport::TransportContext context;
    context.runtime = &runtime;
    transport::TransportFactory factory(context);
    simulator_transport::register_simulator_transport(factory);
    auto created = factory.create("simulator:?seed=1&peers=" + std::to_string(peers));
    auto& room = **created;
    room.set_event_handler([&events](const transport::TransportEvent&) { ++events; });
    (void)room.connect();
    runtime.advance(10s);
    room.disconnect();
    runtime.advance(1ms);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  // Simulated seconds per wall second: 10 simulated seconds per iteration.
  state.counters["x_realtime"] = benchmark::Counter(10.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DrivenCrowd)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
