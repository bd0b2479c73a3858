// The livekit transport inside the simulator, against the SimLivekitSfu model: the same
// transport-level checks as ws-room (reliable order exactly once, lossy never duplicated or
// corrupted, targeted sends, duplicate identity, payload limit) plus join rejections and
// determinism.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "dclcomms/carriers/sim_livekit_sfu.hpp"
#include "dclcomms/livekit/livekit_transport.hpp"
#include "dclcomms/sim/weather.hpp"
#include "dclcomms/test_support/failed_checks.hpp"

// In the livekit namespace: most of what it drives is the livekit transport's.
namespace dclcomms::livekit {
namespace {

using namespace std::chrono_literals;
using carriers::SimLivekitNetwork;
using carriers::SimLivekitSfu;
using carriers::SimLivekitSfuOptions;

constexpr std::int64_t unix_start = 1790000000;  // the simulated wall clock at t = 0
const ApiCredentials server_credentials{"APIsim", "simulated-livekit-secret-0123456789abcdef"};

std::string address_of(int i) {
  char buffer[43];
  std::snprintf(buffer, sizeof buffer, "0x%040x", i + 1);
  return buffer;
}

struct Client {
  sim::HostId host = 0;
  std::string identity;
  transport::TransportPtr transport;
  std::optional<std::vector<std::string>> connected;
  std::optional<transport::Disconnected> disconnected;
  std::vector<std::string> joined, left;
  std::map<std::string, std::vector<std::vector<std::uint8_t>>> received;  // sender -> packets
};

// add() throws when a client cannot even be made: Room serves TESTs and RapidCheck properties, and
// both frameworks count an exception as a failure (RapidCheck then shrinks it), where an EXPECT_*
// would fail the test but not the property; nothing after a failed setup could be checked anyway.
class Room {
 public:
  Room(std::uint64_t seed, const sim::LinkFaults& faults, SimLivekitSfuOptions sfu_options = {})
      : simulation_(sim::SimulationConfig{.seed = seed}), network_(simulation_), faults_(faults) {
    sfu_host_ = simulation_.add_host("livekit-sfu");
    if (sfu_options.credentials.api_key.empty()) sfu_options.credentials = server_credentials;
    sfu_options.unix_seconds_now = [this] { return unix_now(sfu_host_); };
    sfu_ = std::make_unique<SimLivekitSfu>(network_, sfu_host_, std::move(sfu_options));
  }

  std::int64_t unix_now(sim::HostId host) {
    return unix_start + std::chrono::duration_cast<std::chrono::seconds>(simulation_.runtime(host).now().time_since_epoch()).count();
  }

  std::string token(const std::string& identity, const std::string& room = "I1", std::int64_t ttl = 300,
                    const std::string& secret = server_credentials.api_secret) {
    return mint_livekit_token(decentraland_claims(server_credentials.api_key, identity, room, unix_start, unix_start + ttl), secret);
  }

  Client& add(const std::string& identity, std::optional<std::string> token_text = std::nullopt) {
    auto client = std::make_unique<Client>();
    client->identity = identity;
    client->host = simulation_.add_host("explorer-" + std::to_string(clients_.size()));
    simulation_.connect(client->host, sfu_host_, faults_);
    transport::TransportFactory factory(transport::TransportContext{
        .runtime = &simulation_.runtime(client->host), .identity = std::nullopt, .websocket = {}, .websocket_options = {}});
    LivekitTransportOptions options;
    options.connector = network_.connector(client->host);
    options.unix_seconds_now = [this, host = client->host] { return unix_now(host); };
    register_livekit(factory, std::move(options));
    const std::string uri = "livekit:ws://livekit-sfu:7880?access_token=" + token_text.value_or(token(identity));
    auto made = factory.create(uri);
    if (!made.ok()) throw std::runtime_error(identity + ": create() refused: " + made.error().message);
    client->transport = std::move(made).value();
    client->transport->set_event_handler([raw = client.get()](const transport::TransportEvent& e) {
      if (const auto* c = std::get_if<transport::Connected>(&e)) raw->connected = c->peers;
      if (const auto* d = std::get_if<transport::Disconnected>(&e)) raw->disconnected = *d;
      if (const auto* j = std::get_if<transport::PeerJoined>(&e)) raw->joined.push_back(j->address);
      if (const auto* l = std::get_if<transport::PeerLeft>(&e)) raw->left.push_back(l->address);
      if (const auto* m = std::get_if<transport::MessageReceived>(&e)) raw->received[m->sender].push_back(m->packet);
    });
    if (const auto connected = client->transport->connect(); !connected.ok()) {
      throw std::runtime_error(identity + ": connect() refused: " + connected.error().message);
    }
    clients_.push_back(std::move(client));
    return *clients_.back();
  }

  bool run_until(const std::function<bool()>& done) { return simulation_.run_until(done, 5'000'000); }
  bool settle(Client& c) {
    return run_until([&] { return c.connected.has_value() || c.disconnected.has_value(); });
  }
  void run_for(core::Duration d) { simulation_.run_until(simulation_.now() + d); }

  sim::Simulation& simulation() { return simulation_; }
  SimLivekitSfu& sfu() { return *sfu_; }
  SimLivekitNetwork& network() { return network_; }
  sim::HostId sfu_host() const { return sfu_host_; }
  std::vector<std::unique_ptr<Client>>& clients() { return clients_; }

 private:
  sim::Simulation simulation_;
  SimLivekitNetwork network_;
  sim::LinkFaults faults_;
  sim::HostId sfu_host_;
  std::unique_ptr<SimLivekitSfu> sfu_;
  std::vector<std::unique_ptr<Client>> clients_;
};

std::vector<std::uint8_t> packet(int sender, int k, std::size_t bytes = 8) {
  std::vector<std::uint8_t> p(bytes);
  for (std::size_t i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(sender * 31 + k * 7 + i);
  p[0] = static_cast<std::uint8_t>(k);
  p[1] = static_cast<std::uint8_t>(k >> 8);
  return p;
}

// One run_room(): its digest, counts and the checks it found broken (it reports rather than
// asserts: properties call it too, see failed_checks.hpp).
struct RoomRun {
  std::uint64_t digest = 0;
  std::uint64_t delivered = 0;          // packets received, over all receivers
  std::uint64_t corrupted_dropped = 0;  // datagrams that failed the checksum
  test_support::FailedChecks failures;
  bool operator==(const RoomRun&) const = default;
};

std::string numbers(const std::vector<int>& ks) {
  std::string out = "[";
  for (const int k : ks) out += (out.size() > 1 ? " " : "") + std::to_string(k);
  return out + "]";
}

// Everyone sends `count` packets; returns the digest, counts and failed checks. Reliable: every other
// client gets all of them exactly once and in order. Unreliable: a subset, each intact and at most once.
RoomRun run_room(std::uint64_t seed, const sim::LinkFaults& faults, transport::Reliability reliability, int clients = 4, int count = 20,
                 std::size_t bytes = 8) {
  RoomRun run;
  Room room(seed, faults);
  for (int i = 0; i < clients; ++i) room.add(address_of(i));
  run.failures.check(room.run_until([&] {
    return std::all_of(room.clients().begin(), room.clients().end(), [](const auto& c) { return c->connected.has_value(); });
  }),
                     "not every client connected");
  for (const auto& c : room.clients()) {
    run.failures.check(!c->disconnected, c->identity + " disconnected: " + (c->disconnected ? c->disconnected->reason : ""));
  }
  for (int k = 0; k < count; ++k) {
    for (int i = 0; i < clients; ++i) {
      transport::SendOptions options;
      options.reliability = reliability;
      run.failures.check(room.clients()[i]->transport->send(packet(i, k, bytes), options).ok(),
                         room.clients()[i]->identity + ": send of packet " + std::to_string(k) + " refused");
    }
    room.run_for(50ms);
  }
  const auto complete = [&] {
    for (const auto& receiver : room.clients()) {
      for (const auto& sender : room.clients()) {
        if (sender == receiver) continue;
        const auto it = receiver->received.find(sender->identity);
        if (it == receiver->received.end() || it->second.size() < static_cast<std::size_t>(count)) return false;
      }
    }
    return true;
  };
  if (reliability == transport::Reliability::reliable) {
    run.failures.check(room.run_until(complete), "not every client got every packet of every other");
  } else {
    room.run_for(30s);
  }
  for (int r = 0; r < clients; ++r) {
    const auto& receiver = *room.clients()[r];
    run.failures.check(!receiver.received.contains(receiver.identity), receiver.identity + " got its own packets back (no echo)");
    for (int s = 0; s < clients; ++s) {
      if (s == r) continue;
      const auto it = receiver.received.find(room.clients()[s]->identity);
      const auto& got = it == receiver.received.end() ? std::vector<std::vector<std::uint8_t>>{} : it->second;
      const std::string from = receiver.identity + " from " + room.clients()[s]->identity + ": ";
      std::vector<int> ks;
      run.delivered += got.size();
      for (const auto& p : got) {
        const int k = p.at(0) | (p.at(1) << 8);
        run.failures.check(p == packet(s, k, bytes), from + "packet " + std::to_string(k) + " arrived altered (intact)");
        ks.push_back(k);
      }
      if (reliability == transport::Reliability::reliable) {
        std::vector<int> expected(count);
        for (int k = 0; k < count; ++k) expected[k] = k;
        run.failures.check(ks == expected, from + "packets arrived as " + numbers(ks) + ", sent 0.." + std::to_string(count - 1) +
                                               " (exactly once, in order)");
      } else {
        std::sort(ks.begin(), ks.end());
        run.failures.check(std::adjacent_find(ks.begin(), ks.end()) == ks.end(), from + "packets " + numbers(ks) + " (never duplicated)");
      }
    }
  }
  run.digest = room.simulation().digest();
  run.corrupted_dropped = room.network().stats().datagrams_corrupted;
  return run;
}

TEST(LivekitSimRoom, ReliableDataArrivesOnceAndInOrderOnEveryWeather) {
  for (const auto name : sim::weather_profile_names()) {
    SCOPED_TRACE(std::string(name));
    EXPECT_THAT(run_room(1, *sim::weather_profile(name), transport::Reliability::reliable).failures.lines, ::testing::IsEmpty());
  }
}

TEST(LivekitSimRoom, LargeReliablePacketsToo) {
  EXPECT_THAT(run_room(2, *sim::weather_profile("wifi"), transport::Reliability::reliable, 3, 5, 65535).failures.lines,
              ::testing::IsEmpty());
}

sim::LinkFaults hostile() {
  auto faults = *sim::weather_profile("lossy-5pct");
  faults.duplication = core::Ratio{1, 5};
  faults.corruption = core::Ratio{1, 5};
  faults.reordering = core::Ratio{1, 5};
  faults.reorder_delay = 10ms;
  return faults;
}

TEST(LivekitSimRoom, LossyDataMayDropButNeverDuplicatesOrCorrupts) {
  const auto small = run_room(3, hostile(), transport::Reliability::unreliable, 4, 50);
  EXPECT_THAT(small.failures.lines, ::testing::IsEmpty());
  EXPECT_GT(small.delivered, 4u * 3 * 50 / 2) << "most arrive";
  EXPECT_LT(small.delivered, 4u * 3 * 50) << "some are lost";
  EXPECT_GT(small.corrupted_dropped, 0u) << "corruption happened and was caught";
  const auto fragmented = run_room(4, hostile(), transport::Reliability::unreliable, 3, 10, 5000);
  EXPECT_THAT(fragmented.failures.lines, ::testing::IsEmpty());
  EXPECT_GT(fragmented.delivered, 0u);
}

TEST(LivekitSimRoom, LossyDataOnAnIdealLinkAllArrives) {
  Room room(5, *sim::weather_profile("ideal"));
  auto& a = room.add(address_of(0));
  auto& b = room.add(address_of(1));
  ASSERT_TRUE(room.run_until([&] { return a.connected && b.connected; }));
  transport::SendOptions lossy;
  lossy.reliability = transport::Reliability::unreliable;
  for (int k = 0; k < 10; ++k) ASSERT_TRUE(a.transport->send(packet(0, k, 4000), lossy).ok());
  room.run_for(1s);
  EXPECT_EQ(b.received[a.identity].size(), 10u);
}

TEST(LivekitSimRoom, ConnectedListsThosePresentAndPeersSeeJoinsAndLeaves) {
  Room room(6, *sim::weather_profile("lan"));
  auto& a = room.add(address_of(0));
  ASSERT_TRUE(room.settle(a));
  EXPECT_EQ(*a.connected, std::vector<std::string>{});
  auto& b = room.add(address_of(1));
  ASSERT_TRUE(room.settle(b));
  EXPECT_EQ(*b.connected, std::vector<std::string>{a.identity});
  ASSERT_TRUE(room.run_until([&] { return !a.joined.empty(); }));
  EXPECT_EQ(a.joined, std::vector<std::string>{b.identity});
  EXPECT_EQ(room.sfu().participants("I1"), (std::vector<std::string>{a.identity, b.identity}));
  b.transport->disconnect();
  ASSERT_TRUE(room.run_until([&] { return !a.left.empty() && b.disconnected; }));
  EXPECT_EQ(a.left, std::vector<std::string>{b.identity});
  EXPECT_FALSE(b.disconnected->kicked);
  EXPECT_NE(b.disconnected->reason.find("client_initiated"), std::string::npos);
  EXPECT_FALSE(b.transport->send(packet(1, 0), {}).ok());
}

TEST(LivekitSimRoom, TargetedSendsReachOnlyTheTargets) {
  for (const auto reliability : {transport::Reliability::reliable, transport::Reliability::unreliable}) {
    Room room(7, *sim::weather_profile("ideal"));
    for (int i = 0; i < 4; ++i) room.add(address_of(i));
    ASSERT_TRUE(room.run_until(
        [&] { return std::all_of(room.clients().begin(), room.clients().end(), [](const auto& c) { return c->connected.has_value(); }); }));
    auto& clients = room.clients();
    transport::SendOptions options;
    options.reliability = reliability;
    options.targets = {clients[1]->identity, clients[3]->identity, "0xnobody"};
    ASSERT_TRUE(clients[0]->transport->send(packet(0, 1), options).ok());
    room.run_for(2s);
    EXPECT_EQ(clients[1]->received[clients[0]->identity].size(), 1u);
    EXPECT_EQ(clients[3]->received[clients[0]->identity].size(), 1u);
    EXPECT_TRUE(clients[2]->received.empty());
    EXPECT_TRUE(clients[0]->received.empty());
  }
}

TEST(LivekitSimRoom, ADuplicateIdentityKicksTheOlderSession) {
  Room room(8, *sim::weather_profile("lan"));
  auto& watcher = room.add(address_of(9));
  auto& older = room.add(address_of(0));
  ASSERT_TRUE(room.run_until([&] { return watcher.connected && older.connected; }));
  room.run_for(1s);
  auto& newer = room.add(address_of(0));
  ASSERT_TRUE(room.run_until([&] { return newer.connected && older.disconnected; }));
  EXPECT_TRUE(older.disconnected->kicked);
  EXPECT_NE(older.disconnected->reason.find("duplicate_identity"), std::string::npos) << older.disconnected->reason;
  EXPECT_FALSE(newer.disconnected);
  EXPECT_EQ(*newer.connected, std::vector<std::string>{watcher.identity});
  EXPECT_EQ(room.sfu().participants("I1"), (std::vector<std::string>{watcher.identity, newer.identity}));
  EXPECT_EQ(room.sfu().stats().duplicate_evictions, 1u);
  // The watcher saw the identity leave and join again; data now flows from the newer session.
  ASSERT_TRUE(room.run_until([&] { return watcher.joined.size() == 2 && watcher.left.size() == 1; }));
  ASSERT_TRUE(newer.transport->send(packet(0, 5), {}).ok());
  ASSERT_TRUE(room.run_until([&] { return watcher.received[newer.identity].size() == 1; }));
  EXPECT_FALSE(older.transport->send(packet(0, 6), {}).ok());
}

TEST(LivekitSimRoom, PayloadLimitIs64KiBMinusOne) {
  Room room(9, *sim::weather_profile("lan"));
  auto& a = room.add(address_of(0));
  auto& b = room.add(address_of(1));
  ASSERT_TRUE(room.run_until([&] { return a.connected && b.connected; }));
  const auto sent_before = room.simulation().stats().messages_sent + room.simulation().stats().datagrams_sent;
  for (const auto reliability : {transport::Reliability::reliable, transport::Reliability::unreliable}) {
    transport::SendOptions options;
    options.reliability = reliability;
    const auto too_big = a.transport->send(std::vector<std::uint8_t>(65536, 1), options);
    ASSERT_FALSE(too_big.ok());
    EXPECT_EQ(too_big.error().code, transport::TransportErrorCode::packet_too_large);
    EXPECT_NE(too_big.error().message.find("65536"), std::string::npos) << too_big.error().message;
  }
  EXPECT_EQ(room.simulation().stats().messages_sent + room.simulation().stats().datagrams_sent, sent_before) << "nothing sent";
  ASSERT_TRUE(a.transport->send(std::vector<std::uint8_t>(65535, 2), {}).ok());
  ASSERT_TRUE(room.run_until([&] { return b.received[a.identity].size() == 1; }));
  EXPECT_EQ(b.received[a.identity][0].size(), 65535u);
}

TEST(LivekitSimRoom, JoinsAreCheckedWithTheServersSecretRoomsAndClock) {
  SimLivekitSfuOptions options;
  options.auto_create_rooms = false;
  options.rooms = {"I1"};
  options.leeway_seconds = 0;
  Room room(10, *sim::weather_profile("lan"), options);
  auto& wrong_secret = room.add(address_of(0), room.token(address_of(0), "I1", 300, "another-secret"));
  auto& wrong_room = room.add(address_of(1), room.token(address_of(1), "I2"));
  auto& fine = room.add(address_of(2));
  for (auto* c : {&wrong_secret, &wrong_room, &fine}) ASSERT_TRUE(room.settle(*c));
  ASSERT_TRUE(wrong_secret.disconnected);
  EXPECT_NE(wrong_secret.disconnected->reason.find("join_failure: invalid token: bad_signature"), std::string::npos)
      << wrong_secret.disconnected->reason;
  EXPECT_FALSE(wrong_secret.disconnected->kicked);
  ASSERT_TRUE(wrong_room.disconnected);
  EXPECT_NE(wrong_room.disconnected->reason.find("room_not_found"), std::string::npos) << wrong_room.disconnected->reason;
  EXPECT_TRUE(fine.connected);
  EXPECT_EQ(room.sfu().stats().joins_rejected, 2u);
  EXPECT_EQ(room.sfu().participants("I1"), std::vector<std::string>{fine.identity});
}

TEST(LivekitSimRoom, AnExpiredTokenFailsAtConnectWithoutTouchingTheNetwork) {
  Room room(11, *sim::weather_profile("lan"));
  room.run_for(311s);  // the 300 s tokens have expired, beyond the 10 s leeway
  const auto sent_before = room.simulation().stats().messages_sent;
  auto& late = room.add(address_of(0));
  ASSERT_TRUE(room.settle(late));
  ASSERT_TRUE(late.disconnected);
  EXPECT_NE(late.disconnected->reason.find("access_token expired"), std::string::npos) << late.disconnected->reason;
  EXPECT_EQ(room.simulation().stats().messages_sent, sent_before);
}

TEST(LivekitSimRoom, ServerSideExpiryAndNotYetValidAreRejectedAtJoin) {
  SimLivekitSfuOptions options;
  options.leeway_seconds = 0;
  Room room(12, *sim::weather_profile("lan"), options);
  // A client whose clock is an hour behind believes these are fine; the server does not.
  auto claims = decentraland_claims(server_credentials.api_key, address_of(0), "I1", unix_start + 3600, unix_start + 7200);
  auto& early = room.add(address_of(0), mint_livekit_token(claims, server_credentials.api_secret));
  ASSERT_TRUE(room.settle(early));
  ASSERT_TRUE(early.disconnected);
  EXPECT_NE(early.disconnected->reason.find("not_yet_valid"), std::string::npos) << early.disconnected->reason;
}

TEST(LivekitSimRoom, SfuCrashRemovalAndShutdownEndSessions) {
  Room room(13, *sim::weather_profile("lan"));
  auto& a = room.add(address_of(0));
  auto& b = room.add(address_of(1));
  auto& c = room.add(address_of(2));
  ASSERT_TRUE(room.run_until([&] { return a.connected && b.connected && c.connected; }));
  ASSERT_TRUE(room.sfu().remove_participant("I1", b.identity));
  ASSERT_TRUE(room.run_until([&] { return b.disconnected.has_value(); }));
  EXPECT_NE(b.disconnected->reason.find("participant_removed"), std::string::npos);
  room.simulation().crash(c.host);
  ASSERT_TRUE(room.run_until([&] { return a.left.size() == 2; }));
  EXPECT_EQ(a.left, (std::vector<std::string>{b.identity, c.identity}));
  room.simulation().crash(room.sfu_host());
  ASSERT_TRUE(room.run_until([&] { return a.disconnected.has_value(); }));
  EXPECT_NE(a.disconnected->reason.find("connection_lost"), std::string::npos) << a.disconnected->reason;
}

TEST(LivekitSimRoom, ShutdownTellsEveryone) {
  Room room(14, *sim::weather_profile("lan"));
  auto& a = room.add(address_of(0));
  ASSERT_TRUE(room.settle(a));
  room.sfu().shutdown();
  ASSERT_TRUE(room.run_until([&] { return a.disconnected.has_value(); }));
  EXPECT_NE(a.disconnected->reason.find("server_shutdown"), std::string::npos);
}

TEST(LivekitSimRoom, APartitionedJoinTimesOut) {
  Room room(15, *sim::weather_profile("lan"));
  const auto host = room.simulation().add_host("island");
  room.simulation().connect(host, room.sfu_host(), *sim::weather_profile("lan"));
  const sim::HostId sfu = room.sfu_host();
  auto& a = room.add(address_of(0));
  room.simulation().partition(std::span(&sfu, 1), std::span(&a.host, 1));
  ASSERT_TRUE(room.settle(a));
  ASSERT_TRUE(a.disconnected);
  EXPECT_NE(a.disconnected->reason.find("join_failure: no answer"), std::string::npos) << a.disconnected->reason;
}

TEST(LivekitSimRoom, AQuietParticipantStaysThanksToPings) {
  Room room(16, *sim::weather_profile("wifi"));
  auto& a = room.add(address_of(0));
  auto& b = room.add(address_of(1));
  ASSERT_TRUE(room.run_until([&] { return a.connected && b.connected; }));
  room.run_for(120s);  // nobody sends anything: only pings keep the sessions alive
  EXPECT_FALSE(a.disconnected.has_value());
  EXPECT_FALSE(b.disconnected.has_value());
  EXPECT_TRUE(a.left.empty());
  EXPECT_EQ(room.sfu().stats().ping_timeouts, 0u);
}

TEST(LivekitSimRoom, APartitionedParticipantTimesOutOnBothSides) {
  Room room(17, *sim::weather_profile("lan"));
  auto& a = room.add(address_of(0));
  auto& b = room.add(address_of(1));
  ASSERT_TRUE(room.run_until([&] { return a.connected && b.connected; }));
  const sim::HostId sfu = room.sfu_host();
  const auto cut_at = room.simulation().now();
  room.simulation().partition(std::span(&sfu, 1), std::span(&b.host, 1));
  // Without pings neither side would ever know: the reliable stream just keeps retransmitting.
  ASSERT_TRUE(room.run_until([&] { return b.disconnected.has_value() && a.left.size() == 1; }));
  EXPECT_NE(b.disconnected->reason.find("connection_lost: ping timeout"), std::string::npos) << b.disconnected->reason;
  EXPECT_FALSE(b.disconnected->kicked);
  EXPECT_EQ(a.left, std::vector<std::string>{b.identity});
  EXPECT_EQ(room.sfu().stats().ping_timeouts, 1u);
  EXPECT_EQ(room.sfu().participants("I1"), std::vector<std::string>{a.identity});
  const auto took = room.simulation().now() - cut_at;
  EXPECT_GE(took, 10s);
  EXPECT_LE(took, 21s) << "both sides give up within the 15 s timeout plus one ping period";
  EXPECT_FALSE(a.disconnected.has_value());
}

TEST(LivekitSimRoom, SameSeedSameDigestDifferentSeedDifferentDigest) {
  const auto wifi = *sim::weather_profile("wifi");
  const auto first = run_room(42, wifi, transport::Reliability::unreliable);
  const auto reliable = run_room(44, wifi, transport::Reliability::reliable);
  EXPECT_THAT(first.failures.lines, ::testing::IsEmpty());
  EXPECT_THAT(reliable.failures.lines, ::testing::IsEmpty());
  EXPECT_EQ(first, run_room(42, wifi, transport::Reliability::unreliable));
  EXPECT_NE(first.digest, run_room(43, wifi, transport::Reliability::unreliable).digest);
  EXPECT_EQ(reliable, run_room(44, wifi, transport::Reliability::reliable));
}

RC_GTEST_PROP(LivekitSimRoomProperties, AnySeedReliableUnderHostileWeather, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto run = run_room(seed, hostile(), transport::Reliability::reliable, 3, 5);
  if (!run.failures.empty()) RC_FAIL(run.failures.text());
}

RC_GTEST_PROP(LivekitSimRoomProperties, AnySeedLossyNeverDuplicatesOrCorrupts, ()) {
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  const auto run = run_room(seed, hostile(), transport::Reliability::unreliable, 3, 10, *rc::gen::inRange<std::size_t>(2, 4000));
  if (!run.failures.empty()) RC_FAIL(run.failures.text());
}

}  // namespace
}  // namespace dclcomms::livekit
