// ws-room inside the simulator: the production WsRoomTransport and WsRoomServer, with real
// AuthChains, on simulated hosts and links (carriers/sim). Same seed => same trace, byte for byte.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>

#include "dclcomms/sim/weather.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "dclcomms/sim_room/sim_room.hpp"
#include "dclcomms/test_support/failed_checks.hpp"
#include "ws_room_server.hpp"

namespace dclcomms::ws_room {
namespace {

using namespace std::chrono_literals;

struct SimulatedClient {
  sim::HostId host;
  std::string address;
  transport::TransportPtr transport;
  bool connected = false;
  std::optional<transport::Disconnected> disconnected;
  std::map<std::string, std::vector<std::uint8_t>> received;  // sender -> first byte of each packet
};

// One room server and `clients` explorers, each on its own host, linked to the server by `faults`.
// A room that cannot be set up throws: it serves TESTs and a RapidCheck property, and both frameworks
// count an exception as a failure (RapidCheck then shrinks it), where an EXPECT_* would not fail the
// property; nothing after a failed setup could be checked anyway.
class SimulatedRoom {
 public:
  SimulatedRoom(std::uint64_t seed, int clients, const sim::LinkFaults& faults) : room_(sim_room::SimRoomConfig{.seed = seed}) {
    if (const auto error = room_.start_reference_server()) throw std::runtime_error(error->message);
    for (int i = 0; i < clients; ++i) {
      auto client = std::make_unique<SimulatedClient>();
      client->host = room_.add_client_host("explorer-" + std::to_string(i), faults);
      const auto id = sim_room::member_identity(seed, static_cast<std::uint32_t>(i + 1));
      client->address = id.address;
      client->transport = room_.add_client(client->host, id, "ws-room:ws://room-server/rooms/plaza",
                                           [raw = client.get()](const transport::TransportEvent& e) {
                                             if (std::holds_alternative<transport::Connected>(e)) raw->connected = true;
                                             if (const auto* d = std::get_if<transport::Disconnected>(&e)) raw->disconnected = *d;
                                             if (const auto* m = std::get_if<transport::MessageReceived>(&e)) {
                                               raw->received[m->sender].push_back(m->packet.at(0));
                                             }
                                           });
      if (const auto connected = client->transport->connect(); !connected.ok()) {
        throw std::runtime_error(client->address + ": connect() refused: " + connected.error().message);
      }
      clients_.push_back(std::move(client));
    }
  }

  // No virtual-time limit of its own: far longer than any handshake or retransmission here, so the
  // step bound is what ends a run that hangs.
  bool run_until(const std::function<bool()>& done) { return room_.run_until(done, std::chrono::hours(1), 5'000'000); }
  bool all_connected() const {
    return std::all_of(clients_.begin(), clients_.end(), [](const auto& c) { return c->connected; });
  }
  sim::Simulation& simulation() { return room_.simulation(); }
  std::vector<std::unique_ptr<SimulatedClient>>& clients() { return clients_; }
  WsRoomServer& server() { return *room_.reference_server(); }

 private:
  sim_room::SimRoom room_;
  std::vector<std::unique_ptr<SimulatedClient>> clients_;  // after the room: their streams are its network's
};

enum class Joining : std::uint8_t { all_must_join, some_may_time_out };

// Any handshake timer: ours ("handshake_timeout: …"), the server's, which closes the socket with
// "no peer_identification in time" / "no signed challenge in time", or the websocket upgrade's own
// ("websocket handshake timed out": on a lossy link the upgrade itself can outlast it; a rare seed
// of AnySeedDeliversEverythingUnderLoss does).
bool is_handshake_timeout(const transport::Disconnected& d) {
  return d.reason.find("handshake_timeout") != std::string::npos || d.reason.find(" in time") != std::string::npos ||
         d.reason.find("websocket handshake timed out") != std::string::npos;
}

// The trace digest of one run, and each check it found broken (run_room() reports rather than
// asserts: a property calls it too, see failed_checks.hpp).
struct RoomRun {
  std::uint64_t digest = 0;
  test_support::FailedChecks failures;
};

// Each client that joined sends `count` reliable one-byte packets; every other client that joined
// must get them all, exactly once and in order. With `some_may_time_out`, a client may instead end
// with a handshake_timeout disconnect (reference clients give each handshake step 1 s, which a
// lossy link can exceed) — but never hang, and never lose or duplicate a packet once joined.
RoomRun run_room(std::uint64_t seed, const sim::LinkFaults& faults, int clients = 4, int count = 20,
                 Joining joining = Joining::all_must_join) {
  RoomRun run;
  SimulatedRoom room(seed, clients, faults);
  const auto settled = [&] {
    return std::all_of(room.clients().begin(), room.clients().end(),
                       [](const auto& c) { return c->connected || c->disconnected.has_value(); });
  };
  run.failures.check(room.run_until(settled), "a client neither joined nor gave up");
  std::vector<SimulatedClient*> joined;
  for (const auto& c : room.clients()) {
    if (c->connected && !c->disconnected) {
      joined.push_back(c.get());
    } else if (joining == Joining::all_must_join || !c->disconnected || !is_handshake_timeout(*c->disconnected)) {
      run.failures.check(false, c->address + " did not join: " + (c->disconnected ? c->disconnected->reason : "still waiting"));
    }
  }
  for (int k = 0; k < count; ++k) {
    for (auto* c : joined) {
      const std::vector<std::uint8_t> packet{static_cast<std::uint8_t>(k)};
      run.failures.check(c->transport->send(packet, {}).ok(), c->address + ": send of packet " + std::to_string(k) + " refused");
    }
    room.simulation().run_until(room.simulation().now() + 100ms);
  }
  const auto complete = [&] {
    for (const auto* receiver : joined) {
      for (const auto* sender : joined) {
        if (sender == receiver) continue;
        const auto it = receiver->received.find(sender->address);
        if (it == receiver->received.end() || it->second.size() < static_cast<std::size_t>(count)) return false;
      }
    }
    return true;
  };
  run.failures.check(room.run_until(complete), "not every joined client got every packet of every other");
  for (const auto* receiver : joined) {
    run.failures.check(!receiver->received.contains(receiver->address), receiver->address + " got its own packets back (no echo)");
    for (const auto& [sender, values] : receiver->received) {
      const std::string from = receiver->address + " from " + sender + ": ";
      run.failures.check(values.size() == static_cast<std::size_t>(count),
                         from + std::to_string(values.size()) + " packets, sent " + std::to_string(count) + " (exactly once)");
      if (values.size() != static_cast<std::size_t>(count)) continue;
      for (int k = 0; k < count; ++k) {
        run.failures.check(values[k] == k, from + "packet " + std::to_string(k) + " was " + std::to_string(values[k]) + " (in order)");
      }
    }
  }
  run.digest = room.simulation().digest();
  return run;
}

TEST(SimulatedRoom, ReliableUpdatesArriveOnceAndInOrderOnEveryWeather) {
  for (const auto name : sim::weather_profile_names()) {
    SCOPED_TRACE(std::string(name));
    EXPECT_THAT(run_room(1, *sim::weather_profile(name)).failures.lines, ::testing::IsEmpty());
  }
}

TEST(SimulatedRoom, SameSeedSameTraceDifferentSeedDifferentTrace) {
  const auto wifi = *sim::weather_profile("wifi");
  const auto first = run_room(42, wifi);
  const auto again = run_room(42, wifi);
  const auto other = run_room(43, wifi);
  for (const auto* run : {&first, &again, &other}) EXPECT_THAT(run->failures.lines, ::testing::IsEmpty());
  EXPECT_EQ(first.digest, again.digest);
  EXPECT_NE(first.digest, other.digest);
}

TEST(SimulatedRoom, AServerCrashDisconnectsEveryone) {
  SimulatedRoom room(7, 3, *sim::weather_profile("lan"));
  ASSERT_TRUE(room.run_until([&] { return room.all_connected(); }));
  room.simulation().crash(*room.simulation().find_host("room-server"));
  ASSERT_TRUE(room.run_until([&] {
    return std::all_of(room.clients().begin(), room.clients().end(), [](const auto& c) { return c->disconnected.has_value(); });
  }));
  for (const auto& c : room.clients()) {
    EXPECT_FALSE(c->disconnected->kicked);
    EXPECT_NE(c->disconnected->reason.find("reset"), std::string::npos) << c->disconnected->reason;
  }
}

TEST(SimulatedRoom, APartitionedClientTimesOutItsHandshake) {
  SimulatedRoom room(9, 1, *sim::weather_profile("lan"));
  const sim::HostId server = *room.simulation().find_host("room-server");
  const sim::HostId client = room.clients()[0]->host;
  room.simulation().partition(std::span(&server, 1), std::span(&client, 1));
  ASSERT_TRUE(room.run_until([&] { return room.clients()[0]->disconnected.has_value(); }));
  EXPECT_NE(room.clients()[0]->disconnected->reason.find("websocket handshake timed out"), std::string::npos)
      << room.clients()[0]->disconnected->reason;
}

RC_GTEST_PROP(SimulatedRoomProperties, AnySeedDeliversEverythingUnderLoss, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  auto faults = *sim::weather_profile("lossy-5pct");
  const auto run = run_room(seed, faults, 3, 5, Joining::some_may_time_out);
  if (!run.failures.empty()) RC_FAIL(run.failures.text());
}

}  // namespace
}  // namespace dclcomms::ws_room
