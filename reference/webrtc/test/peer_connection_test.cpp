// Two PeerConnections (our server's role and our client's) joined by an in-memory datagram path:
// ICE, DTLS, SCTP and DCEP run for real; time is passed in and advanced 10 ms a round.
#include "dclcomms/webrtc/peer_connection.hpp"

#include <gtest/gtest.h>

namespace dclcomms::webrtc {
namespace peer_connection_test {

const SocketAddress server_address{"10.0.0.1", 7882};
const SocketAddress client_address{"10.0.0.2", 50000};

struct Pair {
  std::shared_ptr<const DtlsIdentity> server_identity = DtlsIdentity::generate().value();
  std::shared_ptr<const DtlsIdentity> client_identity = DtlsIdentity::generate().value();
  core::TimePoint now{std::chrono::seconds(1000)};
  PeerConnection server{{.identity = server_identity, .ice_lite = true, .host_candidates = {server_address}, .seed = 11}, now};
  PeerConnection client{{.identity = client_identity, .ice_lite = false, .host_candidates = {}, .seed = 22}, now};
  std::vector<PeerConnectionEvent> server_events, client_events;

  // One round: every queued datagram crosses, timers run, events are collected.
  void round() {
    while (auto out = client.poll_transmit()) {
      if (out->to == server_address) server.handle_datagram(out->bytes, client_address, now);
    }
    while (auto out = server.poll_transmit()) {
      if (out->to == client_address) client.handle_datagram(out->bytes, server_address, now);
    }
    now += std::chrono::milliseconds(10);
    server.handle_timeout(now);
    client.handle_timeout(now);
    while (auto event = server.poll_event()) server_events.push_back(std::move(*event));
    while (auto event = client.poll_event()) client_events.push_back(std::move(*event));
  }
  template <class Done>
  bool run_until(Done done, int rounds_max = 500) {
    for (int i = 0; i < rounds_max; ++i) {
      if (done()) return true;
      round();
    }
    return done();
  }
};

template <class Event>
std::vector<Event> of_type(const std::vector<PeerConnectionEvent>& events) {
  std::vector<Event> found;
  for (const auto& event : events) {
    if (const auto* typed = std::get_if<Event>(&event)) found.push_back(*typed);
  }
  return found;
}

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

TEST(PeerConnection, ClientOffersServerAnswersChannelsCarryDataBothWays) {
  Pair pair;
  const std::string offer = pair.client.create_offer();
  auto answer = pair.server.handle_offer(offer, pair.now);
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_TRUE(pair.client.handle_answer(*answer, pair.now));
  const auto reliable = pair.client.open_channel("_reliable", {});
  const auto lossy = pair.client.open_channel("_lossy", {.ordered = false, .max_retransmits = 0});
  ASSERT_TRUE(reliable && lossy);
  EXPECT_EQ(*reliable % 2, 0);  // the client took the DTLS client role: even stream ids
  ASSERT_TRUE(pair.run_until([&] { return of_type<ChannelOpened>(pair.server_events).size() == 2; }));
  const auto opened = of_type<ChannelOpened>(pair.server_events);
  EXPECT_EQ(opened[0].label, "_reliable");
  EXPECT_TRUE(opened[0].by_peer);
  EXPECT_EQ(opened[1].label, "_lossy");
  EXPECT_EQ(opened[1].options, (DataChannelOptions{.ordered = false, .max_retransmits = 0}));
  EXPECT_EQ(pair.server.remote_address(), client_address);

  ASSERT_TRUE(pair.client.send(*reliable, bytes_of("hello")));
  ASSERT_TRUE(pair.client.send(*reliable, {}));  // an empty message is carried too
  ASSERT_TRUE(pair.run_until([&] { return of_type<ChannelMessage>(pair.server_events).size() == 2; }));
  auto messages = of_type<ChannelMessage>(pair.server_events);
  EXPECT_EQ(messages[0].label, "_reliable");
  EXPECT_EQ(messages[0].bytes, bytes_of("hello"));
  EXPECT_TRUE(messages[1].bytes.empty());

  std::vector<std::uint8_t> large(200'000);
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<std::uint8_t>(i * 7);
  ASSERT_TRUE(pair.server.send(opened[0].id, large));
  ASSERT_TRUE(pair.run_until([&] { return !of_type<ChannelMessage>(pair.client_events).empty(); }));
  EXPECT_EQ(of_type<ChannelMessage>(pair.client_events)[0].bytes, large);
}

TEST(PeerConnection, ServerOffersAndOpensChannelsOnOddStreams) {
  Pair pair;
  const std::string offer = pair.server.create_offer();
  auto answer = pair.client.handle_offer(offer, pair.now);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_NE(answer->find("a=setup:active"), std::string::npos);
  ASSERT_TRUE(pair.server.handle_answer(*answer, pair.now));
  const auto reliable = pair.server.open_channel("_reliable", {});
  ASSERT_TRUE(reliable);
  EXPECT_EQ(*reliable % 2, 1);
  ASSERT_TRUE(pair.run_until([&] { return !of_type<ChannelOpened>(pair.client_events).empty(); }));
  ASSERT_TRUE(pair.server.send(*reliable, bytes_of("to you"), false));
  ASSERT_TRUE(pair.run_until([&] { return !of_type<ChannelMessage>(pair.client_events).empty(); }));
  const auto message = of_type<ChannelMessage>(pair.client_events)[0];
  EXPECT_EQ(message.bytes, bytes_of("to you"));
  EXPECT_FALSE(message.binary);
}

TEST(PeerConnection, AWrongFingerprintFailsDtls) {
  Pair pair;
  const std::string offer = pair.client.create_offer();
  auto answer = pair.server.handle_offer(offer, pair.now);
  ASSERT_TRUE(answer);
  std::string forged = *answer;
  const std::size_t at = forged.find("a=fingerprint:sha-256 ") + 22;
  forged[at] = forged[at] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(pair.client.handle_answer(forged, pair.now));
  ASSERT_TRUE(pair.run_until([&] { return !of_type<PeerFailed>(pair.client_events).empty(); }));
  const auto failure = of_type<PeerFailed>(pair.client_events)[0].error;
  EXPECT_EQ(failure.code, PeerConnectionErrorCode::dtls);
  EXPECT_NE(failure.message.find("fingerprint"), std::string::npos) << failure.message;
}

TEST(PeerConnection, BadDescriptionsAreRefusedWithTheReason) {
  Pair pair;
  const auto refused = pair.server.handle_offer("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n", pair.now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, PeerConnectionErrorCode::sdp);
  EXPECT_EQ(pair.client.handle_answer("v=0\r\n", pair.now).error().code, PeerConnectionErrorCode::state);
}

}  // namespace peer_connection_test
}  // namespace dclcomms::webrtc
