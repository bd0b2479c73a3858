#include "dclcomms/transport/transport_factory.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <fstream>
#include <string>

#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/offline/offline_transport.hpp"
#include "dclcomms/registry/reference_transports.hpp"

namespace dclcomms::transport {
namespace {

// A loopback listener that counts connection attempts: the factory must never cause one.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t length = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }
  bool saw_connection() const {
    const int client = ::accept(fd_, nullptr, nullptr);
    if (client >= 0) ::close(client);
    return client >= 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

std::vector<std::string> corpus_uris(const char* file) {
  std::vector<std::string> uris;
  std::ifstream in(std::string(DCLCOMMS_SOURCE_DIR) + "/fixtures/uris/" + file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto json = nlohmann::json::parse(line);
    if (json.contains("uri")) {
      uris.push_back(json["uri"].get<std::string>());
    } else {
      const auto bytes = core::from_hex(json["uri_hex"].get<std::string>());
      uris.emplace_back(bytes->begin(), bytes->end());
    }
  }
  return uris;
}

TEST(TransportFactory, ANewFactoryServesNothing) {
  core::ManualRuntime runtime;
  TransportFactory factory(TransportContext{.runtime = &runtime});
  EXPECT_TRUE(factory.registered_types().empty());
  const auto result = factory.create("offline:offline");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, UriErrorCode::unsupported_type);
  EXPECT_NE(result.error().message.find("'offline' is not available here (supported: none)"), std::string::npos) << result.error().message;
}

TEST(TransportFactory, RegistersEveryStandardTypeInOnePlace) {
  core::ManualRuntime runtime;
  TransportFactory factory(TransportContext{.runtime = &runtime});
  registry::register_reference_transports(factory);
  EXPECT_EQ(factory.registered_types(), (std::vector<std::string>{"livekit", "offline", "signed-login", "simulator", "ws-room"}));
}

TEST(TransportFactory, CreatesOfflineTransports) {
  core::ManualRuntime runtime;
  TransportFactory factory(TransportContext{.runtime = &runtime, .identity = {}, .websocket = {}, .websocket_options = {}});
  offline::register_offline(factory);
  auto created = factory.create("offline:offline");
  ASSERT_TRUE(created.ok()) << to_string(created.error().code) << ": " << created.error().message;
  EXPECT_EQ((*created)->type(), "offline");
  EXPECT_TRUE(factory.create("offline:").ok());
}

TEST(TransportFactory, ValidButUnavailableTypesFailWithAClearMessage) {
  core::ManualRuntime runtime;
  TransportFactory factory(TransportContext{.runtime = &runtime, .identity = {}, .websocket = {}, .websocket_options = {}});
  registry::register_reference_transports(factory);
  factory.unregister_type("offline");
  auto result = factory.create("offline:offline");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, UriErrorCode::unsupported_type);
  EXPECT_NE(result.error().message.find("'offline' is valid but not available"), std::string::npos);
}

TEST(TransportFactory, ClientsRegisterExtraTypesWithGenericValidation) {
  core::ManualRuntime runtime;
  TransportFactory factory(TransportContext{.runtime = &runtime, .identity = {}, .websocket = {}, .websocket_options = {}});
  std::string seen_params;
  factory.register_type("my-relay", [&](const TransportUri& uri, const TransportContext& ctx) -> core::Result<TransportPtr, UriError> {
    seen_params = uri.params;
    return TransportPtr(std::make_unique<offline::OfflineTransport>(*ctx.runtime));
  });
  offline::register_offline(factory);
  EXPECT_TRUE(factory.supports("my-relay"));
  auto created = factory.create("my-relay:anything?goes");
  ASSERT_TRUE(created.ok()) << to_string(created.error().code) << ": " << created.error().message;
  EXPECT_EQ(seen_params, "anything?goes");
  EXPECT_FALSE(factory.create("my-relay:has space").ok());  // generic rules still apply
  EXPECT_EQ(factory.registered_types(), (std::vector<std::string>{"my-relay", "offline"}));
}

TEST(TransportFactory, RejectsEveryCorpusUriWithoutAnyIo) {
  core::ManualRuntime runtime;
  TransportFactory factory(TransportContext{.runtime = &runtime, .identity = {}, .websocket = {}, .websocket_options = {}});
  registry::register_reference_transports(factory);  // every type's rules and maker, but no carrier
  Listener listener;
  const int threads_before = thread_count();
  std::vector<std::string> uris = corpus_uris("reject.jsonl");
  ASSERT_GE(uris.size(), 200u);
  // Valid URIs of the network types, aimed at our listener: creating them must not connect either.
  const std::string port = std::to_string(listener.port());
  uris.push_back("ws-room:ws://127.0.0.1:" + port + "/rooms/1");
  uris.push_back("signed-login:http://127.0.0.1:" + port + "/get-comms-adapter/1");
  uris.push_back("livekit:ws://127.0.0.1:" + port + "?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
  for (const auto& uri : uris) {
    auto result = factory.create(uri);
    EXPECT_FALSE(result.ok()) << uri;  // rejected, or refused for want of a carrier
    if (!result.ok()) {
      EXPECT_FALSE(result.error().message.empty()) << uri;
    }
  }
  EXPECT_FALSE(listener.saw_connection());
  EXPECT_EQ(thread_count(), threads_before);
  EXPECT_EQ(runtime.pending(), 0u) << "the factory scheduled work";
}

}  // namespace
}  // namespace dclcomms::transport
