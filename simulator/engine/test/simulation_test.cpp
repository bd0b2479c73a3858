// Simulation: the carriers and faults, one behaviour per test.
#include "dclcomms/sim/simulation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace dclcomms::sim {
namespace {

core::TimePoint at(core::Duration d) { return core::TimePoint(d); }

Bytes bytes_of(std::uint32_t value, std::size_t size = 8) {
  Bytes out(size, 0);
  for (std::size_t i = 0; i < 4 && i < size; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return out;
}
std::uint32_t value_of(std::span<const std::uint8_t> payload) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4 && i < payload.size(); ++i) value |= std::uint32_t{payload[i]} << (8 * i);
  return value;
}

struct Pair {
  explicit Pair(LinkFaults faults, std::uint64_t seed = 1) : sim(SimulationConfig{.seed = seed}) {
    a = sim.add_host("a");
    b = sim.add_host("b");
    sim.connect(a, b, faults);
    HostHandlers handlers;
    handlers.datagram = [this](HostId, std::span<const std::uint8_t> payload) {
      datagrams.push_back(value_of(payload));
      arrival_times.push_back(sim.now());
    };
    handlers.message = [this](StreamId, HostId, std::span<const std::uint8_t> payload) { messages.push_back(value_of(payload)); };
    handlers.stream_reset = [this](StreamId, HostId) { ++resets; };
    sim.set_handlers(b, handlers);
  }
  Simulation sim;
  HostId a = 0;
  HostId b = 0;
  std::vector<std::uint32_t> datagrams;
  std::vector<core::TimePoint> arrival_times;
  std::vector<std::uint32_t> messages;
  int resets = 0;
};

// Two services on one host: each port's handlers see only the streams and datagrams sent to that
// port, replies on a stream reach the opener's handlers of the same port, and a reset is reported
// on the stream's port only.
TEST(Simulation, PortsShareAHostWithoutSeeingEachOther) {
  Simulation sim(SimulationConfig{.seed = 1});
  const HostId client = sim.add_host("client");
  const HostId server = sim.add_host("server");
  sim.connect(client, server, LinkFaults{});
  constexpr Port web = 80;
  constexpr Port other = 7880;
  std::vector<std::string> seen;
  const auto record = [&seen](std::string host_and_port) {
    HostHandlers handlers;
    handlers.datagram = [&seen, host_and_port](HostId, std::span<const std::uint8_t> p) {
      seen.push_back(host_and_port + " datagram " + std::to_string(value_of(p)));
    };
    handlers.message = [&seen, host_and_port](StreamId, HostId, std::span<const std::uint8_t> p) {
      seen.push_back(host_and_port + " message " + std::to_string(value_of(p)));
    };
    handlers.stream_opened = [&seen, host_and_port](StreamId, HostId) { seen.push_back(host_and_port + " opened"); };
    handlers.stream_reset = [&seen, host_and_port](StreamId, HostId) { seen.push_back(host_and_port + " reset"); };
    return handlers;
  };
  sim.set_handlers(server, web, record("server:80"));
  sim.set_handlers(server, other, record("server:7880"));
  sim.set_handlers(client, web, record("client:80"));
  sim.set_handlers(client, other, record("client:7880"));

  const auto to_web = sim.open_stream(client, server, web);
  ASSERT_TRUE(to_web);
  ASSERT_TRUE(sim.send_message(*to_web, client, bytes_of(1)));
  sim.send_datagram(client, server, bytes_of(2), other);
  sim.send_datagram(client, server, bytes_of(3));  // port 0: nobody listens there
  sim.run_until(at(1s));
  ASSERT_TRUE(sim.send_message(*to_web, server, bytes_of(4)));
  sim.run_until(at(2s));
  const auto to_other = sim.open_stream(server, client, other);
  ASSERT_TRUE(to_other);
  sim.run_until(at(3s));
  sim.crash(server);
  sim.run_until(at(4s));

  EXPECT_EQ(seen, (std::vector<std::string>{"server:80 opened", "server:80 message 1", "server:7880 datagram 2", "client:80 message 4",
                                            "client:7880 opened", "client:80 reset", "client:7880 reset"}));
}

TEST(Simulation, DatagramArrivesAfterLatency) {
  LinkFaults faults;
  faults.latency = 5ms;
  Pair pair(faults);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(7));
  pair.sim.run_until(at(1s));
  ASSERT_EQ(pair.datagrams, std::vector<std::uint32_t>{7});
  EXPECT_EQ(pair.arrival_times[0], at(5ms));
  EXPECT_EQ(pair.sim.now(), at(1s));
}

TEST(Simulation, MtuDropsOversizeDatagrams) {
  LinkFaults faults;
  faults.mtu_bytes = 100;
  Pair pair(faults);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(1, 101));
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(2, 100));
  pair.sim.run_until(at(1s));
  EXPECT_EQ(pair.datagrams, std::vector<std::uint32_t>{2});
  EXPECT_EQ(pair.sim.stats().datagrams_dropped, 1U);
}

TEST(Simulation, LossRateMatchesConfiguration) {
  LinkFaults faults;
  faults.loss = core::Ratio{1, 10};
  Pair pair(faults, 99);
  constexpr int count = 20'000;
  for (int i = 0; i < count; ++i) pair.sim.send_datagram(pair.a, pair.b, bytes_of(i));
  pair.sim.run_until(at(1s));
  // 2000 expected lost, sd = sqrt(20000 * 0.1 * 0.9) ~ 42: allow five sigma.
  const auto lost = static_cast<int>(count - pair.datagrams.size());
  EXPECT_NEAR(lost, 2000, 212);
}

TEST(Simulation, GilbertElliottLossComesInBursts) {
  LinkFaults faults;
  faults.burst = GilbertElliott{true, {1, 100}, {1, 10}, {0, 1}, {1, 1}};
  Pair pair(faults, 5);
  constexpr int count = 50'000;
  for (int i = 0; i < count; ++i) pair.sim.send_datagram(pair.a, pair.b, bytes_of(i));
  pair.sim.run_until(at(1s));
  // Stationary bad share = p / (p + r) = 0.01 / 0.11 ~ 9.1%; mean burst length 1 / r = 10.
  const auto lost = static_cast<double>(count - pair.datagrams.size());
  EXPECT_NEAR(lost / count, 0.0909, 0.02);
  int bursts = 0;
  for (std::size_t i = 1; i < pair.datagrams.size(); ++i) {
    if (pair.datagrams[i] != pair.datagrams[i - 1] + 1) ++bursts;
  }
  EXPECT_NEAR(lost / bursts, 10.0, 2.0);
}

TEST(Simulation, DuplicationAndCorruption) {
  LinkFaults faults;
  faults.duplication = core::Ratio::one();
  Pair pair(faults);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(3));
  pair.sim.run_until(at(1s));
  EXPECT_EQ(pair.datagrams, (std::vector<std::uint32_t>{3, 3}));

  LinkFaults corrupting;
  corrupting.corruption = core::Ratio::one();
  Pair flipped(corrupting);
  std::vector<std::uint8_t> received;
  HostHandlers handlers;
  handlers.datagram = [&](HostId, std::span<const std::uint8_t> payload) { received.assign(payload.begin(), payload.end()); };
  flipped.sim.set_handlers(flipped.b, handlers);
  const Bytes sent(16, 0);
  flipped.sim.send_datagram(flipped.a, flipped.b, sent);
  flipped.sim.run_until(at(1s));
  ASSERT_EQ(received.size(), sent.size());
  int bits = 0;
  for (const std::uint8_t byte : received) bits += __builtin_popcount(byte);
  EXPECT_EQ(bits, 1);
}

TEST(Simulation, BandwidthCapHolds) {
  LinkFaults faults;
  faults.rate_bits_per_s = 1'000'000;  // 125 000 bytes/s
  faults.queue_bytes_max = 1'000'000;
  Pair pair(faults);
  for (int i = 0; i < 100; ++i) pair.sim.send_datagram(pair.a, pair.b, bytes_of(i, 1250));
  pair.sim.run_until(at(10s));
  ASSERT_EQ(pair.datagrams.size(), 100U);
  // 1250 bytes take 10 ms at 1 Mbit/s: the k-th arrives at (k+1) * 10 ms.
  for (std::size_t k = 0; k < 100; ++k) EXPECT_EQ(pair.arrival_times[k], at(10ms * (k + 1)));
}

TEST(Simulation, FullQueueTailDrops) {
  LinkFaults faults;
  faults.rate_bits_per_s = 1'000'000;
  faults.queue_bytes_max = 5000;
  Pair pair(faults);
  for (int i = 0; i < 10; ++i) pair.sim.send_datagram(pair.a, pair.b, bytes_of(i, 1000));
  pair.sim.run_until(at(1s));
  EXPECT_EQ(pair.datagrams, (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
}

TEST(Simulation, PartitionBlocksAndHealRestores) {
  LinkFaults faults;
  faults.latency = 1ms;
  Pair pair(faults);
  const HostId side_a[] = {pair.a};
  const HostId side_b[] = {pair.b};
  pair.sim.partition(side_a, side_b);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(1));
  pair.sim.run_until(at(10ms));
  pair.sim.heal();
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(2));
  pair.sim.run_until(at(20ms));
  EXPECT_EQ(pair.datagrams, std::vector<std::uint32_t>{2});
}

TEST(Simulation, OneWayPartitionBlocksOneDirection) {
  Pair pair(LinkFaults{});
  std::vector<std::uint32_t> at_a;
  HostHandlers handlers;
  handlers.datagram = [&](HostId, std::span<const std::uint8_t> p) { at_a.push_back(value_of(p)); };
  pair.sim.set_handlers(pair.a, handlers);
  const HostId from[] = {pair.a};
  const HostId to[] = {pair.b};
  pair.sim.partition_oneway(from, to);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(1));
  pair.sim.send_datagram(pair.b, pair.a, bytes_of(2));
  pair.sim.run_until(at(1s));
  EXPECT_TRUE(pair.datagrams.empty());
  EXPECT_EQ(at_a, std::vector<std::uint32_t>{2});
}

TEST(Simulation, StreamDeliversInOrderDespiteLossAndJitter) {
  LinkFaults faults;
  faults.latency = 10ms;
  faults.jitter = Jitter{JitterKind::uniform, 20ms};
  faults.loss = core::Ratio{3, 10};
  Pair pair(faults, 11);
  const auto stream = pair.sim.open_stream(pair.a, pair.b);
  ASSERT_TRUE(stream.ok());
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < 200; ++i) {
    ASSERT_TRUE(pair.sim.send_message(*stream, pair.a, bytes_of(i, 3000)).ok());
    expected.push_back(i);
  }
  pair.sim.run_until(at(120s));
  EXPECT_EQ(pair.messages, expected);
  EXPECT_GT(pair.sim.stats().segments_retransmitted, 0U);
}

TEST(Simulation, StreamSurvivesPartitionUntilHeal) {
  LinkFaults faults;
  faults.latency = 5ms;
  Pair pair(faults);
  const auto stream = pair.sim.open_stream(pair.a, pair.b);
  ASSERT_TRUE(stream.ok());
  const HostId side_a[] = {pair.a};
  const HostId side_b[] = {pair.b};
  pair.sim.partition(side_a, side_b);
  ASSERT_TRUE(pair.sim.send_message(*stream, pair.a, bytes_of(1)).ok());
  pair.sim.run_until(at(3s));
  EXPECT_TRUE(pair.messages.empty());
  pair.sim.heal();
  pair.sim.run_until(at(10s));
  EXPECT_EQ(pair.messages, std::vector<std::uint32_t>{1});
}

TEST(Simulation, CrashResetsStreamsAndPeerIsTold) {
  LinkFaults faults;
  faults.latency = 5ms;
  Pair pair(faults);
  const auto stream = pair.sim.open_stream(pair.b, pair.a);
  ASSERT_TRUE(stream.ok());
  pair.sim.run_until(at(100ms));
  pair.sim.crash(pair.a);
  EXPECT_FALSE(pair.sim.is_stream_open(*stream));
  pair.sim.send_datagram(pair.b, pair.a, bytes_of(1));
  pair.sim.run_until(at(200ms));
  EXPECT_EQ(pair.resets, 1);
  EXPECT_EQ(pair.sim.stats().datagrams_delivered, 0U);
  pair.sim.restart(pair.a);
  EXPECT_EQ(pair.sim.host_state(pair.a), HostState::up);
}

TEST(Simulation, PauseHoldsDeliveriesAndResumeRunsThemInOrder) {
  LinkFaults faults;
  faults.latency = 1ms;
  Pair pair(faults);
  pair.sim.pause(pair.b);
  for (std::uint32_t i = 0; i < 5; ++i) pair.sim.send_datagram(pair.a, pair.b, bytes_of(i));
  pair.sim.run_until(at(50ms));
  EXPECT_TRUE(pair.datagrams.empty());
  pair.sim.resume(pair.b);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(5));
  pair.sim.run_until(at(100ms));
  EXPECT_EQ(pair.datagrams, (std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(pair.arrival_times[0], at(50ms));
}

TEST(Simulation, HostRuntimeUsesSkewedClockAndDiesWithCrash) {
  Simulation sim(SimulationConfig{.seed = 1});
  const HostId skewed = sim.add_host("skewed", HostClock{100ms, 0});
  const HostId drifting = sim.add_host("drifting", HostClock{0ms, 1000});  // +1 ms per second
  core::Runtime& runtime = sim.runtime(skewed);
  EXPECT_EQ(runtime.now(), at(100ms));
  std::vector<core::TimePoint> fired;
  runtime.schedule_at(at(150ms), [&] { fired.push_back(sim.now()); });  // local 150 = global 50
  const core::TimerId cancelled = runtime.schedule_at(at(160ms), [&] { fired.push_back(at(0ms)); });
  runtime.cancel(cancelled);
  sim.run_until(at(1s));
  EXPECT_EQ(fired, std::vector<core::TimePoint>{at(50ms)});
  EXPECT_EQ(sim.runtime(drifting).now(), at(1001ms));
  bool ran = false;
  sim.runtime(drifting).schedule_at(at(2002ms), [&] { ran = true; });
  sim.run_until(at(1999ms));
  EXPECT_FALSE(ran);
  sim.run_until(at(2000ms));
  EXPECT_TRUE(ran);
  bool after_crash = false;
  sim.runtime(skewed).post([&] { after_crash = true; });
  sim.crash(skewed);
  sim.run_until(at(3s));
  EXPECT_FALSE(after_crash);
}

TEST(Simulation, TimerHeldByPauseCanStillBeCancelled) {
  Simulation sim(SimulationConfig{.seed = 1});
  const HostId host = sim.add_host("h");
  core::Runtime& runtime = sim.runtime(host);
  std::vector<int> fired;
  const core::TimerId doomed = runtime.schedule_at(at(10ms), [&] { fired.push_back(1); });
  runtime.schedule_at(at(20ms), [&] { fired.push_back(2); });
  sim.pause(host);
  sim.run_until(at(50ms));
  EXPECT_TRUE(fired.empty());
  runtime.cancel(doomed);
  sim.resume(host);
  sim.run_until(at(60ms));
  EXPECT_EQ(fired, std::vector<int>{2});
}

TEST(Simulation, ReorderingHoldsPacketsBack) {
  LinkFaults faults;
  faults.latency = 1ms;
  faults.reordering = core::Ratio::one();
  faults.reorder_delay = 9ms;
  Pair pair(faults);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(1));
  pair.sim.run_until(at(1s));
  ASSERT_EQ(pair.arrival_times.size(), 1U);
  EXPECT_EQ(pair.arrival_times[0], at(10ms));

  LinkFaults some;
  some.latency = 1ms;
  some.reordering = core::Ratio{1, 2};
  some.reorder_delay = 5ms;
  Pair mixed(some, 3);
  for (std::uint32_t i = 0; i < 200; ++i) {
    mixed.sim.schedule_at(at(1ms * i / 4), [&mixed, i] { mixed.sim.send_datagram(mixed.a, mixed.b, bytes_of(i)); });
  }
  mixed.sim.run_until(at(1s));
  ASSERT_EQ(mixed.datagrams.size(), 200U);
  EXPECT_FALSE(std::is_sorted(mixed.datagrams.begin(), mixed.datagrams.end()));
}

TEST(Simulation, JitterModelsStayInTheirBounds) {
  struct Case {
    Jitter jitter;
    core::Duration low;
    core::Duration high;  // inclusive
  };
  const Case cases[] = {
      {Jitter{JitterKind::uniform, 4ms}, 10ms, 14ms - core::Duration(1)},
      {Jitter{JitterKind::normal, 3ms, 2ms}, 0ms, 13ms},
      {Jitter{JitterKind::pareto, 40ms, 0ms, 1ms, core::Ratio{1, 1}}, 10ms - core::Duration(1), 49ms},
  };
  for (const Case& c : cases) {
    LinkFaults faults;
    faults.latency = 10ms;
    faults.jitter = c.jitter;
    Pair pair(faults, 17);
    for (int i = 0; i < 2000; ++i) pair.sim.send_datagram(pair.a, pair.b, bytes_of(i));
    pair.sim.run_until(at(1s));
    ASSERT_EQ(pair.arrival_times.size(), 2000U);
    for (const core::TimePoint arrival : pair.arrival_times) {
      EXPECT_GE(arrival, at(c.low)) << to_string(c.jitter.kind);
      EXPECT_LE(arrival, at(c.high)) << to_string(c.jitter.kind);
    }
    EXPECT_NE(pair.arrival_times.front(), pair.arrival_times.back());
  }
}

TEST(Simulation, StreamIsDelayedByBandwidth) {
  LinkFaults faults;
  faults.latency = 5ms;
  faults.rate_bits_per_s = 1'000'000;
  faults.queue_bytes_max = 100'000;
  faults.mtu_bytes = 1250;
  Pair pair(faults);
  const auto stream = pair.sim.open_stream(pair.a, pair.b);
  ASSERT_TRUE(stream.ok());
  core::TimePoint last{};
  HostHandlers handlers;
  handlers.message = [&](StreamId, HostId, std::span<const std::uint8_t> p) {
    pair.messages.push_back(value_of(p));
    last = pair.sim.now();
  };
  pair.sim.set_handlers(pair.b, handlers);
  for (std::uint32_t i = 0; i < 10; ++i) ASSERT_TRUE(pair.sim.send_message(*stream, pair.a, bytes_of(i, 2500)).ok());
  pair.sim.run_until(at(10s));
  ASSERT_EQ(pair.messages.size(), 10U);
  // 25 000 bytes at 125 000 bytes/s take 200 ms, plus 5 ms of latency.
  EXPECT_EQ(last, at(205ms));
}

TEST(Simulation, HoldKeepsPacketsInFlightUntilRelease) {
  LinkFaults faults;
  faults.latency = 2ms;
  Pair pair(faults);
  const auto stream = pair.sim.open_stream(pair.a, pair.b);
  ASSERT_TRUE(stream.ok());
  pair.sim.hold(pair.a, pair.b);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(1));
  ASSERT_TRUE(pair.sim.send_message(*stream, pair.a, bytes_of(7)).ok());
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(2));
  pair.sim.run_until(at(100ms));
  EXPECT_TRUE(pair.datagrams.empty());
  EXPECT_TRUE(pair.messages.empty());
  pair.sim.release(pair.a, pair.b);
  pair.sim.run_until(at(100ms));
  EXPECT_EQ(pair.datagrams, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(pair.messages, std::vector<std::uint32_t>{7});
  EXPECT_EQ(pair.arrival_times[0], at(100ms));
  EXPECT_EQ(pair.sim.stats().segments_retransmitted, 0U);  // held, not lost
}

TEST(Simulation, RunUntilPredicateStopsWhenDoneOrAtTheStepBound) {
  LinkFaults faults;
  faults.latency = 7ms;
  Pair pair(faults);
  pair.sim.send_datagram(pair.a, pair.b, bytes_of(1));
  EXPECT_TRUE(pair.sim.run_until([&] { return !pair.datagrams.empty(); }, 100));
  EXPECT_EQ(pair.sim.now(), at(7ms));
  std::function<void()> forever = [&] { pair.sim.runtime(pair.a).post(forever); };
  pair.sim.runtime(pair.a).post(forever);
  EXPECT_FALSE(pair.sim.run_until([] { return false; }, 1000));
}

TEST(Simulation, SameSeedSameDigestDifferentSeedDifferentDigest) {
  const auto run = [](std::uint64_t seed) {
    LinkFaults faults;
    faults.latency = 10ms;
    faults.jitter = Jitter{JitterKind::normal, 30ms, 5ms};
    faults.loss = core::Ratio{1, 20};
    faults.duplication = core::Ratio{1, 50};
    faults.reordering = core::Ratio{1, 50};
    faults.reorder_delay = 7ms;
    Pair pair(faults, seed);
    for (std::uint32_t i = 0; i < 200; ++i) {
      pair.sim.schedule_at(at(1ms * i), [&pair, i] { pair.sim.send_datagram(pair.a, pair.b, bytes_of(i)); });
    }
    pair.sim.run_until(at(2s));
    return pair.sim.digest();
  };
  EXPECT_EQ(run(1), run(1));
  EXPECT_NE(run(1), run(2));
}

}  // namespace
}  // namespace dclcomms::sim
