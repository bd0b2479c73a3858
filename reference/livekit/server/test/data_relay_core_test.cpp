// The room server's protocol core (SignalServerCore with its DataRelayCore) and our client core
// (RtcClientCore), joined in memory: every signal message and datagram is moved by hand, time is
// passed in. The real ICE/DTLS/SCTP run; no socket, no runtime.
#include "dclcomms/livekit_server/signal_server_core.hpp"

#include <gtest/gtest.h>

#include <map>

#include "dclcomms/livekit_rtc/rtc_client_core.hpp"
#include "livekit_rtc.pb.h"
#include "livekit_test_tokens.hpp"

namespace dclcomms::livekit_server {
namespace data_relay_core_test {

using namespace test_tokens;
using namespace std::chrono_literals;

const webrtc::SocketAddress server_udp{"10.0.0.1", 7882};

struct Client {
  SignalConnectionId connection = 0;
  webrtc::SocketAddress publisher_address, subscriber_address;
  std::unique_ptr<livekit_rtc::RtcClientCore> core;
  std::vector<livekit::ClientEvent> events;
  bool signal_closed = false;

  template <class Event>
  std::vector<Event> of_type() const {
    std::vector<Event> found;
    for (const auto& event : events) {
      if (const auto* typed = std::get_if<Event>(&event)) found.push_back(*typed);
    }
    return found;
  }
  bool joined() const { return !of_type<livekit::Joined>().empty(); }
};

class InMemoryRoom : public ::testing::Test {
 protected:
  std::shared_ptr<const webrtc::DtlsIdentity> identity = webrtc::DtlsIdentity::generate().value();
  core::TimePoint now{1000s};
  SignalServerCore server{
      SignalServerConfig{.credentials = credentials, .relay = DataRelayConfig{.identity = identity, .udp_address = server_udp, .seed = 3}}};
  std::map<std::string, Client> clients;
  std::vector<SignalServerEvent> server_events;
  SignalConnectionId next_connection = 1;

  Client& join(const std::string& identity_name) {
    Client& client = clients[identity_name];
    client.connection = next_connection++;
    const std::string host = "10.0.1." + std::to_string(client.connection);
    client.publisher_address = {host, 5000};
    client.subscriber_address = {host, 5001};
    client.core =
        std::make_unique<livekit_rtc::RtcClientCore>(livekit_rtc::RtcClientConfig{.identity = identity, .seed = client.connection}, now);
    const std::string target = "/rtc?access_token=" + token(identity_name);
    EXPECT_TRUE(server.check_upgrade(target, "", now_s));
    server.handle_open(client.connection, target, "", now, now_s * 1000);
    return client;
  }

  Client* by_connection(SignalConnectionId connection) {
    for (auto& [name, client] : clients) {
      if (client.connection == connection) return &client;
    }
    return nullptr;
  }

  void round() {
    for (auto& [name, client] : clients) {
      while (auto frame = client.core->poll_signal()) {
        if (!client.signal_closed) server.handle_message(client.connection, *frame, now, now_s * 1000);
      }
      while (auto datagram = client.core->poll_datagram()) {
        if (datagram->datagram.to != server_udp) continue;
        const auto& from = datagram->role == livekit_rtc::PeerConnectionRole::publisher ? client.publisher_address
                                                                                        : client.subscriber_address;
        server.handle_datagram(datagram->datagram.bytes, from, now);
      }
    }
    while (auto transmit = server.poll_transmit()) {
      if (Client* client = by_connection(transmit->connection); client && !client->signal_closed) {
        client->core->handle_signal_frame(transmit->bytes, now);
      }
    }
    while (auto close = server.poll_close()) {
      if (Client* client = by_connection(close->connection); client && !client->signal_closed) {
        client->signal_closed = true;
        client->core->handle_signal_lost("closed by the server: " + close->reason, now);
        server.handle_closed(close->connection);
      }
    }
    while (auto datagram = server.poll_datagram()) {
      for (auto& [name, client] : clients) {
        if (datagram->to == client.publisher_address) {
          client.core->handle_datagram(livekit_rtc::PeerConnectionRole::publisher, datagram->bytes, server_udp, now);
        } else if (datagram->to == client.subscriber_address) {
          client.core->handle_datagram(livekit_rtc::PeerConnectionRole::subscriber, datagram->bytes, server_udp, now);
        }
      }
    }
    now += 5ms;
    server.handle_timeout(now);
    for (auto& [name, client] : clients) {
      client.core->handle_timeout(now);
      while (auto event = client.core->poll_event()) client.events.push_back(std::move(*event));
    }
    while (auto event = server.poll_event()) server_events.push_back(std::move(*event));
  }

  template <class Done>
  bool run_until(Done done, int rounds_max = 2000) {
    for (int i = 0; i < rounds_max && !done(); ++i) round();
    return done();
  }

  void settle(int rounds) {
    for (int i = 0; i < rounds; ++i) round();
  }

  template <class Event>
  std::vector<Event> server_events_of() const {
    std::vector<Event> found;
    for (const auto& event : server_events) {
      if (const auto* typed = std::get_if<Event>(&event)) found.push_back(*typed);
    }
    return found;
  }

  static std::vector<std::uint8_t> bytes(std::string_view text) { return {text.begin(), text.end()}; }
};

TEST_F(InMemoryRoom, DataPacketsAreRelayedWithTheSenderFilledIn) {
  Client& alice = join("alice");
  Client& bob = join("bob");
  ASSERT_TRUE(run_until([&] { return alice.joined() && bob.joined(); }));
  // Both subscriber connections up: what is sent now is delivered (lossy too, on a lossless path).
  ASSERT_TRUE(run_until([&] { return server_events_of<PeerConnectionUp>().size() == 4; }));
  settle(20);  // the subscriber channels' acknowledgements
  alice.core->publish(bytes("reliable"), livekit::DataKind::reliable, {}, now);
  alice.core->publish(bytes("lossy"), livekit::DataKind::lossy, {}, now);
  ASSERT_TRUE(run_until([&] { return bob.of_type<livekit::DataReceived>().size() == 2; }));
  const auto data = bob.of_type<livekit::DataReceived>();
  EXPECT_EQ(data[0].sender, "alice");
  EXPECT_EQ(data[0].payload, bytes("reliable"));
  EXPECT_EQ(data[0].kind, livekit::DataKind::reliable);
  EXPECT_EQ(data[1].payload, bytes("lossy"));
  EXPECT_EQ(data[1].kind, livekit::DataKind::lossy);
  EXPECT_TRUE(alice.of_type<livekit::DataReceived>().empty());
}

TEST_F(InMemoryRoom, AnOversizePacketIsRefusedAndNothingElseIsLost) {
  Client& alice = join("alice");
  Client& bob = join("bob");
  ASSERT_TRUE(run_until([&] { return alice.joined() && bob.joined(); }));
  alice.core->publish(std::vector<std::uint8_t>(70'000, 7), livekit::DataKind::reliable, {}, now);  // the limit + envelope: 69,631
  alice.core->publish(bytes("after it"), livekit::DataKind::reliable, {}, now);
  ASSERT_TRUE(run_until([&] { return !bob.of_type<livekit::DataReceived>().empty(); }));
  settle(50);
  const auto data = bob.of_type<livekit::DataReceived>();
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].payload, bytes("after it"));
  const auto refused = server_events_of<DataRefused>();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].identity, "alice");
  EXPECT_NE(refused[0].reason.find("over the 69631-byte limit"), std::string::npos) << refused[0].reason;
  EXPECT_FALSE(alice.signal_closed);  // the sender is not punished for it
}

TEST_F(InMemoryRoom, AnUnusableOfferEndsOnlyThatSessionWithTheReason) {
  Client& alice = join("alice");
  ASSERT_TRUE(run_until([&] { return alice.joined(); }));
  // A client of our own making: its offer is not SDP.
  const SignalConnectionId mallory = 99;
  const std::string target = "/rtc?access_token=" + token("mallory");
  server.handle_open(mallory, target, "", now, now_s * 1000);
  ::livekit::SignalRequest offer;
  offer.mutable_offer()->set_type("offer");
  offer.mutable_offer()->set_sdp("this is not SDP");
  const std::string serialized = offer.SerializeAsString();
  server.handle_message(mallory, std::span(reinterpret_cast<const std::uint8_t*>(serialized.data()), serialized.size()), now, now_s * 1000);
  std::optional<SignalClose> closed;
  while (auto close = server.poll_close()) {
    if (close->connection == mallory) closed = close;
  }
  ASSERT_TRUE(closed.has_value());
  EXPECT_NE(closed->reason.find("unusable publisher offer"), std::string::npos) << closed->reason;
  EXPECT_NE(closed->reason.find("malformed"), std::string::npos) << closed->reason;
  server.handle_closed(mallory);
  // Alice is still served: she can publish to a newcomer.
  Client& bob = join("bob");
  ASSERT_TRUE(run_until([&] { return bob.joined(); }));
  alice.core->publish(bytes("still here"), livekit::DataKind::reliable, {}, now);
  ASSERT_TRUE(run_until([&] { return !bob.of_type<livekit::DataReceived>().empty(); }));
}

}  // namespace data_relay_core_test
}  // namespace dclcomms::livekit_server
