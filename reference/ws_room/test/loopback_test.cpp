// ws-room end to end over real loopback websockets: WsRoomTransport (client core + Beast client)
// against WsRoomServer (server core + Beast server), with real AuthChains.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <iterator>

#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"
#include "ws_room_server.hpp"

namespace dclcomms::ws_room {
namespace {

using namespace std::chrono_literals;

std::array<std::uint8_t, 32> key(std::uint8_t n) {
  std::array<std::uint8_t, 32> k{};
  k[31] = n;
  return k;
}

constexpr std::int64_t year_2100_ms = 4102444800000;

transport::SigningIdentity identity(std::uint8_t n) {
  return identity::make_signing_identity(key(n), key(static_cast<std::uint8_t>(n + 100)), year_2100_ms).value();
}

// Runs the runtime until `done` holds, for at most 60 s of real time: a bound that only catches a
// hang (loopback takes milliseconds), so a loaded machine cannot fail a test here.
bool run_until(carriers::AsioRuntime& runtime, const std::function<bool()>& done) {
  const core::TimePoint deadline = runtime.now() + 60s;
  while (!done() && runtime.now() < deadline) runtime.run_for(10ms);
  return done();
}

struct Client {
  transport::TransportPtr transport;
  std::vector<transport::TransportEvent> events;
  template <class E>
  std::vector<E> all() const {
    std::vector<E> out;
    for (const auto& e : events) {
      if (auto* typed = std::get_if<E>(&e)) out.push_back(*typed);
    }
    return out;
  }
};

struct Loopback : ::testing::Test {
  carriers::AsioRuntime runtime;
  std::unique_ptr<WsRoomServer> server;
  std::vector<std::string> server_log;

  // The server gives each handshake step 30 s here, not the production 1 s: these tests are about
  // the exchange, and a loaded machine must not make the server drop a correct client. The 1 s is
  // checked in virtual time (server_core_test) and by the silent client below.
  void SetUp() override { start_server(30s); }

  void start_server(core::Duration handshake_step_timeout, bool challenge_required = true) {
    server.reset();
    WsRoomServerOptions options;
    options.challenge_required = challenge_required;
    options.challenge_seed = 7;
    options.handshake_step_timeout = handshake_step_timeout;
    options.log = [this](const std::string& line) { server_log.push_back(line); };
    auto started = WsRoomServer::start_on_beast(runtime, options, carriers::WebSocketServerOptions{});
    ASSERT_TRUE(started.ok()) << started.error().message;
    server = std::move(started).value();
  }

  std::string url(const std::string& room) { return "ws-room:ws://127.0.0.1:" + std::to_string(server->port()) + "/rooms/" + room; }

  std::unique_ptr<Client> client(std::optional<transport::SigningIdentity> id, const std::string& room) {
    transport::TransportContext context{.runtime = &runtime,
                                        .identity = std::move(id),
                                        .websocket = carriers::make_websocket_connector(runtime),
                                        .websocket_options = {}};
    transport::TransportFactory factory(context);
    register_ws_room(factory);
    auto created = factory.create(url(room));
    EXPECT_TRUE(created.ok()) << created.error().message;
    auto c = std::make_unique<Client>();
    c->transport = std::move(created).value();
    c->transport->set_event_handler([raw = c.get()](const transport::TransportEvent& e) { raw->events.push_back(e); });
    EXPECT_TRUE(c->transport->connect().ok());
    return c;
  }
};

TEST_F(Loopback, ClientsJoinExchangePacketsAndLeave) {
  auto a = client(identity(1), "plaza");
  ASSERT_TRUE(run_until(runtime, [&] { return !a->all<transport::Connected>().empty(); }));
  EXPECT_TRUE(a->all<transport::Connected>()[0].peers.empty());
  auto b = client(identity(2), "plaza");
  ASSERT_TRUE(run_until(runtime, [&] { return !b->all<transport::Connected>().empty() && !a->all<transport::PeerJoined>().empty(); }));
  const std::string address_a = identity(1).address;
  const std::string address_b = identity(2).address;
  EXPECT_EQ(b->all<transport::Connected>()[0].peers, std::vector<std::string>{address_a});
  EXPECT_EQ(a->all<transport::PeerJoined>()[0].address, address_b);

  const std::vector<std::uint8_t> chat{0x2a, 0x04, 0x0a, 0x02, 'h', 'i'};
  ASSERT_TRUE(a->transport->send(chat, {}).ok());
  ASSERT_TRUE(b->transport->send(chat, {transport::Reliability::unreliable, {}}).ok());
  ASSERT_TRUE(
      run_until(runtime, [&] { return !a->all<transport::MessageReceived>().empty() && !b->all<transport::MessageReceived>().empty(); }));
  EXPECT_EQ(b->all<transport::MessageReceived>()[0].sender, address_a);
  EXPECT_EQ(b->all<transport::MessageReceived>()[0].packet, chat);
  EXPECT_EQ(a->all<transport::MessageReceived>()[0].sender, address_b);

  const auto status = nlohmann::json::parse(server->status_json());
  EXPECT_EQ(status["users"], 2);
  EXPECT_EQ(status["details"][0]["roomName"], "plaza");

  b->transport->disconnect();
  ASSERT_TRUE(run_until(runtime, [&] { return !a->all<transport::PeerLeft>().empty() && !b->all<transport::Disconnected>().empty(); }));
  EXPECT_EQ(a->all<transport::PeerLeft>()[0].address, address_b);
  EXPECT_FALSE(b->all<transport::Disconnected>()[0].kicked);
}

TEST_F(Loopback, ASecondLoginKicksTheFirst) {
  auto first = client(identity(3), "r");
  ASSERT_TRUE(run_until(runtime, [&] { return !first->all<transport::Connected>().empty(); }));
  auto second = client(identity(3), "r");
  ASSERT_TRUE(run_until(runtime, [&] { return !first->all<transport::Disconnected>().empty(); }));
  const auto disconnected = first->all<transport::Disconnected>()[0];
  EXPECT_TRUE(disconnected.kicked);
  EXPECT_NE(disconnected.reason.find("Already logged in"), std::string::npos);
  ASSERT_TRUE(run_until(runtime, [&] { return !second->all<transport::Connected>().empty(); }));
}

TEST_F(Loopback, ABadSignatureIsRejected) {
  transport::SigningIdentity forger = identity(4);
  forger.sign_payload = [](std::string_view) { return std::string(R"([{"type":"SIGNER","payload":"0x00","signature":""}])"); };
  auto c = client(forger, "r");
  ASSERT_TRUE(run_until(runtime, [&] { return !c->all<transport::Disconnected>().empty(); }));
  EXPECT_FALSE(c->all<transport::Disconnected>()[0].kicked);
  EXPECT_TRUE(c->all<transport::Connected>().empty());
  ASSERT_TRUE(run_until(runtime, [&] { return !server_log.empty(); }));
  EXPECT_NE(server_log.back().find("auth_failed"), std::string::npos) << server_log.back();
}

TEST_F(Loopback, GarbageFramesAndSilentClientsAreClosed) {
  start_server(1s);  // the production handshake timer: the silent client must be closed by it
  auto connector = carriers::make_websocket_connector(runtime);
  bool garbage_closed = false;
  bool silent_closed = false;
  transport::MessageStreamOptions options;
  options.subprotocols = {"rfc5"};
  std::unique_ptr<transport::MessageStream> garbage;
  transport::MessageStreamHandler handler;
  handler.on_open = [&](std::string subprotocol) {
    EXPECT_EQ(subprotocol, "rfc5");
    garbage->send({0x1a, 0x05});  // truncated WsPacket
  };
  handler.on_closed = [&](std::string) { garbage_closed = true; };
  garbage = connector("ws://127.0.0.1:" + std::to_string(server->port()) + "/rooms/x", options, handler);
  transport::MessageStreamHandler silent_handler;
  silent_handler.on_closed = [&](std::string) { silent_closed = true; };
  auto silent = connector("ws://127.0.0.1:" + std::to_string(server->port()) + "/rooms/x", options, silent_handler);
  ASSERT_TRUE(run_until(runtime, [&] { return garbage_closed && silent_closed; }));  // silent: 1 s handshake timeout
  EXPECT_EQ(server->core().connection_count(), 0u);
}

// A member that stops reading: a raw socket with a small receive buffer that completes the upgrade
// and the identification (the server runs without the challenge here), then never reads again.
// Through the carrier's per-connection buffer, the server sheds unreliable relays to it once its
// backlog is over 256 KiB, keeps every reliable one until the backlog passes 8 MiB, then
// disconnects it as a slow receiver; a member that reads gets every reliable message, in order.
TEST_F(Loopback, AMemberThatStopsReadingIsShedThenDisconnectedWhileTheOthersGetEveryReliableMessage) {
  start_server(30s, /*challenge_required=*/false);
  const int slow = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(slow, 0);
  const int small_receive_buffer = 4096;
  setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &small_receive_buffer, sizeof small_receive_buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(slow, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  const std::string upgrade =
      "GET /rooms/plaza HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ASSERT_EQ(write(slow, upgrade.data(), upgrade.size()), static_cast<ssize_t>(upgrade.size()));
  std::string response;
  ASSERT_TRUE(run_until(runtime, [&] {
    pollfd readable{slow, POLLIN, 0};
    char chunk[512];
    if (poll(&readable, 1, 0) > 0) {
      const ssize_t n = read(slow, chunk, sizeof chunk);
      if (n > 0) response.append(chunk, static_cast<std::size_t>(n));
    }
    return response.find("\r\n\r\n") != std::string::npos;
  }));
  ASSERT_EQ(response.rfind("HTTP/1.1 101", 0), 0u) << response;
  codec::WsPacket identification;
  identification.mutable_peer_identification()->set_address(identity(9).address);
  const auto payload = codec::encode_ws_packet(identification);
  ASSERT_LT(payload.size(), 126u);
  std::vector<std::uint8_t> frame(6 + payload.size(), 0);  // masked, with a zero key: the payload as it is
  frame[0] = 0x82;
  frame[1] = static_cast<std::uint8_t>(0x80 | payload.size());
  std::copy(payload.begin(), payload.end(), frame.begin() + 6);
  ASSERT_EQ(write(slow, frame.data(), frame.size()), static_cast<ssize_t>(frame.size()));
  ASSERT_TRUE(run_until(runtime, [&] { return server->core().member_count() == 1; }));

  auto sender = client(identity(1), "plaza");
  auto reader = client(identity(2), "plaza");
  ASSERT_TRUE(run_until(runtime, [&] { return server->core().member_count() == 3 && !reader->all<transport::Connected>().empty(); }));
  const auto slow_left = [&] {
    return std::any_of(server_log.begin(), server_log.end(), [](const std::string& line) {
      return line.find("\"left\"") != std::string::npos && line.find("slow_receiver") != std::string::npos;
    });
  };
  // ~1 KB packets, every other one unreliable, until the server gives up on the slow member (the
  // kernel's socket buffers take a few MiB first); a bound of 64 MiB catches a server that never does.
  std::uint32_t sent = 0;
  std::uint32_t reliable_sent = 0;
  while (!slow_left() && sent < 64 * 1024) {
    codec::Packet packet;
    packet.mutable_chat()->set_message(std::to_string(sent) + " " + std::string(1000, 'x'));
    const bool unreliable = sent % 2 == 1;
    if (sender->transport->send(codec::encode_packet(packet),
                                {unreliable ? transport::Reliability::unreliable : transport::Reliability::reliable, {}})) {
      reliable_sent += unreliable ? 0 : 1;
      ++sent;
    } else {
      runtime.run_for(1ms);  // the sender's own queue is full: let it drain
    }
    if (sent % 64 == 0) runtime.poll();
  }
  ASSERT_TRUE(slow_left()) << "the slow member was never disconnected";
  EXPECT_GT(server->core().stats().unreliable_dropped, 0u) << "no unreliable relay was shed before the disconnect";
  EXPECT_EQ(server->core().member_count(), 2u);

  // The reader gets every reliable message, in order (unreliable ones may have been shed too).
  const auto reliable_indices = [&] {
    std::vector<std::uint32_t> indices;
    for (const auto& m : reader->all<transport::MessageReceived>()) {
      const auto index = static_cast<std::uint32_t>(std::stoul(codec::decode_packet(m.packet)->chat().message()));
      if (index % 2 == 0) indices.push_back(index);
    }
    return indices;
  };
  ASSERT_TRUE(run_until(runtime, [&] { return reliable_indices().size() >= reliable_sent; }));
  const auto indices = reliable_indices();
  ASSERT_EQ(indices.size(), reliable_sent);
  for (std::uint32_t k = 0; k < reliable_sent; ++k) ASSERT_EQ(indices[k], 2 * k);
  close(slow);
}

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(DCLCOMMS_SOURCE_DIR) + "/fixtures/tls/" + name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// wss://: certificate verification is on by default; a private CA (the test certificate) can be added,
// or verification switched off for local testing.
TEST(LoopbackTls, WssVerifiesCertificatesUnlessToldOtherwise) {
  carriers::AsioRuntime runtime;
  carriers::WebSocketServerOptions listen;
  listen.tls_certificate_pem = read_fixture("localhost.cert.pem");
  listen.tls_private_key_pem = read_fixture("localhost.key.pem");
  ASSERT_FALSE(listen.tls_certificate_pem.empty());
  WsRoomServerOptions options;
  options.challenge_seed = 3;
  auto server = WsRoomServer::start_on_beast(runtime, options, listen);
  ASSERT_TRUE(server.ok()) << server.error().message;

  auto attempt = [&](transport::MessageStreamOptions stream_options, const std::string& host) {
    transport::TransportContext context{.runtime = &runtime,
                                        .identity = identity(9),
                                        .websocket = carriers::make_websocket_connector(runtime),
                                        .websocket_options = std::move(stream_options)};
    transport::TransportFactory factory(context);
    register_ws_room(factory);
    auto c = factory.create("ws-room:wss://" + host + ":" + std::to_string((*server)->port()) + "/rooms/tls");
    EXPECT_TRUE(c.ok());
    std::optional<transport::TransportEvent> outcome;
    (*c)->set_event_handler([&](const transport::TransportEvent& e) {
      if (!outcome) outcome = e;
    });
    EXPECT_TRUE((*c)->connect().ok());
    EXPECT_TRUE(run_until(runtime, [&] { return outcome.has_value(); }));
    (*c)->disconnect();
    runtime.run_for(100ms);  // let the close finish
    return outcome.value_or(transport::Disconnected{"no outcome", false});
  };

  const auto untrusted = attempt({}, "localhost");
  ASSERT_TRUE(std::holds_alternative<transport::Disconnected>(untrusted));
  EXPECT_NE(std::get<transport::Disconnected>(untrusted).reason.find("certificate verify failed"), std::string::npos)
      << std::get<transport::Disconnected>(untrusted).reason;

  transport::MessageStreamOptions trusting;
  trusting.ca_file = std::string(DCLCOMMS_SOURCE_DIR) + "/fixtures/tls/localhost.cert.pem";
  EXPECT_TRUE(std::holds_alternative<transport::Connected>(attempt(trusting, "localhost")));

  transport::MessageStreamOptions insecure;
  insecure.verify_certificates = false;
  EXPECT_TRUE(std::holds_alternative<transport::Connected>(attempt(insecure, "127.0.0.1")));
}

TEST_F(Loopback, ConnectionFailuresBecomeDisconnected) {
  transport::TransportContext context{.runtime = &runtime,
                                      .identity = identity(5),
                                      .websocket = carriers::make_websocket_connector(runtime),
                                      .websocket_options = {}};
  transport::TransportFactory factory(context);
  register_ws_room(factory);
  auto c = factory.create("ws-room:ws://127.0.0.1:1/rooms/nowhere");
  ASSERT_TRUE(c.ok());
  bool disconnected = false;
  (*c)->set_event_handler([&](const transport::TransportEvent& e) {
    if (const auto* d = std::get_if<transport::Disconnected>(&e)) {
      disconnected = true;
      EXPECT_NE(d->reason.find("cannot connect"), std::string::npos) << d->reason;
    }
  });
  ASSERT_TRUE((*c)->connect().ok());
  ASSERT_TRUE(run_until(runtime, [&] { return disconnected; }));
}

// What stops a server from starting comes back as a class the CLI and the suite can tell apart,
// with the message they print.
TEST(LoopbackStart, ListenFailuresAreTyped) {
  carriers::AsioRuntime runtime;
  carriers::WebSocketServerOptions listen;
  listen.host = "not-an-address";
  auto bad_host = WsRoomServer::start_on_beast(runtime, WsRoomServerOptions{}, listen);
  ASSERT_FALSE(bad_host.ok());
  EXPECT_EQ(bad_host.error().code, transport::ListenErrorCode::bad_address);
  EXPECT_EQ(bad_host.error().message.rfind("bad listen address 'not-an-address': ", 0), 0u) << bad_host.error().message;

  auto first = WsRoomServer::start_on_beast(runtime, WsRoomServerOptions{}, carriers::WebSocketServerOptions{});
  ASSERT_TRUE(first.ok()) << first.error().message;
  carriers::WebSocketServerOptions taken;
  taken.port = (*first)->port();
  auto second = carriers::WebSocketServer::listen(runtime, taken, {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, transport::ListenErrorCode::bind_failed);
  EXPECT_EQ(second.error().message.rfind("cannot listen on 127.0.0.1:" + std::to_string(taken.port) + ": ", 0), 0u)
      << second.error().message;

  carriers::WebSocketServerOptions tls;
  tls.tls_certificate_pem = "not a certificate";
  tls.tls_private_key_pem = "not a key";
  auto bad_tls = carriers::WebSocketServer::listen(runtime, tls, {});
  ASSERT_FALSE(bad_tls.ok());
  EXPECT_EQ(bad_tls.error().code, transport::ListenErrorCode::bad_tls_certificate) << bad_tls.error().message;
}

}  // namespace
}  // namespace dclcomms::ws_room
