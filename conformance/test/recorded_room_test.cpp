// From a real session to a scenario (docs/recording.md): a ws-room session recorded through the
// recording proxy — on real loopback sockets, and in the simulator — imports into a recorded room;
// replayed, the peers' packets reach the transport in the recorded order at the recorded times, the
// fitted link stays within stated bounds of the recording's statistics, and a transport that breaks
// under the fitted weather shrinks to the fault that breaks it.
#include <gtest/gtest.h>

#include <algorithm>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/carriers/websocket_server.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/conformance/recorded_room.hpp"
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/runner.hpp"
#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/recording/recording_proxy.hpp"
#include "dclcomms/registry/reference_transports.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "dclcomms/sim_room/sim_room.hpp"
#include "ws_room_server.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::Reliability;

codec::Bytes position(std::uint32_t index) {
  codec::Packet p;
  p.mutable_position()->set_index(index);
  p.mutable_position()->set_position_x(static_cast<float>(index));
  return codec::encode_packet(p);
}

codec::Bytes chat(const std::string& text) {
  codec::Packet p;
  p.mutable_chat()->set_message(text);
  return codec::encode_packet(p);
}

// What the user got in a live session, in order, and the recording of it.
struct Session {
  recording::Recording recording;
  std::vector<codec::Bytes> user_received;
};

// The session both tests record, from 100 ms after the user's welcome: peer A sends positions every
// 200 ms (reliable; every fifth index skipped, as if lost upstream), peer B a chat every 200 ms,
// 100 ms after A's; peer C joins at 300 ms, says one thing between them, and leaves at 700 ms. The
// user sends two chats. Nothing reaches the user within 50 ms of anything else.
struct Script {
  struct Step {
    core::Duration at;
    int peer;  // 0 A, 1 B, 2 C, 3 the user; -1 C joins, -2 C leaves
    codec::Bytes packet;
  };
  std::vector<Step> steps;
  Script() {
    std::uint32_t index = 1;
    for (int i = 0; i < 10; ++i) {
      if (index % 5 == 0) ++index;
      steps.push_back({100ms + i * 200ms, 0, position(index++)});
      steps.push_back({200ms + i * 200ms, 1, chat("b" + std::to_string(i))});
    }
    steps.push_back({300ms, -1, {}});
    steps.push_back({550ms, 2, chat("hello from c")});
    steps.push_back({700ms, -2, {}});
    steps.push_back({120ms, 3, chat("user 1")});
    steps.push_back({520ms, 3, chat("user 2")});
    std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.at < b.at; });
  }
};

// ---- Live, on loopback -------------------------------------------------------------------------

transport::SigningIdentity live_identity(std::uint8_t n) {
  std::array<std::uint8_t, 32> owner{}, ephemeral{};
  owner.fill(n);
  ephemeral.fill(static_cast<std::uint8_t>(n + 100));
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return identity::make_signing_identity(owner, ephemeral, now_ms + 24LL * 3600 * 1000).value();
}

Session record_live_session() {
  Session session;
  carriers::AsioRuntime runtime;
  auto server = ws_room::WsRoomServer::start_on_beast(runtime, {}, {});
  EXPECT_TRUE(server);
  const std::string upstream = "ws://127.0.0.1:" + std::to_string((*server)->port());
  recording::RecordingProxy proxy(runtime, carriers::make_websocket_connector(runtime), {.upstream = upstream},
                                  [&](const recording::RecordedEvent& e) { session.recording.events.push_back(e); });
  auto front = carriers::WebSocketServer::listen(runtime, {}, proxy.callbacks());
  EXPECT_TRUE(front);
  proxy.attach(**front);
  const std::string through_proxy = "ws://127.0.0.1:" + std::to_string((*front)->port());
  session.recording.header = {recording::recording_format_version, upstream, "127.0.0.1:" + std::to_string((*front)->port())};

  const Script script;
  std::vector<std::unique_ptr<transport::TransportFactory>> factories;
  std::vector<transport::TransportPtr> clients(4);
  std::vector<bool> connected(4, false);
  // C says its one thing at its scripted time, or when it has joined if a loaded machine makes the
  // join take longer than that, and leaves 150 ms after saying it.
  bool c_hello_due = false;
  const auto c_hello = std::find_if(script.steps.begin(), script.steps.end(), [](const auto& s) { return s.peer == 2; })->packet;
  const auto say_hello = [&] {
    (void)clients[2]->send(c_hello, {Reliability::reliable, {}});
    runtime.schedule_at(runtime.now() + 150ms, [&] { clients[2]->disconnect(); });
  };
  const auto make = [&](int who, const std::string& base) {
    transport::TransportContext context{.runtime = &runtime,
                                        .identity = live_identity(static_cast<std::uint8_t>(who + 1)),
                                        .websocket = carriers::make_websocket_connector(runtime),
                                        .websocket_options = {}};
    factories.push_back(std::make_unique<transport::TransportFactory>(context));
    registry::register_reference_transports(*factories.back());
    clients[who] = std::move(factories.back()->create("ws-room:" + base + "/rooms/recorded").value());
    clients[who]->set_event_handler([&, who](const transport::TransportEvent& e) {
      if (std::holds_alternative<transport::Connected>(e)) connected[who] = true;
      if (std::holds_alternative<transport::Connected>(e) && who == 2 && c_hello_due) say_hello();
      if (const auto* m = std::get_if<transport::MessageReceived>(&e); m && who == 3) session.user_received.push_back(m->packet);
    });
    EXPECT_TRUE(clients[who]->connect());
  };
  const auto wait_for = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) runtime.run_for(10ms);
    return done();
  };
  make(0, upstream);
  make(1, upstream);
  EXPECT_TRUE(wait_for([&] { return connected[0] && connected[1]; }));
  make(3, through_proxy);
  EXPECT_TRUE(wait_for([&] { return connected[3]; }));
  const core::TimePoint start = runtime.now();
  for (const auto& step : script.steps) {
    if (step.peer == -2) continue;  // C leaves 150 ms after its hello, above
    runtime.schedule_at(start + step.at, [&, step] {
      if (step.peer == -1) make(2, upstream);
      if (step.peer == 2) {
        if (connected[2])
          say_hello();
        else
          c_hello_due = true;  // said on its Connected
        return;
      }
      if (step.peer >= 0 && clients[step.peer]) (void)clients[step.peer]->send(step.packet, {Reliability::reliable, {}});
    });
  }
  runtime.run_for(script.steps.back().at + 100ms);
  // Everything sent reaches the user, however loaded the machine (bounded: wait_for's 10 s).
  wait_for([&] { return session.user_received.size() >= 21; });
  clients[3]->disconnect();
  wait_for([&] { return proxy.connections_open() == 0; });
  return session;
}

TransportUnderTest ws_room_reference() { return *find_transport("ws-room"); }

TEST(RecordedRoom, ALoopbackSessionImportsAndReplaysInTheRecordedOrder) {
  const Session session = record_live_session();
  ASSERT_EQ(session.user_received.size(), 21u) << "10 positions, 10 chats of B, 1 of C";
  auto imported = import_ws_room_recording(session.recording, "loopback.rec");
  ASSERT_TRUE(imported) << imported.error().message;
  const RecordedRoom& room = *imported;
  // Who was there: A and B at the welcome, C joined and left.
  ASSERT_EQ(room.peers.size(), 3u);
  EXPECT_FALSE(room.peers[0].joined_ns);
  EXPECT_FALSE(room.peers[1].joined_ns);
  ASSERT_TRUE(room.peers[2].joined_ns && room.peers[2].left_ns);
  EXPECT_LT(*room.peers[2].joined_ns, *room.peers[2].left_ns);
  EXPECT_EQ(room.user_sent, 2u);
  // Every packet the user got, in the order it got them.
  ASSERT_EQ(room.messages.size(), session.user_received.size());
  for (std::size_t i = 0; i < room.messages.size(); ++i) EXPECT_EQ(room.messages[i].packet, session.user_received[i]) << i;
  // The fitted link, from what loopback showed: three round trips (upgrade, challenge, welcome;
  // how long they take depends on the machine's load, so no bound on it here), the position
  // indices' gaps, jitter from the 5 Hz streams.
  EXPECT_EQ(room.fitted.one_way_latency.samples, 3u);
  EXPECT_GT(room.fitted.one_way_latency.p50_ns, 0);
  EXPECT_LE(room.fitted.one_way_latency.p50_ns, room.fitted.one_way_latency.max_ns);
  EXPECT_EQ(room.fitted.positions_missing, 2u);  // indices 5 and 10 (10 positions: 1-4, 6-9, 11-12)
  EXPECT_EQ(room.fitted.positions_expected, 11u);
  EXPECT_GT(room.fitted.inter_arrival_jitter.samples, 10u);
  // The room file round-trips.
  auto reread = parse_recorded_room(to_json(room), "room.json");
  ASSERT_TRUE(reread) << reread.error().message;
  EXPECT_EQ(to_json(*reread), to_json(room));

  // Replayed exactly: the packets arrive in the recorded order, each within 1 ms of its recorded
  // time (those recorded sooner after the welcome than the two links' latency arrive as soon as
  // they can).
  const ReplayObservation replay = observe_replay(room, ReplayMode::exact, ws_room_reference(), 1);
  ASSERT_TRUE(replay.joined);
  ASSERT_EQ(replay.arrival_message.size(), room.messages.size());
  for (std::size_t i = 0; i < room.messages.size(); ++i) {
    EXPECT_EQ(replay.arrival_message[i], i) << "arrival " << i << " out of the recorded order";
    const std::int64_t recorded = room.messages[i].at_ns;
    if (recorded < 2 * room.fitted.one_way_latency.p50_ns) continue;
    EXPECT_NEAR(static_cast<double>(replay.arrival_ns[i]), static_cast<double>(recorded), 1e6) << "message " << i;
  }
  // The fitted profile, measured again in the replay, within stated bounds of the recording's:
  // the handshake's one-way latency within 10 % + 0.1 ms, the inter-arrival jitter's p50 and p90
  // within 1 ms.
  std::vector<std::int64_t> one_way;
  for (const auto rtt : replay.round_trip_ns) one_way.push_back(rtt / 2);
  const DurationSummary replayed_latency = summarize(one_way);
  EXPECT_NEAR(static_cast<double>(replayed_latency.p50_ns), static_cast<double>(room.fitted.one_way_latency.p50_ns),
              0.1 * static_cast<double>(room.fitted.one_way_latency.p50_ns) + 1e5);
  std::vector<RecordedMessage> arrived = room.messages;
  for (std::size_t i = 0; i < arrived.size(); ++i) arrived[i].at_ns = replay.arrival_ns[i];
  const DurationSummary replayed_jitter = inter_arrival_jitter(arrived);
  EXPECT_NEAR(static_cast<double>(replayed_jitter.p50_ns), static_cast<double>(room.fitted.inter_arrival_jitter.p50_ns), 1e6);
  EXPECT_NEAR(static_cast<double>(replayed_jitter.p90_ns), static_cast<double>(room.fitted.inter_arrival_jitter.p90_ns), 1e6);

  // As conformance cases: the reference transport passes both, deterministically.
  auto shared = std::make_shared<const RecordedRoom>(room);
  RunOptions options{.seed = 1, .cases_glob = "recorded.*"};
  options.extra_cases = {recorded_room_case(shared, ReplayMode::exact), recorded_room_case(shared, ReplayMode::weather)};
  const RunSummary run = run_catalogue(ws_room_reference(), options);
  ASSERT_EQ(run.results.size(), 2u);
  for (const auto& r : run.results) EXPECT_EQ(r.verdict, Verdict::pass) << r.id << ": " << r.detail;
}

// ---- In the simulator: a recording that is the same every time ---------------------------------

recording::Recording record_simulated_session() {
  recording::Recording recorded;
  recorded.header = {recording::recording_format_version, "ws://room-server", "proxy"};
  sim_room::SimRoom room({.seed = 3});
  EXPECT_FALSE(room.start_reference_server());
  const sim::LinkFaults link{.latency = 15ms};
  const sim::HostId proxy_host = room.add_client_host("proxy", link);
  recording::RecordingProxy proxy(room.simulation().runtime(proxy_host), room.network().connector(proxy_host),
                                  {.upstream = "ws://room-server"},
                                  [&](const recording::RecordedEvent& e) { recorded.events.push_back(e); });
  auto front = room.network().listen(proxy_host, proxy.callbacks());
  proxy.attach(*front);
  const sim::HostId user_host = room.simulation().add_host("user");
  room.simulation().connect(user_host, proxy_host, sim::LinkFaults{.latency = 1ms});
  std::vector<transport::TransportPtr> clients(4);
  std::vector<bool> connected(4, false);
  const auto make = [&](int who, sim::HostId host, const std::string& url) {
    clients[who] = room.add_client(host, sim_room::member_identity(3, static_cast<std::uint32_t>(who + 1)), "ws-room:" + url,
                                   [&, who](const transport::TransportEvent& e) {
                                     if (std::holds_alternative<transport::Connected>(e)) connected[who] = true;
                                   });
    EXPECT_TRUE(clients[who]->connect());
  };
  std::vector<sim::HostId> hosts;
  for (const char* name : {"a", "b", "c"}) hosts.push_back(room.add_client_host(name, link));
  make(0, hosts[0], "ws://room-server/rooms/r");
  make(1, hosts[1], "ws://room-server/rooms/r");
  EXPECT_TRUE(room.run_until([&] { return connected[0] && connected[1]; }, 10s));
  make(3, user_host, "ws://proxy/rooms/r");
  EXPECT_TRUE(room.run_until([&] { return connected[3]; }, 10s));
  const core::TimePoint start = room.simulation().now();
  for (const auto& step : Script().steps) {
    room.simulation().run_until(start + step.at);
    if (step.peer == -1) make(2, hosts[2], "ws://room-server/rooms/r");
    if (step.peer == -2) clients[2]->disconnect();
    if (step.peer >= 0 && clients[step.peer]) (void)clients[step.peer]->send(step.packet, {Reliability::reliable, {}});
  }
  room.simulation().run_until(room.simulation().now() + 500ms);
  clients[3]->disconnect();
  room.run_until([&] { return proxy.connections_open() == 0; }, 10s);
  return recorded;
}

// mutant-one-message-per-tick handles one message per 40 ms: the recorded room's packets, 50 ms or
// more apart, pass exactly; under the fitted weather (2 positions in 11 missing, fitted as loss) a
// lost segment's retransmission bunches the packets behind it, and it loses one. --shrink reduces
// the weather's decisions to that one loss, the same every time.
TEST(RecordedRoom, AFailureUnderTheFittedWeatherShrinksToOneLoss) {
  const recording::Recording recorded = record_simulated_session();
  auto imported = import_ws_room_recording(recorded, "sim.rec");
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(imported->fitted.one_way_latency.p50_ns, 15'000'000 + 0) << "the proxy-server link's latency";
  EXPECT_EQ(imported->weather_link().loss, (core::Ratio{2, 11}));
  auto room = std::make_shared<const RecordedRoom>(std::move(imported).value());
  const auto mutant = *find_transport("mutant-one-message-per-tick");
  RunOptions options{.seed = 1, .cases_glob = "recorded.*", .shrink = true};
  options.extra_cases = {recorded_room_case(room, ReplayMode::exact), recorded_room_case(room, ReplayMode::weather)};
  const RunSummary run = run_catalogue(mutant, options);
  ASSERT_EQ(run.results.size(), 2u);
  EXPECT_EQ(run.results[0].verdict, Verdict::pass) << run.results[0].detail;
  const CaseResult& weather = run.results[1];
  ASSERT_EQ(weather.verdict, Verdict::fail) << weather.detail;
  ASSERT_TRUE(weather.shrunk);
  EXPECT_TRUE(weather.shrunk->reproduced);
  EXPECT_EQ(weather.shrunk->minimal.size(), 1u) << weather.detail;
  // One lost segment on the way to the transport: its retransmission arrives with the packet queued
  // behind it, and the transport loses the second.
  EXPECT_EQ(weather.shrunk->minimal.to_json(),
            "{\"format\":\"dclcomms-fault-schedule\",\"version\":1,\"faults\":[\n"
            "  {\"from\":\"room-server\",\"to\":\"tut\",\"segment\":5,\"drop\":\"loss\"}\n"
            "]}\n")
      << weather.detail;
  EXPECT_NE(weather.detail.find("was skipped"), std::string::npos) << weather.detail;
  // The same failure shrinks to the same schedule every time.
  const RunSummary again = run_catalogue(mutant, options);
  EXPECT_EQ(again.results[1].shrunk->minimal.to_json(), weather.shrunk->minimal.to_json());
}

TEST(RecordedRoom, RefusesMalformedRoomFilesNamingWhatWasWrong) {
  const std::string good = R"({"format":"dclcomms-recorded-room","version":1,"source":"s","target":"/rooms/r",
    "user":{"connection":1,"alias":3,"welcome_ns":5,"end_ns":9,"sent":0},
    "fitted":{"one_way_latency":{"samples":1,"p50_ns":1,"p90_ns":1,"p99_ns":1,"max_ns":1},
              "inter_arrival_jitter":{"samples":0,"p50_ns":0,"p90_ns":0,"p99_ns":0,"max_ns":0},
              "positions_expected":0,"positions_missing":0,"stalls":[]},
    "peers":[{"alias":2,"address":"0xab","joined_ns":null,"left_ns":null}],
    "messages":[{"at_ns":1,"peer":0,"unreliable":false,"packet":"0a00"}]})";
  ASSERT_TRUE(parse_recorded_room(good, "r.json"));
  const auto refused = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    auto parsed = parse_recorded_room(text, "r.json");
    EXPECT_FALSE(parsed) << to;
    return parsed ? std::string() : parsed.error().message;
  };
  EXPECT_EQ(refused(R"("peer":0)", R"("peer":4)"), "r.json: $.messages[0].peer: 4 is not a peer (there are 1)");
  EXPECT_EQ(refused(R"("packet":"0a00")", R"("packet":"0a0")"), "r.json: $.messages[0].packet: not an even-length hex string");
  EXPECT_EQ(refused(R"("sent":0)", R"("sent":"0")"), "r.json: $.user.sent: wrong type (string)");
  EXPECT_EQ(refused(R"("version":1)", R"("version":2)"), "r.json: $.version: 2 is not one this build reads (1)");
  EXPECT_EQ(refused(R"("target")", R"("targte")"), "r.json: $.targte: unknown key");
  EXPECT_EQ(refused(R"("positions_missing":0)", R"("positions_missing":3)"),
            "r.json: $.fitted.positions_missing: more than positions_expected");
  EXPECT_EQ(parse_recorded_room("[1", "r.json").error().message, "r.json: not a JSON object");
  // A recording with no ws-room session in it.
  recording::Recording empty;
  EXPECT_EQ(import_ws_room_recording(empty, "e.rec").error().code, RecordedRoomErrorCode::no_session);
}

}  // namespace
}  // namespace dclcomms::conformance
