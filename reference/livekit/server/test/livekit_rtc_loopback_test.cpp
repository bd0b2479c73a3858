// Our LiveKit room server and our real-protocol client on loopback sockets: the signal websocket
// (Beast), ICE/DTLS/SCTP on UDP, LiveKit's DataPackets relayed. Waits are bounded only so that a
// broken build fails instead of hanging; nothing asserts a duration.
#include <gtest/gtest.h>

#include <map>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/udp_socket.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/livekit/livekit_token.hpp"
#include "dclcomms/livekit_rtc/rtc_connector.hpp"
#include "dclcomms/livekit_server/livekit_server.hpp"
#include "livekit_test_tokens.hpp"

namespace dclcomms::livekit_server {
namespace rtc_loopback_test {

using namespace std::chrono_literals;

using namespace test_tokens;

struct Received {
  std::string sender, payload;
  livekit::DataKind kind;
};

struct Participant {
  std::unique_ptr<livekit::LivekitSession> session;
  bool joined = false;
  std::vector<std::string> present_at_join, joins, leaves;
  std::vector<Received> data;
  std::optional<livekit::DisconnectReason> closed;
  std::string closed_detail;
};

class RtcLoopback : public ::testing::Test {
 protected:
  void SetUp() override {
    LivekitServerOptions options;
    options.signal.credentials = credentials;
    options.unix_ms_now = [] { return now_s * 1000; };
    options.relay_seed = 7;
    options.log = [this](const std::string& line) { server_log.push_back(line); };
    auto started = LivekitServer::start_on_beast(runtime, options, carriers::WebSocketServerOptions{.host = "127.0.0.1"});
    ASSERT_TRUE(started) << started.error().message;
    server = std::move(*started);
    ASSERT_TRUE(server->udp_address().has_value());
    auto connector = livekit_rtc::make_rtc_connector(
        {.runtime = &runtime, .signal = carriers::make_websocket_connector(runtime), .udp = carriers::udp_socket_opener(runtime)});
    ASSERT_TRUE(connector) << connector.error().message;
    connect = std::move(*connector);
  }

  Participant& join(const std::string& name, const std::string& identity) {
    Participant& participant = participants[name];
    livekit::SessionHandler handler;
    handler.on_joined = [&participant](std::string, std::vector<std::string> present) {
      participant.joined = true;
      participant.present_at_join = std::move(present);
    };
    handler.on_participant_joined = [&participant](std::string identity) { participant.joins.push_back(std::move(identity)); };
    handler.on_participant_left = [&participant](std::string identity) { participant.leaves.push_back(std::move(identity)); };
    handler.on_data = [&participant](std::string sender, std::vector<std::uint8_t> payload, livekit::DataKind kind) {
      participant.data.push_back({std::move(sender), std::string(payload.begin(), payload.end()), kind});
    };
    handler.on_closed = [&participant](livekit::DisconnectReason reason, std::string detail) {
      participant.closed = reason;
      participant.closed_detail = std::move(detail);
    };
    participant.session = connect({"ws://127.0.0.1:" + std::to_string(server->port()), token(identity)}, std::move(handler));
    return participant;
  }

  template <class Done>
  bool run_until(Done done) {
    for (int i = 0; i < 1000 && !done(); ++i) runtime.run_for(10ms);  // at most 10 s: a hang guard, not a bound under test
    return done();
  }

  static std::vector<std::uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }

  carriers::AsioRuntime runtime;
  std::unique_ptr<LivekitServer> server;
  livekit::LivekitConnector connect;
  std::map<std::string, Participant> participants;
  std::vector<std::string> server_log;
};

TEST_F(RtcLoopback, ParticipantsJoinSeeEachOtherAndExchangeDataOfBothKinds) {
  Participant& alice = join("alice", "alice");
  ASSERT_TRUE(run_until([&] { return alice.joined || alice.closed; })) << "alice never joined";
  ASSERT_TRUE(alice.joined) << alice.closed_detail;
  EXPECT_TRUE(alice.present_at_join.empty());
  Participant& bob = join("bob", "bob");
  ASSERT_TRUE(run_until([&] { return bob.joined && !alice.joins.empty(); }));
  EXPECT_EQ(bob.present_at_join, std::vector<std::string>{"alice"});
  EXPECT_EQ(alice.joins, std::vector<std::string>{"bob"});

  alice.session->publish_data(bytes("hello bob"), livekit::DataKind::reliable, {});
  alice.session->publish_data(bytes("a lossy hello"), livekit::DataKind::lossy, {});
  ASSERT_TRUE(run_until([&] { return bob.data.size() == 2; }));
  EXPECT_EQ(bob.data[0].sender, "alice");
  EXPECT_EQ(bob.data[0].payload, "hello bob");
  EXPECT_EQ(bob.data[0].kind, livekit::DataKind::reliable);
  EXPECT_EQ(bob.data[1].payload, "a lossy hello");
  EXPECT_EQ(bob.data[1].kind, livekit::DataKind::lossy);
  EXPECT_TRUE(alice.data.empty());  // no echo to the sender

  // Reliable order over many packets, and a large one.
  std::string large(60'000, 'x');
  for (int i = 0; i < 200; ++i) bob.session->publish_data(bytes("n" + std::to_string(i)), livekit::DataKind::reliable, {});
  bob.session->publish_data(bytes(large), livekit::DataKind::reliable, {});
  ASSERT_TRUE(run_until([&] { return alice.data.size() == 201; }));
  for (int i = 0; i < 200; ++i) ASSERT_EQ(alice.data[static_cast<std::size_t>(i)].payload, "n" + std::to_string(i));
  EXPECT_EQ(alice.data[200].payload, large);
}

TEST_F(RtcLoopback, DestinationsLeavesAndADuplicateIdentity) {
  Participant& alice = join("alice", "alice");
  Participant& bob = join("bob", "bob");
  Participant& carol = join("carol", "carol");
  // Joined at once: whoever joined (on the signal) before alice's channels opened is in her
  // Joined list, the rest arrive as joins.
  ASSERT_TRUE(run_until([&] {
    return alice.joined && bob.joined && carol.joined && alice.present_at_join.size() + alice.joins.size() == 2;
  })) << alice.joined
      << bob.joined << carol.joined << " alice saw " << alice.joins.size() << " join(s); " << alice.closed_detail << bob.closed_detail
      << carol.closed_detail << "\n"
      << [&] {
           std::string all;
           for (const auto& line : server_log) all += line + "\n";
           return all;
         }();

  // To carol only: alice must not get it; a broadcast after it proves alice had the chance.
  bob.session->publish_data(bytes("for carol"), livekit::DataKind::reliable, {"carol"});
  bob.session->publish_data(bytes("for all"), livekit::DataKind::reliable, {});
  ASSERT_TRUE(run_until([&] { return carol.data.size() == 2 && alice.data.size() == 1; }));
  EXPECT_EQ(carol.data[0].payload, "for carol");
  EXPECT_EQ(alice.data[0].payload, "for all");

  // The same identity again: the older session is told DUPLICATE_IDENTITY, the others see it leave
  // and come back.
  Participant& bob_again = join("bob again", "bob");
  ASSERT_TRUE(run_until([&] { return bob.closed.has_value() && bob_again.joined; }));
  EXPECT_EQ(*bob.closed, livekit::DisconnectReason::duplicate_identity) << bob.closed_detail;

  carol.session->leave();
  ASSERT_TRUE(run_until([&] { return std::count(alice.leaves.begin(), alice.leaves.end(), "carol") == 1; }));
  EXPECT_EQ(*carol.closed, livekit::DisconnectReason::client_initiated);
  // The server's log says what happened, one JSON line each.
  bool relayed = false;
  for (const auto& line : server_log) relayed = relayed || line.find("\"event\":\"data\"") != std::string::npos;
  EXPECT_TRUE(relayed);
}

}  // namespace rtc_loopback_test
}  // namespace dclcomms::livekit_server
