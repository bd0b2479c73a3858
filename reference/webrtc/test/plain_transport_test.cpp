// PlainTransport, the simulator's seam below data channels: two ends over an in-memory path that
// loses, duplicates, reorders and corrupts datagrams from a seeded PRNG. Reliable messages arrive
// exactly once and in order, unreliable ones at most once, and a seed replays byte for byte.
#include "dclcomms/webrtc/plain_transport.hpp"

#include <gtest/gtest.h>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/webrtc/peer_connection.hpp"

namespace dclcomms::webrtc {
namespace plain_transport_test {

using namespace std::chrono_literals;

const SocketAddress server_at{"10.0.0.1", 7882}, client_at{"10.0.0.2", 5000};

struct Weather {
  std::uint32_t loss_percent = 0, duplicate_percent = 0, corrupt_percent = 0, reorder_percent = 0;
};

struct Path {
  core::Prng prng;
  Weather weather;
  core::TimePoint now{1000s};
  PlainTransport client{{.initiator = true, .peer = server_at, .peer_ufrag = "srv1"}, now};
  PlainTransport server{{.initiator = false}, now};
  std::vector<SctpMessage> at_server, at_client;
  std::string trace;  // every datagram that crossed, in order: the replay check compares it
  struct InFlight {
    core::TimePoint arrives;
    bool to_server;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<InFlight> flying;

  Path(std::uint64_t seed, Weather w) : prng(seed), weather(w) {}

  bool chance(std::uint32_t percent) { return percent > 0 && prng.uniform_below(100) < percent; }

  void launch(PlainTransport& from, bool to_server) {
    while (auto out = from.poll_transmit()) {
      if (chance(weather.loss_percent)) continue;
      const int copies = chance(weather.duplicate_percent) ? 2 : 1;
      for (int i = 0; i < copies; ++i) {
        auto bytes = out->bytes;
        if (chance(weather.corrupt_percent)) bytes[prng.uniform_below(bytes.size())] ^= 0x10;
        const auto delay = std::chrono::milliseconds(10 + (chance(weather.reorder_percent) ? prng.uniform_below(40) : 0));
        flying.push_back({now + delay, to_server, std::move(bytes)});
      }
    }
  }

  void step() {
    launch(client, true);
    launch(server, false);
    now += 5ms;
    std::stable_sort(flying.begin(), flying.end(), [](const InFlight& a, const InFlight& b) { return a.arrives < b.arrives; });
    while (!flying.empty() && flying.front().arrives <= now) {
      InFlight next = std::move(flying.front());
      flying.erase(flying.begin());
      trace += (next.to_server ? ">" : "<") + std::to_string(next.bytes.size()) + ":" +
               std::to_string(core::fnv1a_64(std::string(next.bytes.begin(), next.bytes.end()))) + "\n";
      if (next.to_server) {
        server.handle_datagram(next.bytes, client_at, now);
      } else {
        client.handle_datagram(next.bytes, server_at, now);
      }
    }
    client.handle_timeout(now);
    server.handle_timeout(now);
    while (auto event = server.poll_event()) {
      if (auto* message = std::get_if<SctpMessage>(&*event)) at_server.push_back(std::move(*message));
    }
    while (auto event = client.poll_event()) {
      if (auto* message = std::get_if<SctpMessage>(&*event)) at_client.push_back(std::move(*message));
    }
  }

  template <class Done>
  bool run_until(Done done, int steps_max = 20'000) {
    for (int i = 0; i < steps_max && !done(); ++i) step();
    return done();
  }
};

std::vector<std::uint8_t> payload(std::uint32_t n, std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(n * 31 + i);
  return bytes;
}

// Sends 300 reliable messages (some of several fragments) and 300 unreliable ones, client to server.
std::string exchange(std::uint64_t seed, Weather weather, std::size_t* unreliable_delivered = nullptr) {
  Path path(seed, weather);
  EXPECT_TRUE(path.run_until([&] { return path.client.up() && path.server.up(); }));
  std::uint32_t sent = 0;
  EXPECT_TRUE(path.run_until([&] {
    // A few at a time, as an application would.
    for (int i = 0; i < 5 && sent < 300; ++i, ++sent) {
      EXPECT_TRUE(path.client.send(1, 53, payload(sent, 50 + (sent % 7) * 700), {}));
      path.client.send(3, 53, payload(100000 + sent, 200), {.unordered = true, .max_retransmits = 0});
    }
    std::size_t reliable = 0;
    for (const auto& m : path.at_server) reliable += m.stream == 1;
    return sent == 300 && reliable == 300;
  }));
  std::uint32_t expected = 0;
  std::size_t unreliable = 0;
  for (const auto& message : path.at_server) {
    if (message.stream == 1) {
      EXPECT_EQ(message.bytes, payload(expected, 50 + (expected % 7) * 700)) << "reliable message " << expected;
      ++expected;
    } else {
      ++unreliable;
    }
  }
  EXPECT_EQ(expected, 300u);
  EXPECT_LE(unreliable, 300u);  // at most once, duplicates never surface
  if (unreliable_delivered) *unreliable_delivered = unreliable;
  return path.trace;
}

TEST(PlainTransport, ALosslessPathDeliversEverythingInOrder) {
  std::size_t unreliable = 0;
  exchange(1, {}, &unreliable);
  EXPECT_EQ(unreliable, 300u);
}

TEST(PlainTransport, ReliableExactlyOnceInOrderUnderLossDuplicationReorderingAndCorruption) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    exchange(seed, {.loss_percent = 10, .duplicate_percent = 5, .corrupt_percent = 3, .reorder_percent = 20});
  }
}

TEST(PlainTransport, ASeedReplaysByteForByte) {
  const Weather weather{.loss_percent = 10, .duplicate_percent = 5, .corrupt_percent = 3, .reorder_percent = 20};
  const std::string first = exchange(42, weather), second = exchange(42, weather);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, exchange(43, weather));
}

TEST(PlainTransport, NoAnswerFailsWithTheReason) {
  core::TimePoint now{1000s};
  PlainTransport client({.initiator = true, .peer = server_at, .peer_ufrag = "srv1"}, now);
  std::optional<TransportFailed> failed;
  for (int i = 0; i < 3000 && !failed; ++i) {
    now += 5ms;
    client.handle_timeout(now);
    while (client.poll_transmit()) {
    }
    while (auto event = client.poll_event()) {
      if (auto* f = std::get_if<TransportFailed>(&*event)) failed = *f;
    }
  }
  ASSERT_TRUE(failed.has_value());
  EXPECT_NE(failed->error.message.find("no answer to HELLO from 10.0.0.1:7882 in 10 s"), std::string::npos) << failed->error.message;
}

TEST(PlainTransport, HelloNamesTheResponderUfragForRouting) {
  core::TimePoint now{1000s};
  PlainTransport client({.initiator = true, .peer = server_at, .peer_ufrag = "srv1"}, now);
  const auto hello = client.poll_transmit();
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->to, server_at);
  EXPECT_EQ(plain_hello_ufrag(hello->bytes), "srv1");
  auto corrupted = hello->bytes;
  corrupted.back() ^= 1;
  EXPECT_FALSE(plain_hello_ufrag(corrupted).has_value());
}

TEST(PlainTransport, PeerConnectionsOpenChannelsOverIt) {
  core::TimePoint now{1000s};
  PeerConnection server({.ice_lite = true, .host_candidates = {server_at}, .seed = 1, .lower = LowerLayer::plain}, now);
  PeerConnection client({.seed = 2, .lower = LowerLayer::plain}, now);
  auto answer = server.handle_offer(client.create_offer(), now);
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_TRUE(client.handle_answer(*answer, now));
  const auto reliable = client.open_channel("_reliable", {});
  ASSERT_TRUE(reliable);
  std::vector<ChannelMessage> received;
  for (int i = 0; i < 200 && received.empty(); ++i) {
    while (auto out = client.poll_transmit()) server.handle_datagram(out->bytes, client_at, now);
    while (auto out = server.poll_transmit()) client.handle_datagram(out->bytes, server_at, now);
    now += 5ms;
    client.handle_timeout(now);
    server.handle_timeout(now);
    if (client.connected() && i == 20) {
      const std::vector<std::uint8_t> hello = {'h', 'i'};
      ASSERT_TRUE(client.send(*reliable, hello));
    }
    while (auto event = server.poll_event()) {
      if (auto* message = std::get_if<ChannelMessage>(&*event)) received.push_back(*message);
    }
    while (client.poll_event()) {
    }
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].label, "_reliable");
  EXPECT_EQ(received[0].bytes, (std::vector<std::uint8_t>{'h', 'i'}));
}

}  // namespace plain_transport_test
}  // namespace dclcomms::webrtc
