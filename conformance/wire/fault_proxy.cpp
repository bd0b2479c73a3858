// The conformance library's only Asio translation unit: the fault-injecting loopback TCP proxy.
#include "fault_proxy.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <vector>

#include "dclcomms/core/prng.hpp"
#include "detail/asio_context.hpp"

namespace dclcomms::conformance::wire {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

constexpr std::size_t read_chunk_bytes_max = 16 * 1024;
// With a bandwidth cap and no segment limit, writes are cut to ~10 ms worth of bytes so that the
// pacing is smooth rather than one burst per chunk followed by a long silence.
constexpr std::int64_t pacing_slices_per_s = 100;

class Link;

}  // namespace

struct FaultProxy::State {
  State(carriers::AsioRuntime& runtime_in, FaultProxyOptions options_in)
      : runtime(runtime_in),
        io(runtime_in.context().io),
        options(std::move(options_in)),
        faults(options.faults),
        jitter(core::Prng::derive(options.seed, "fault-proxy:jitter")),
        acceptor(io) {}

  carriers::AsioRuntime& runtime;
  net::io_context& io;
  FaultProxyOptions options;
  FaultSettings faults;
  core::Prng jitter;
  tcp::acceptor acceptor;
  tcp::endpoint upstream;
  core::TimePoint stall_until{};
  bool stopped = false;
  std::vector<std::weak_ptr<Link>> links;
  FaultProxyStats stats;
};

namespace {

using State = FaultProxy::State;

struct Chunk {
  std::vector<std::uint8_t> bytes;
  std::size_t written = 0;
  core::TimePoint release{};
};

// One direction of a connection: reads from `from`, holds chunks until their release, writes to `to`.
struct Direction {
  Direction(net::io_context& io, tcp::socket& from_socket, tcp::socket& to_socket, bool to_upstream_in)
      : from(from_socket), to(to_socket), to_upstream(to_upstream_in), wake(io) {}
  tcp::socket& from;
  tcp::socket& to;
  bool to_upstream;
  std::array<std::uint8_t, read_chunk_bytes_max> read_buffer{};
  std::deque<Chunk> held;
  std::size_t held_bytes = 0;
  core::TimePoint last_release{};        // release times never go backwards: order is kept
  core::TimePoint next_write_allowed{};  // bandwidth pacing
  net::steady_timer wake;
  bool reading = false;
  bool writing = false;
  bool waiting = false;
  bool source_ended = false;  // the source sent FIN
  bool sink_shut = false;     // we passed the FIN on, after the last held byte
};

// One proxied connection: the accepted (downstream) socket and the one we opened upstream.
class Link : public std::enable_shared_from_this<Link> {
 public:
  Link(std::shared_ptr<State> state, tcp::socket downstream)
      : state_(std::move(state)),
        downstream_(std::move(downstream)),
        upstream_(state_->io),
        to_upstream_(state_->io, downstream_, upstream_, true),
        to_downstream_(state_->io, upstream_, downstream_, false) {}

  void start() {
    upstream_.async_connect(state_->upstream, [self = shared_from_this()](const error_code& ec) {
      if (self->dead_) return;
      if (ec) return self->abort();  // nothing upstream: the client sees an RST, as without a proxy
      error_code ignored;            // pieces must leave as written, not be coalesced by Nagle's algorithm
      self->downstream_.set_option(tcp::no_delay(true), ignored);
      self->upstream_.set_option(tcp::no_delay(true), ignored);
      self->read(self->to_upstream_);
      self->read(self->to_downstream_);
    });
  }

  /// RST both sides (SO_LINGER 0 then close) and drop what is held.
  void abort() {
    if (dead_) return;
    dead_ = true;
    --state_->stats.connections_open;
    for (tcp::socket* socket : {&downstream_, &upstream_}) {
      error_code ignored;
      if (socket->is_open()) {
        socket->set_option(net::socket_base::linger(true, 0), ignored);
        socket->close(ignored);
      }
    }
    for (Direction* d : {&to_upstream_, &to_downstream_}) {
      d->wake.cancel();
      d->held.clear();
      d->held_bytes = 0;
    }
  }

  bool dead() const { return dead_; }
  std::size_t held_bytes_to_upstream() const { return to_upstream_.held_bytes; }
  std::size_t held_bytes_to_downstream() const { return to_downstream_.held_bytes; }

  /// Re-evaluates both directions (faults or a stall changed).
  void nudge() {
    for (Direction* d : {&to_upstream_, &to_downstream_}) {
      if (d->waiting) d->wake.cancel();  // the handler sees operation_aborted and pumps again
    }
  }

 private:
  void read(Direction& d) {
    if (dead_ || d.reading || d.source_ended) return;
    const std::size_t room = state_->options.buffer_bytes_max - std::min(d.held_bytes, state_->options.buffer_bytes_max);
    if (room == 0) return;  // resumed by the writer once it frees room: TCP flow control pushes back
    d.reading = true;
    d.from.async_read_some(net::buffer(d.read_buffer.data(), std::min(room, d.read_buffer.size())),
                           [self = shared_from_this(), &d](const error_code& ec, std::size_t n) {
                             d.reading = false;
                             if (self->dead_) return;
                             if (ec == net::error::eof) {
                               d.source_ended = true;
                               return self->pump(d);
                             }
                             if (ec) return self->abort();  // a reset on one side becomes a reset on both
                             self->hold(d, n);
                             self->pump(d);
                             self->read(d);
                           });
  }

  void hold(Direction& d, std::size_t n) {
    const FaultSettings& f = state_->faults;
    std::int64_t delay_ms = f.latency_ms;
    if (f.jitter_ms > 0) delay_ms += static_cast<std::int64_t>(state_->jitter.uniform_below(static_cast<std::uint64_t>(f.jitter_ms) + 1));
    const core::TimePoint release = std::max(state_->runtime.now() + std::chrono::milliseconds(delay_ms), d.last_release);
    d.last_release = release;
    d.held.push_back(
        Chunk{std::vector<std::uint8_t>(d.read_buffer.begin(), d.read_buffer.begin() + static_cast<std::ptrdiff_t>(n)), 0, release});
    d.held_bytes += n;
    state_->stats.held_bytes_peak = std::max(state_->stats.held_bytes_peak, d.held_bytes);
  }

  void pump(Direction& d) {
    if (dead_ || d.writing || d.waiting) return;
    if (d.held.empty()) {
      if (d.source_ended && !d.sink_shut) {
        d.sink_shut = true;
        error_code ignored;
        d.to.shutdown(tcp::socket::shutdown_send, ignored);
        if (to_upstream_.sink_shut && to_downstream_.sink_shut) close_gracefully();
      }
      return;
    }
    const core::TimePoint now = state_->runtime.now();
    const core::TimePoint due = std::max({d.held.front().release, state_->stall_until, d.next_write_allowed});
    if (now < due) {
      d.waiting = true;
      d.wake.expires_after(std::chrono::nanoseconds((due - now).count()));
      d.wake.async_wait([self = shared_from_this(), &d](const error_code&) {
        d.waiting = false;  // expired or nudged: either way, look again
        self->pump(d);
      });
      return;
    }
    const FaultSettings& f = state_->faults;
    Chunk& chunk = d.held.front();
    std::size_t piece = chunk.bytes.size() - chunk.written;
    if (f.segment_bytes_max > 0) piece = std::min(piece, f.segment_bytes_max);
    if (f.bandwidth_bytes_per_s > 0) {
      piece = std::min(piece, static_cast<std::size_t>(std::max<std::int64_t>(1, f.bandwidth_bytes_per_s / pacing_slices_per_s)));
      // A token bucket one slice deep: a write that woke late may catch up by at most one slice, so
      // timer lateness on a loaded machine does not pile up into a slower link than configured,
      // and no burst exceeds one slice's worth of bytes.
      const core::TimePoint slice_ago = now - std::chrono::nanoseconds(1'000'000'000 / pacing_slices_per_s);
      d.next_write_allowed = std::max(d.next_write_allowed, slice_ago) +
                             std::chrono::nanoseconds(static_cast<std::int64_t>(piece) * 1'000'000'000 / f.bandwidth_bytes_per_s);
    }
    d.writing = true;
    net::async_write(d.to, net::buffer(chunk.bytes.data() + chunk.written, piece),
                     [self = shared_from_this(), &d](const error_code& ec, std::size_t n) {
                       d.writing = false;
                       if (self->dead_) return;
                       if (ec) return self->abort();
                       FaultProxyStats& stats = self->state_->stats;
                       ++stats.writes;
                       stats.largest_write_bytes = std::max(stats.largest_write_bytes, n);
                       (d.to_upstream ? stats.bytes_to_upstream : stats.bytes_to_downstream) += n;
                       Chunk& front = d.held.front();
                       front.written += n;
                       d.held_bytes -= n;
                       if (front.written == front.bytes.size()) d.held.pop_front();
                       self->pump(d);
                       self->read(d);  // room was freed
                     });
  }

  void close_gracefully() {
    if (dead_) return;
    dead_ = true;
    --state_->stats.connections_open;
    error_code ignored;
    downstream_.close(ignored);
    upstream_.close(ignored);
  }

  std::shared_ptr<State> state_;
  tcp::socket downstream_;
  tcp::socket upstream_;
  Direction to_upstream_;
  Direction to_downstream_;
  bool dead_ = false;
};

std::vector<std::shared_ptr<Link>> live_links(State& state) {
  std::vector<std::shared_ptr<Link>> live;
  std::erase_if(state.links, [](const std::weak_ptr<Link>& weak) { return weak.expired(); });
  for (const auto& weak : state.links) {
    if (auto link = weak.lock(); link && !link->dead()) live.push_back(std::move(link));
  }
  return live;
}

void accept_next(const std::shared_ptr<State>& state) {
  state->acceptor.async_accept([state](const error_code& ec, tcp::socket socket) {
    if (state->stopped) return;
    if (!ec) {
      ++state->stats.connections_accepted;
      ++state->stats.connections_open;
      auto link = std::make_shared<Link>(state, std::move(socket));
      state->links.push_back(link);
      link->start();
    }
    accept_next(state);
  });
}

}  // namespace

core::Result<std::unique_ptr<FaultProxy>, FaultProxyError> FaultProxy::start(carriers::AsioRuntime& runtime, FaultProxyOptions options) {
  auto state = std::make_shared<State>(runtime, std::move(options));
  error_code ec;
  const auto upstream_address = net::ip::make_address(state->options.upstream_host, ec);
  if (ec) {
    return core::fail(FaultProxyErrorCode::bad_upstream_host,
                      "fault proxy: the upstream host must be an IP address, got '" + state->options.upstream_host + "'");
  }
  state->upstream = tcp::endpoint(upstream_address, state->options.upstream_port);
  const tcp::endpoint listen(net::ip::address_v4::loopback(), state->options.listen_port);
  state->acceptor.open(listen.protocol(), ec);
  if (!ec) state->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(listen, ec);
  if (!ec) state->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return core::fail(FaultProxyErrorCode::bind_failed,
                      "fault proxy: cannot listen on 127.0.0.1:" + std::to_string(state->options.listen_port) + ": " + ec.message());
  }
  accept_next(state);
  return std::unique_ptr<FaultProxy>(new FaultProxy(std::move(state)));
}

FaultProxy::~FaultProxy() {
  state_->stopped = true;
  error_code ignored;
  state_->acceptor.close(ignored);
  for (const auto& link : live_links(*state_)) link->abort();
}

std::uint16_t FaultProxy::port() const {
  error_code ec;
  const auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void FaultProxy::set_faults(const FaultSettings& faults) {
  state_->faults = faults;
  for (const auto& link : live_links(*state_)) link->nudge();
}

FaultSettings FaultProxy::faults() const { return state_->faults; }

void FaultProxy::stall(core::Duration duration) {
  state_->stall_until = std::max(state_->stall_until, state_->runtime.now() + duration);
  for (const auto& link : live_links(*state_)) link->nudge();
}

void FaultProxy::resume() {
  state_->stall_until = std::min(state_->stall_until, state_->runtime.now());
  for (const auto& link : live_links(*state_)) link->nudge();
}

void FaultProxy::reset() {
  for (const auto& link : live_links(*state_)) {
    link->abort();
    ++state_->stats.resets;
  }
}

std::size_t FaultProxy::held_bytes() const { return held_bytes_to_upstream() + held_bytes_to_downstream(); }

std::size_t FaultProxy::held_bytes_to_upstream() const {
  std::size_t total = 0;
  for (const auto& link : live_links(*state_)) total += link->held_bytes_to_upstream();
  return total;
}

std::size_t FaultProxy::held_bytes_to_downstream() const {
  std::size_t total = 0;
  for (const auto& link : live_links(*state_)) total += link->held_bytes_to_downstream();
  return total;
}

FaultProxyStats FaultProxy::stats() const { return state_->stats; }

}  // namespace dclcomms::conformance::wire
