// The recording format read back, its errors, and the recording proxy in the simulator, in front of
// our reference ws-room server: it relays both ways and records what it relays.
#include "dclcomms/recording/recording.hpp"

#include <gtest/gtest.h>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/recording/recording_proxy.hpp"
#include "dclcomms/sim_room/identities.hpp"
#include "dclcomms/sim_room/sim_room.hpp"

namespace dclcomms::recording {
namespace {

using namespace std::chrono_literals;

std::string sample_text() {
  std::string text = header_line({recording_format_version, "ws://127.0.0.1:5555", "127.0.0.1:6000"}) + "\n";
  RecordedEvent open{
      .time_ns = 10, .connection = 1, .kind = RecordedKind::open, .target = "/rooms/a", .subprotocol = "rfc5", .upstream_open_ns = 400};
  RecordedEvent up{
      .time_ns = 20, .connection = 1, .kind = RecordedKind::frame, .direction = Direction::client_to_server, .frame = {0x3a, 0x00}};
  RecordedEvent down{
      .time_ns = 30, .connection = 1, .kind = RecordedKind::frame, .direction = Direction::server_to_client, .frame = {0x22, 0x01, 0x7f}};
  RecordedEvent close{.time_ns = 40,
                      .connection = 1,
                      .kind = RecordedKind::close,
                      .direction = Direction::client_to_server,
                      .reason = "closed by the client"};
  for (const auto& e : {open, up, down, close}) text += event_line(e) + "\n";
  return text;
}

TEST(RecordingFormat, ReadsBackWhatItWrites) {
  auto parsed = parse_recording(sample_text(), "s.rec");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->header.upstream, "ws://127.0.0.1:5555");
  ASSERT_EQ(parsed->events.size(), 4u);
  EXPECT_EQ(parsed->events[0].upstream_open_ns, 400);
  EXPECT_EQ(parsed->events[0].target, "/rooms/a");
  EXPECT_EQ(parsed->events[2].direction, Direction::server_to_client);
  EXPECT_EQ(parsed->events[2].frame, (std::vector<std::uint8_t>{0x22, 0x01, 0x7f}));
  EXPECT_EQ(parsed->events[3].reason, "closed by the client");
  std::string again = header_line(parsed->header) + "\n";
  for (const auto& e : parsed->events) again += event_line(e) + "\n";
  EXPECT_EQ(again, sample_text());
}

// Each malformed file is refused with its file, line and what was wrong.
TEST(RecordingFormat, RefusesMalformedFilesNamingFileLineAndWhat) {
  const std::string header = header_line({1, "ws://h", "l"}) + "\n";
  const std::string open = R"({"t_ns":1,"conn":1,"kind":"open","target":"/","subprotocol":"rfc5","upstream_open_ns":0})"
                           "\n";
  struct Bad {
    std::string text;
    RecordingErrorCode code;
    std::string message;
  };
  const std::vector<Bad> cases = {
      {"", RecordingErrorCode::bad_header, "r.rec:1: empty: a recording starts with its header line"},
      {"{\"t_ns\":1}\n", RecordingErrorCode::bad_header, "r.rec:1: the first line must be the header"},
      {R"({"recording":"dclcomms","version":2,"upstream":"u","listen":"l"})", RecordingErrorCode::bad_header,
       "r.rec:1: version 2 is not one this build reads (1)"},
      {header + "not json\n", RecordingErrorCode::not_json, "r.rec:2: not a JSON object"},
      {header + open + R"({"t_ns":2,"conn":1,"kind":"frame","dir":"c2s","bytes":2,"hex":"0a"})", RecordingErrorCode::bad_event,
       "r.rec:3: \"bytes\" says 2 but \"hex\" holds 1"},
      {header + open + R"({"t_ns":2,"conn":1,"kind":"frame","dir":"up","bytes":0,"hex":""})", RecordingErrorCode::bad_event,
       "r.rec:3: \"dir\" must be \"c2s\" or \"s2c\", got \"up\""},
      {header + open + R"({"t_ns":2,"conn":1,"kind":"frame","dir":"c2s","bytes":1,"hex":"zz"})", RecordingErrorCode::bad_event,
       "r.rec:3: \"hex\" is not an even-length hex string"},
      {header + open + R"({"t_ns":2,"conn":1,"kind":"close","dir":"c2s","reason":"x","extra":1})", RecordingErrorCode::bad_event,
       "r.rec:3: unknown key \"extra\""},
      {header + open + R"({"t_ns":2,"conn":1,"kind":"close","dir":"c2s"})", RecordingErrorCode::bad_event,
       "r.rec:3: missing key \"reason\""},
      {header + open + R"({"t_ns":"2","conn":1,"kind":"close","dir":"c2s","reason":""})", RecordingErrorCode::bad_event,
       "r.rec:3: \"t_ns\" must be an integer, got \"2\""},
      {header + open + R"({"t_ns":0,"conn":1,"kind":"close","dir":"c2s","reason":""})", RecordingErrorCode::bad_order,
       "r.rec:3: t_ns 0 is before the previous line's 1"},
      {header + R"({"t_ns":2,"conn":7,"kind":"frame","dir":"c2s","bytes":0,"hex":""})", RecordingErrorCode::bad_order,
       "r.rec:2: connection 7 is used before its \"open\" line"},
      {header + open +
           R"({"t_ns":2,"conn":1,"kind":"close","dir":"c2s","reason":""})"
           "\n" +
           R"({"t_ns":3,"conn":1,"kind":"frame","dir":"c2s","bytes":0,"hex":""})",
       RecordingErrorCode::bad_order, "r.rec:4: connection 1: a frame after that side's close"},
      {header + open + open, RecordingErrorCode::bad_order, "r.rec:3: connection 1 is opened twice"},
      {header + R"({"t_ns":1,"conn":1,"kind":"ping"})", RecordingErrorCode::bad_event,
       "r.rec:2: \"kind\" must be \"open\", \"frame\" or \"close\", got \"ping\""},
  };
  for (const auto& bad : cases) {
    auto parsed = parse_recording(bad.text, "r.rec");
    ASSERT_FALSE(parsed) << bad.text;
    EXPECT_EQ(parsed.error().code, bad.code) << bad.text;
    EXPECT_EQ(parsed.error().message.rfind(bad.message, 0), 0u) << parsed.error().message;
  }
  EXPECT_EQ(load_recording("/nonexistent/x.rec").error().code, RecordingErrorCode::io);
}

// The proxy on a simulated host between a reference ws-room client and our reference server: the
// client joins the room through it, every frame it relays is recorded once in each direction, in
// order, and the close is the client's.
TEST(RecordingProxy, RelaysAndRecordsASimulatedSession) {
  sim_room::SimRoom room({.seed = 7});
  ASSERT_FALSE(room.start_reference_server());
  const sim::LinkFaults link{.latency = 2ms};
  const sim::HostId proxy_host = room.add_client_host("proxy", link);
  const sim::HostId client_host = room.simulation().add_host("client");
  room.simulation().connect(client_host, proxy_host, link);

  std::vector<RecordedEvent> recorded;
  RecordingProxy proxy(room.simulation().runtime(proxy_host), room.network().connector(proxy_host), {.upstream = "ws://room-server"},
                       [&](const RecordedEvent& e) { recorded.push_back(e); });
  auto proxy_server = room.network().listen(proxy_host, proxy.callbacks());
  proxy.attach(*proxy_server);

  std::vector<transport::TransportEvent> events;
  auto client = room.add_client(client_host, sim_room::member_identity(7, 1), "ws-room:ws://proxy/rooms/r1",
                                [&](const transport::TransportEvent& e) { events.push_back(e); });
  ASSERT_TRUE(client->connect());
  ASSERT_TRUE(room.run_until([&] { return !events.empty(); }, 10s));
  ASSERT_TRUE(std::holds_alternative<transport::Connected>(events.front()));
  client->disconnect();
  room.run_until([&] { return proxy.connections_open() == 0; }, 10s);
  EXPECT_EQ(proxy.connections_total(), 1u);

  ASSERT_GE(recorded.size(), 6u);  // open, identification, challenge, signed challenge, welcome, close
  EXPECT_EQ(recorded.front().kind, RecordedKind::open);
  EXPECT_EQ(recorded.front().target, "/rooms/r1");
  EXPECT_EQ(recorded.front().subprotocol, "rfc5");
  EXPECT_GE(recorded.front().upstream_open_ns, 4'000'000);  // a round trip of the 2 ms link at least
  std::vector<std::string> kinds;
  for (std::size_t i = 1; i + 1 < recorded.size(); ++i) {
    ASSERT_EQ(recorded[i].kind, RecordedKind::frame);
    auto packet = codec::decode_ws_packet(recorded[i].frame);
    ASSERT_TRUE(packet);
    kinds.push_back(std::string(to_string(recorded[i].direction)) + ":" + std::to_string(packet->message_case()));
  }
  // peer_identification (7) up, challenge (4) down, signed challenge (5) up, welcome (1) down.
  EXPECT_EQ(kinds, (std::vector<std::string>{"c2s:7", "s2c:4", "c2s:5", "s2c:1"}));
  EXPECT_EQ(recorded.back().kind, RecordedKind::close);
  EXPECT_EQ(recorded.back().direction, Direction::client_to_server);
  for (std::size_t i = 1; i < recorded.size(); ++i) EXPECT_GE(recorded[i].time_ns, recorded[i - 1].time_ns);
  // Written and read back, the whole session is a valid recording.
  std::string text = header_line({1, "ws://room-server", "proxy"}) + "\n";
  for (const auto& e : recorded) text += event_line(e) + "\n";
  EXPECT_TRUE(parse_recording(text, "sim.rec"));
}

}  // namespace
}  // namespace dclcomms::recording
