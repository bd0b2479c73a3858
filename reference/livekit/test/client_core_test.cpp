// LivekitClientCore with no carrier, no runtime and no clock: frames and times go in by hand, and
// the test reads what comes out (frames to send, deadlines, events).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "dclcomms/livekit/client_core.hpp"

namespace dclcomms::livekit {
namespace {

using namespace std::chrono_literals;

core::TimePoint at_ms(std::int64_t ms) { return core::time_point_from_ns(ms * 1'000'000); }

std::vector<ClientTransmit> drain_transmits(LivekitClientCore& core) {
  std::vector<ClientTransmit> out;
  while (auto t = core.poll_transmit()) out.push_back(std::move(*t));
  return out;
}

std::vector<ClientEvent> drain_events(LivekitClientCore& core) {
  std::vector<ClientEvent> out;
  while (auto e = core.poll_event()) out.push_back(std::move(*e));
  return out;
}

// The one signal frame the core wants sent, decoded.
wire::ClientFrame only_signal_frame(LivekitClientCore& core) {
  auto transmits = drain_transmits(core);
  EXPECT_EQ(transmits.size(), 1u);
  if (transmits.size() != 1 || !std::holds_alternative<SignalFrame>(transmits[0])) return wire::Leave{};
  auto frame = wire::decode_client_frame(std::get<SignalFrame>(transmits[0]).bytes);
  EXPECT_TRUE(frame);
  return frame ? *frame : wire::ClientFrame{wire::Leave{}};
}

void receive(LivekitClientCore& core, const wire::ServerFrame& frame, core::TimePoint now) {
  core.handle_signal_frame(wire::encode(frame), now);
}

SessionClosed only_close(LivekitClientCore& core) {
  auto events = drain_events(core);
  EXPECT_EQ(events.size(), 1u);
  if (events.size() != 1 || !std::holds_alternative<SessionClosed>(events[0])) return {DisconnectReason::client_initiated, "?"};
  return std::get<SessionClosed>(events[0]);
}

// Joined at t = 100 ms as 0xa with 0xb present, session 7.
LivekitClientCore joined_core(ClientCoreConfig config = {}) {
  LivekitClientCore core(config);
  core.join("a.b.c", at_ms(0));
  (void)drain_transmits(core);
  receive(core, wire::Welcome{7, "0xa", {"0xb"}}, at_ms(100));
  (void)drain_events(core);
  return core;
}

TEST(LivekitClientCore, JoinSendsTheTokenAndWelcomeJoins) {
  LivekitClientCore core;
  EXPECT_EQ(core.state(), ClientState::idle);
  EXPECT_FALSE(core.poll_timeout());
  core.join("a.b.c", at_ms(0));
  EXPECT_EQ(core.state(), ClientState::joining);
  const auto join = only_signal_frame(core);
  ASSERT_TRUE(std::holds_alternative<wire::Join>(join));
  EXPECT_EQ(std::get<wire::Join>(join).token, "a.b.c");
  EXPECT_EQ(core.poll_timeout(), at_ms(15'000)) << "livekit-client's 15 s join timeout";

  receive(core, wire::Welcome{7, "0xa", {"0xb", "0xc"}}, at_ms(40));
  EXPECT_EQ(core.state(), ClientState::joined);
  EXPECT_EQ(core.session(), 7u);
  EXPECT_EQ(core.poll_timeout(), at_ms(5'040)) << "the first ping, one interval after the welcome";
  auto events = drain_events(core);
  ASSERT_EQ(events.size(), 1u);
  const auto& joined = std::get<Joined>(events[0]);
  EXPECT_EQ(joined.identity, "0xa");
  EXPECT_EQ(joined.participants, (std::vector<std::string>{"0xb", "0xc"}));

  receive(core, wire::Welcome{8, "0xz", {}}, at_ms(50));
  EXPECT_EQ(core.session(), 7u) << "a second welcome changes nothing";
  EXPECT_TRUE(drain_events(core).empty());
}

TEST(LivekitClientCore, NoWelcomeInTimeFailsTheJoin) {
  LivekitClientCore core;
  core.join("t", at_ms(0));
  (void)drain_transmits(core);
  core.handle_timeout(at_ms(14'999));
  EXPECT_EQ(core.state(), ClientState::joining) << "early timeouts are no-ops";
  core.handle_timeout(at_ms(15'000));
  const auto closed = only_close(core);
  EXPECT_EQ(closed.reason, DisconnectReason::join_failure);
  EXPECT_EQ(closed.detail, "no answer to the join in time");
  EXPECT_FALSE(core.poll_timeout());
}

TEST(LivekitClientCore, RejectionAndConnectFailureAreJoinFailures) {
  LivekitClientCore rejected;
  rejected.join("t", at_ms(0));
  (void)drain_transmits(rejected);
  receive(rejected, wire::Rejected{"invalid token"}, at_ms(5));
  const auto closed = only_close(rejected);
  EXPECT_EQ(closed.reason, DisconnectReason::join_failure);
  EXPECT_EQ(closed.detail, "invalid token");

  LivekitClientCore unreachable;
  unreachable.handle_connect_failed("no simulated host named 'x'", at_ms(0));
  unreachable.join("t", at_ms(0));
  EXPECT_TRUE(drain_transmits(unreachable).empty()) << "nothing to send on a stream that never opened";
  EXPECT_EQ(only_close(unreachable).reason, DisconnectReason::join_failure);
}

TEST(LivekitClientCore, PingsEveryIntervalAndGivesUpAfterTheTimeout) {
  auto core = joined_core();
  core.handle_timeout(at_ms(5'100));
  EXPECT_TRUE(std::holds_alternative<wire::Ping>(only_signal_frame(core)));
  EXPECT_EQ(core.poll_timeout(), at_ms(10'100));
  receive(core, wire::Pong{}, at_ms(5'150));
  core.handle_timeout(at_ms(10'100));
  EXPECT_TRUE(std::holds_alternative<wire::Ping>(only_signal_frame(core))) << "heard 4.95 s ago: ping again";
  core.handle_timeout(at_ms(15'100));
  EXPECT_TRUE(std::holds_alternative<wire::Ping>(only_signal_frame(core)));
  core.handle_timeout(at_ms(20'100));
  EXPECT_TRUE(std::holds_alternative<wire::Ping>(only_signal_frame(core))) << "14.95 s of silence: not yet";
  core.handle_timeout(at_ms(25'100));
  EXPECT_TRUE(drain_transmits(core).empty());
  const auto closed = only_close(core);
  EXPECT_EQ(closed.reason, DisconnectReason::connection_lost);
  EXPECT_EQ(closed.detail, "ping timeout: nothing from the SFU for 19950 ms");
}

TEST(LivekitClientCore, LossyDataCountsAsHearingFromTheSfu) {
  auto core = joined_core();
  const auto message = wire::encode(wire::ServerFrame{wire::DataDown{"0xb", {1, 2}}});
  for (auto ms : {5'100, 10'100, 15'100, 20'100}) {
    for (auto& datagram : wire::fragment_lossy(7, static_cast<std::uint64_t>(ms), message)) {
      core.handle_lossy_fragment(*wire::decode_lossy_datagram(datagram), at_ms(ms - 50));
    }
    core.handle_timeout(at_ms(ms));
    EXPECT_TRUE(std::holds_alternative<wire::Ping>(only_signal_frame(core)));
  }
  EXPECT_EQ(core.state(), ClientState::joined);
}

TEST(LivekitClientCore, ReliableDataGoesOnTheSignalStreamAndLossyIsFragmented) {
  ClientCoreConfig config;
  config.lossy_chunk_bytes = 100;
  auto core = joined_core(config);
  const std::vector<std::uint8_t> payload(250, 9);
  core.publish(payload, DataKind::reliable, {"0xb"}, at_ms(200));
  const auto up = only_signal_frame(core);
  ASSERT_TRUE(std::holds_alternative<wire::DataUp>(up));
  EXPECT_EQ(std::get<wire::DataUp>(up).destinations, std::vector<std::string>{"0xb"});
  EXPECT_EQ(std::get<wire::DataUp>(up).payload, payload);

  core.publish(payload, DataKind::lossy, {}, at_ms(201));
  const auto datagrams = drain_transmits(core);
  ASSERT_EQ(datagrams.size(), 3u) << "250 bytes + the frame's header in 100-byte chunks";
  wire::LossyReassembler sfu_side;
  std::optional<wire::Bytes> message;
  for (const auto& d : datagrams) {
    const auto fragment = wire::decode_lossy_datagram(std::get<LossyDatagram>(d).bytes);
    ASSERT_TRUE(fragment);
    EXPECT_EQ(fragment->session, 7u) << "lossy datagrams name the session the SFU gave";
    message = sfu_side.add(*fragment);
  }
  ASSERT_TRUE(message);
  const auto frame = wire::decode_client_frame(*message);
  ASSERT_TRUE(frame);
  EXPECT_EQ(std::get<wire::DataUp>(*frame).payload, payload);
}

TEST(LivekitClientCore, PublishIsIgnoredUnlessJoinedAndWithinTheLimit) {
  LivekitClientCore joining;
  joining.join("t", at_ms(0));
  (void)drain_transmits(joining);
  joining.publish(std::vector<std::uint8_t>{1}, DataKind::reliable, {}, at_ms(1));
  EXPECT_TRUE(drain_transmits(joining).empty());

  auto core = joined_core();
  core.publish(std::vector<std::uint8_t>(data_payload_bytes_max + 1, 0), DataKind::reliable, {}, at_ms(200));
  EXPECT_TRUE(drain_transmits(core).empty());
  EXPECT_EQ(core.stats().publishes_ignored, 1u);
  core.publish(std::vector<std::uint8_t>(data_payload_bytes_max, 0), DataKind::lossy, {}, at_ms(200));
  EXPECT_FALSE(drain_transmits(core).empty()) << "exactly the limit is carried";
}

TEST(LivekitClientCore, ServerFramesBecomeEventsInOrder) {
  auto core = joined_core();
  receive(core, wire::ParticipantJoined{"0xc"}, at_ms(200));
  receive(core, wire::DataDown{"0xc", {5}}, at_ms(201));
  receive(core, wire::DataDown{"", {6}}, at_ms(202));
  receive(core, wire::ParticipantLeft{"0xc"}, at_ms(203));
  receive(core, wire::Closed{DisconnectReason::duplicate_identity, "joined elsewhere"}, at_ms(204));
  receive(core, wire::ParticipantJoined{"0xd"}, at_ms(205));
  const auto events = drain_events(core);
  ASSERT_EQ(events.size(), 5u) << "nothing after the close";
  EXPECT_EQ(std::get<ParticipantConnected>(events[0]).identity, "0xc");
  EXPECT_EQ(std::get<DataReceived>(events[1]).sender, "0xc");
  EXPECT_EQ(std::get<DataReceived>(events[1]).kind, DataKind::reliable);
  EXPECT_EQ(std::get<DataReceived>(events[2]).sender, "") << "server data: the transport decides to ignore it";
  EXPECT_EQ(std::get<ParticipantDisconnected>(events[3]).identity, "0xc");
  EXPECT_EQ(std::get<SessionClosed>(events[4]).reason, DisconnectReason::duplicate_identity);
  EXPECT_EQ(std::get<SessionClosed>(events[4]).detail, "joined elsewhere");
  EXPECT_FALSE(core.poll_timeout()) << "no timers once closed";
}

TEST(LivekitClientCore, UndecodableFrameOrLostStreamEndsTheSession) {
  auto garbled = joined_core();
  garbled.handle_signal_frame(std::vector<std::uint8_t>{'?', 1, 2}, at_ms(200));
  const auto closed = only_close(garbled);
  EXPECT_EQ(closed.reason, DisconnectReason::connection_lost);
  EXPECT_EQ(closed.detail, "undecodable frame from the SFU");

  auto reset = joined_core();
  reset.handle_signal_lost("the connection to the SFU was reset", at_ms(200));
  reset.handle_signal_lost("again", at_ms(201));
  EXPECT_EQ(only_close(reset).detail, "the connection to the SFU was reset") << "one close, the first";
}

TEST(LivekitClientCore, LeaveSendsLeaveThenCloses) {
  auto core = joined_core();
  core.leave(at_ms(300));
  EXPECT_TRUE(std::holds_alternative<wire::Leave>(only_signal_frame(core)));
  const auto closed = only_close(core);
  EXPECT_EQ(closed.reason, DisconnectReason::client_initiated);
  EXPECT_EQ(closed.detail, "left the room");
  core.leave(at_ms(301));
  EXPECT_TRUE(drain_transmits(core).empty());
  EXPECT_TRUE(drain_events(core).empty());
}

// Whatever bytes and fragments arrive, in any order, the core never asserts, emits at most one
// close and nothing after it, and keeps no deadline once closed.
RC_GTEST_PROP(LivekitClientCoreProperties, ArbitraryInputNeverBreaksTheCloseContract, ()) {
  LivekitClientCore core;
  core.join("t", at_ms(0));
  std::int64_t ms = 0;
  std::size_t closes = 0;
  bool closed_seen = false;
  const auto steps = *rc::gen::inRange(1, 40);
  for (int i = 0; i < steps; ++i) {
    ms += *rc::gen::inRange(0, 6'000);
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        core.handle_signal_frame(*rc::gen::container<std::vector<std::uint8_t>>(rc::gen::arbitrary<std::uint8_t>()), at_ms(ms));
        break;
      case 1: receive(core, wire::Welcome{*rc::gen::arbitrary<std::uint64_t>(), "0xa", {}}, at_ms(ms)); break;
      case 2:
        receive(core, wire::DataDown{"0xb", *rc::gen::container<std::vector<std::uint8_t>>(rc::gen::arbitrary<std::uint8_t>())}, at_ms(ms));
        break;
      case 3:
        core.publish(*rc::gen::container<std::vector<std::uint8_t>>(rc::gen::arbitrary<std::uint8_t>()),
                     *rc::gen::element(DataKind::reliable, DataKind::lossy), {}, at_ms(ms));
        break;
      case 4: core.handle_timeout(at_ms(ms)); break;
      default: receive(core, wire::Pong{}, at_ms(ms)); break;
    }
    (void)drain_transmits(core);
    for (const auto& event : drain_events(core)) {
      RC_ASSERT(!closed_seen);
      if (std::holds_alternative<SessionClosed>(event)) {
        ++closes;
        closed_seen = true;
      }
    }
    if (closed_seen) RC_ASSERT(!core.poll_timeout());
  }
  RC_ASSERT(closes <= 1u);
}

}  // namespace
}  // namespace dclcomms::livekit
