// FaultProxy on real loopback sockets. The test's own ends are plain non-blocking POSIX sockets (no
// Asio here); the proxy runs on an AsioRuntime that the test pumps in short slices, and every wait
// has a real-time deadline. Deadlines only catch hangs: a test waits for what it expects and asserts
// what happened (and in which order), never how fast, so a loaded machine cannot fail it. Stalls
// that a test must observe are open-ended and ended by resume().
#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <cerrno>
#include <functional>
#include <optional>
#include <vector>

#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::conformance::wire {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

// One end of a TCP connection, non-blocking, closed on destruction.
class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {
    if (fd_ >= 0) fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  /// Writes as much of `bytes` as the kernel takes now; returns how many.
  std::size_t write_some(const Bytes& bytes, std::size_t from = 0) {
    if (from >= bytes.size()) return 0;
    const ssize_t n = ::send(fd_, bytes.data() + from, bytes.size() - from, MSG_NOSIGNAL);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  /// Reads what is there into `received`. Remembers how the stream ended: EOF or an error (errno).
  void read_available() {
    std::uint8_t buffer[8192];
    while (!ended()) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        received.insert(received.end(), buffer, buffer + n);
      } else if (n == 0) {
        end_errno = 0;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        end_errno = errno;
      } else {
        return;
      }
    }
  }
  bool ended() const { return end_errno.has_value(); }

  Bytes received;
  std::optional<int> end_errno;  // 0: EOF; else the errno that ended it (ECONNRESET for an RST)

 private:
  int fd_;
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// The upstream "server": a listener on an ephemeral port, and the one connection it accepts.
struct Upstream {
  Socket listener;
  std::uint16_t port = 0;
  Upstream() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(0);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 8) != 0) return;
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    listener = Socket(fd);
  }
  Socket accept() { return Socket(::accept(listener.fd(), nullptr, nullptr)); }
};

Socket connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(port);
  // The kernel completes the handshake against the proxy's listen backlog: no need to pump here.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return Socket();
  }
  return Socket(fd);
}

Bytes pattern(std::size_t size, std::uint8_t salt) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>((i * 7 + salt) % 251);
  return bytes;
}

struct ProxyTest : ::testing::Test {
  carriers::AsioRuntime runtime;
  Upstream upstream;
  std::unique_ptr<FaultProxy> proxy;
  Socket client;
  Socket server;

  void start(FaultProxyOptions options) {
    ASSERT_NE(upstream.port, 0);
    options.upstream_port = upstream.port;
    auto started = FaultProxy::start(runtime, options);
    ASSERT_TRUE(started.ok()) << started.error().message;
    proxy = std::move(started).value();
    ASSERT_NE(proxy->port(), 0);
    client = connect_to(proxy->port());
    ASSERT_TRUE(client.valid());
    ASSERT_TRUE(pump_until([&] {
      if (!server.valid()) server = upstream.accept();
      return server.valid();
    })) << "the proxy did not connect upstream";
  }

  /// Pumps the runtime and reads both ends until `done`, for at most `limit` of real time (a bound
  /// that only catches hangs). Pumps at least once, however late the thread gets here.
  bool pump_until(const std::function<bool()>& done, core::Duration limit = hang_limit) {
    const core::TimePoint deadline = runtime.now() + limit;
    do {
      runtime.run_for(2ms);
      for (Socket* s : {&client, &server}) {
        if (s->valid()) s->read_available();
      }
      if (done()) return true;
    } while (runtime.now() < deadline);
    return done();
  }
  static constexpr core::Duration hang_limit = 60s;
  static constexpr core::Duration forever = 24h;  // a stall that only resume() ends
  void pump_for(core::Duration duration) {
    pump_until([] { return false; }, duration);
  }
};

TEST_F(ProxyTest, FragmentationDeliversEveryByteInOrderBothWays) {
  start(FaultProxyOptions{.faults = {.segment_bytes_max = 3}});
  const Bytes up = pattern(20'000, 1), down = pattern(9'000, 2);
  std::size_t up_sent = 0, down_sent = 0;
  ASSERT_TRUE(pump_until([&] {
    up_sent += client.write_some(up, up_sent);
    down_sent += server.write_some(down, down_sent);
    return server.received.size() >= up.size() && client.received.size() >= down.size();
  }));
  EXPECT_EQ(server.received, up);
  EXPECT_EQ(client.received, down);
  const auto stats = proxy->stats();
  EXPECT_EQ(stats.largest_write_bytes, 3u);
  EXPECT_GE(stats.writes, (up.size() + down.size()) / 3);
  EXPECT_EQ(stats.bytes_to_upstream, up.size());
  EXPECT_EQ(stats.bytes_to_downstream, down.size());
}

TEST_F(ProxyTest, StallHoldsEverythingThenReleasesItInOrder) {
  start(FaultProxyOptions{});
  const Bytes before = pattern(100, 3);
  client.write_some(before);
  ASSERT_TRUE(pump_until([&] { return server.received.size() == before.size(); }));

  proxy->stall(forever);
  const Bytes during_up = pattern(3'000, 4), during_down = pattern(2'000, 5);
  ASSERT_EQ(client.write_some(during_up), during_up.size());
  ASSERT_EQ(server.write_some(during_down), during_down.size());
  ASSERT_TRUE(pump_until([&] { return proxy->held_bytes() == during_up.size() + during_down.size(); }))
      << "the proxy did not take in what was written during the stall: it holds " << proxy->held_bytes();
  EXPECT_EQ(proxy->held_bytes_to_upstream(), during_up.size());
  EXPECT_EQ(proxy->held_bytes_to_downstream(), during_down.size());
  pump_for(100ms);  // a stall that leaked would let bytes through now
  EXPECT_EQ(server.received.size(), before.size()) << "bytes crossed during the stall";
  EXPECT_TRUE(client.received.empty()) << "bytes crossed during the stall";

  proxy->resume();
  ASSERT_TRUE(pump_until(
      [&] { return server.received.size() == before.size() + during_up.size() && client.received.size() == during_down.size(); }));
  Bytes expected_up = before;
  expected_up.insert(expected_up.end(), during_up.begin(), during_up.end());
  EXPECT_EQ(server.received, expected_up);
  EXPECT_EQ(client.received, during_down);
  EXPECT_EQ(proxy->held_bytes(), 0u);
  EXPECT_FALSE(client.ended());
  EXPECT_FALSE(server.ended());
}

TEST_F(ProxyTest, ResetSendsAnRstToBothSides) {
  start(FaultProxyOptions{});
  client.write_some(pattern(10, 6));
  ASSERT_TRUE(pump_until([&] { return server.received.size() == 10; }));
  EXPECT_EQ(proxy->stats().connections_open, 1u);
  proxy->reset();
  ASSERT_TRUE(pump_until([&] { return client.ended() && server.ended(); }));
  EXPECT_EQ(client.end_errno, ECONNRESET) << "the client saw a clean close, not a reset";
  EXPECT_EQ(server.end_errno, ECONNRESET) << "the server saw a clean close, not a reset";
  EXPECT_EQ(proxy->stats().resets, 1u);
  EXPECT_EQ(proxy->stats().connections_open, 0u);

  // The proxy keeps serving new connections after a reset.
  Socket again = connect_to(proxy->port());
  ASSERT_TRUE(again.valid());
  Socket again_server;
  const Bytes hello = pattern(50, 7);
  again.write_some(hello);
  ASSERT_TRUE(pump_until([&] {
    if (!again_server.valid()) again_server = upstream.accept();
    if (again_server.valid()) again_server.read_available();
    return again_server.received.size() == hello.size();
  }));
  EXPECT_EQ(again_server.received, hello);
}

TEST_F(ProxyTest, HeldBytesNeverExceedTheBufferBound) {
  constexpr std::size_t bound = 4096;
  start(FaultProxyOptions{.buffer_bytes_max = bound});
  proxy->stall(forever);
  // Far more than the bound: the kernel's buffers take some, the proxy at most `bound`, the rest waits.
  const Bytes big = pattern(3 * 1024 * 1024, 8);
  std::size_t sent = 0;
  const auto write_more = [&] { sent += client.write_some(big, sent); };
  ASSERT_TRUE(pump_until([&] {
    write_more();
    return proxy->held_bytes() >= bound;
  })) << "the proxy should fill up to its bound during the stall; it holds "
      << proxy->held_bytes();
  pump_until(
      [&] {  // keep pushing: the proxy must not take more
        write_more();
        return false;
      },
      100ms);
  EXPECT_EQ(proxy->held_bytes(), bound) << "the proxy should fill up to its bound during the stall, and no further";
  EXPECT_TRUE(server.received.empty()) << "bytes crossed during the stall";
  proxy->resume();
  ASSERT_TRUE(pump_until([&] {
    write_more();
    return server.received.size() == big.size();
  }));
  EXPECT_EQ(server.received, big);
  EXPECT_EQ(proxy->stats().held_bytes_peak, bound);
}

TEST_F(ProxyTest, LatencyJitterAndBandwidthDelayButNeverReorder) {
  start(FaultProxyOptions{.seed = 9, .faults = {.latency_ms = 30, .jitter_ms = 40, .bandwidth_bytes_per_s = 30'000}});
  Bytes all;
  const core::TimePoint first_sent = runtime.now();
  std::optional<core::Duration> first_arrival_after;  // lower bounds only: load can delay, never hasten
  const auto note_first_arrival = [&] {
    if (!first_arrival_after && !server.received.empty()) first_arrival_after = runtime.now() - first_sent;
  };
  for (std::uint8_t i = 0; i < 20; ++i) {
    const Bytes piece = pattern(400, i);
    ASSERT_EQ(client.write_some(piece), piece.size());
    all.insert(all.end(), piece.begin(), piece.end());
    pump_until(
        [&] {
          note_first_arrival();
          return false;
        },
        5ms);
  }
  ASSERT_TRUE(pump_until([&] {
    note_first_arrival();
    return server.received.size() == all.size();
  }));
  EXPECT_EQ(server.received, all);
  ASSERT_TRUE(first_arrival_after.has_value());
  EXPECT_GE(*first_arrival_after, 30ms) << "bytes arrived before the 30 ms latency";
  // The pacer may let one slice's worth catch up after a late wake-up (a one-slice token bucket).
  EXPECT_GE(runtime.now() - first_sent, 230ms) << "8000 bytes at 30000 B/s take at least 266 ms";
  // At most 300 bytes (one 10 ms slice at 30000 B/s) per write, however the reads coalesced the chunks.
  EXPECT_GE(proxy->stats().writes, (all.size() + 299) / 300);
  EXPECT_LE(proxy->stats().largest_write_bytes, 300u);
}

TEST_F(ProxyTest, AnUpstreamThatIsNotThereResetsTheClient) {
  const std::uint16_t dead_port = upstream.port;
  upstream.listener = Socket();  // nothing listens there any more
  auto started = FaultProxy::start(runtime, FaultProxyOptions{.upstream_port = dead_port});
  ASSERT_TRUE(started.ok()) << started.error().message;
  proxy = std::move(started).value();
  client = connect_to(proxy->port());
  ASSERT_TRUE(client.valid());
  ASSERT_TRUE(pump_until([&] { return client.ended(); }));
  EXPECT_EQ(client.end_errno, ECONNRESET);
}

TEST_F(ProxyTest, StartFailuresAreTyped) {
  auto named = FaultProxy::start(runtime, FaultProxyOptions{.upstream_host = "localhost", .upstream_port = upstream.port});
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.error().code, FaultProxyErrorCode::bad_upstream_host);
  EXPECT_EQ(named.error().message, "fault proxy: the upstream host must be an IP address, got 'localhost'");

  auto first = FaultProxy::start(runtime, FaultProxyOptions{.upstream_port = upstream.port});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = FaultProxy::start(runtime, FaultProxyOptions{.upstream_port = upstream.port, .listen_port = (*first)->port()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, FaultProxyErrorCode::bind_failed) << second.error().message;
}

// Wire mode catches what it is for: a transport that misattributes senders fails the wire case
// that checks delivery over the impaired link (a mutant made for a simulated case, caught on real sockets).
TEST(WireCases, CatchAMutantOnRealSockets) {
  const auto caught = [](const std::string& mutant_name, const std::string& case_id) {
    const auto mutant = find_transport(mutant_name);
    EXPECT_TRUE(mutant.has_value()) << mutant_name;
    if (!mutant) return;
    const auto summary = run_catalogue(*mutant, RunOptions{.seed = 1, .cases_glob = case_id});
    ASSERT_EQ(summary.results.size(), 1u) << case_id;
    EXPECT_EQ(summary.results[0].verdict, Verdict::fail) << mutant_name << " passed " << case_id << ": " << summary.results[0].detail;
    EXPECT_TRUE(summary.results[0].real_time);
  };
  caught("mutant-misattribute-sender", "wire.wsroom.reliable_exactly_once_impaired_link");
  caught("mutant-echo-own-packets", "wire.wsroom.stall_then_everything_arrives");
}

TEST(WireCases, TheReferenceTransportPassesThemAndTheyAreMarkedRealTime) {
  const auto summary = run_catalogue(*find_transport("ws-room"), RunOptions{.seed = 3, .cases_glob = "wire.wsroom.*"});
  ASSERT_EQ(summary.results.size(), 4u);
  for (const auto& r : summary.results) {
    EXPECT_EQ(r.verdict, Verdict::pass) << r.id << ": " << r.detail;
    EXPECT_TRUE(r.real_time) << r.id;
    ASSERT_FALSE(r.transcript.empty()) << r.id;
    EXPECT_GT(r.transcript.back().time_ns, 0) << "times are real elapsed ns";
  }
  EXPECT_TRUE(summary.conformant());
}

TEST(WireCases, TheReferenceSignedLoginTransportLogsInThroughFragmentedLinks) {
  const auto summary = run_catalogue(*find_transport("signed-login"), RunOptions{.seed = 3, .cases_glob = "wire.*"});
  std::size_t ran = 0;
  for (const auto& r : summary.results) {
    if (!r.applicable) continue;  // the ws-room wire cases: another type
    ++ran;
    EXPECT_EQ(r.verdict, Verdict::pass) << r.id << ": " << r.detail;
    EXPECT_TRUE(r.real_time) << r.id;
  }
  EXPECT_EQ(ran, 1u);
  EXPECT_TRUE(summary.conformant());
}

}  // namespace
}  // namespace dclcomms::conformance::wire
