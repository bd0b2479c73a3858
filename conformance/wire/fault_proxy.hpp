#pragma once
// FaultProxy: a loopback TCP proxy that injects faults into real sockets, for the conformance
// suite's wire mode (docs/wire-mode.md). It listens on 127.0.0.1 (an ephemeral port unless told
// otherwise), opens one upstream connection per accepted client, and forwards bytes both ways on
// the AsioRuntime's io_context — the same thread as the transports and the server of a wire case,
// so faults interleave with their reads and writes and nothing needs a lock.
//
// It works on the byte stream, below the websocket framing: it can split a frame into many TCP
// segments, delay it, pace it, hold it, or tear the connection down with an RST. It never reorders,
// drops, duplicates or alters a byte of a connection that stays up. Asio stays out of this header
// (fault_proxy.cpp is the only Asio translation unit of the conformance library).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"

namespace dclcomms::conformance::wire {

/// The faults applied to every byte forwarded from now on, in both directions. Zero disables each.
/// They can be changed while the proxy runs (set_faults); bytes already held keep their release time.
struct FaultSettings {
  /// Each chunk read from a socket is released `latency_ms` + a uniform draw in [0, jitter_ms] after
  /// it arrived (from the proxy's seeded core::Prng), but never before the chunk read ahead of it:
  /// jitter delays, it does not reorder.
  std::int64_t latency_ms = 0;
  std::int64_t jitter_ms = 0;
  /// Fragmentation: every chunk is written in pieces of at most this many bytes, one write each
  /// (TCP_NODELAY is on, so each piece leaves as its own segment).
  std::size_t segment_bytes_max = 0;
  /// Pacing: at most this many bytes per second per direction of each connection.
  std::int64_t bandwidth_bytes_per_s = 0;
};

struct FaultProxyOptions {
  std::string upstream_host = "127.0.0.1";
  std::uint16_t upstream_port = 0;
  std::uint16_t listen_port = 0;  // 0: an ephemeral port (see FaultProxy::port()), so runs never collide
  /// The most bytes held per direction of a connection. At the bound the proxy stops reading that
  /// socket, so TCP flow control pushes back on the sender instead of the proxy growing.
  std::size_t buffer_bytes_max = 256 * 1024;
  std::uint64_t seed = 1;  // the jitter's PRNG stream
  FaultSettings faults;
};

/// Counters for tests and transcripts (all since start).
struct FaultProxyStats {
  std::size_t connections_accepted = 0;
  std::size_t connections_open = 0;
  std::uint64_t bytes_to_upstream = 0;    // client -> server, written
  std::uint64_t bytes_to_downstream = 0;  // server -> client, written
  std::uint64_t writes = 0;               // socket writes (pieces) in both directions
  std::size_t largest_write_bytes = 0;
  std::size_t held_bytes_peak = 0;  // most bytes ever held in one direction of one connection
  std::size_t resets = 0;           // connections torn down by reset()
};

/// Why a proxy did not start (the message, "fault proxy: …", names the address and the reason).
enum class FaultProxyErrorCode : std::uint8_t {
  bad_upstream_host,  // FaultProxyOptions::upstream_host is not an IP address (the proxy resolves no names)
  bind_failed,        // the listening socket could not be opened, bound or put to listen
};
using FaultProxyError = core::Error<FaultProxyErrorCode>;

class FaultProxy {
 public:
  /// Listens and starts accepting on `runtime` (which must outlive the proxy).
  static core::Result<std::unique_ptr<FaultProxy>, FaultProxyError> start(carriers::AsioRuntime& runtime, FaultProxyOptions options);
  /// Closes the listener and every connection (abruptly: a case that ends mid-stream needs no drain).
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const;

  void set_faults(const FaultSettings& faults);
  FaultSettings faults() const;

  /// Holds every byte of every connection, both directions, for `duration` from now (reading goes
  /// on up to buffer_bytes_max); then releases what was held, in order. A later call extends it.
  void stall(core::Duration duration);
  /// Ends a stall now and releases what was held, in order. Tests that must see bytes held stall
  /// for far longer than they need and resume when they have seen it: a stall that ends on its own
  /// after a short time can end before a loaded machine got the bytes to the proxy.
  void resume();
  /// Tears down every open connection at once with an RST on both sides (SO_LINGER 0), dropping
  /// what was held. Connections accepted afterwards are forwarded normally.
  void reset();

  /// Bytes held right now, summed over all connections and directions.
  std::size_t held_bytes() const;
  /// The same, one direction only: client -> upstream server, or upstream server -> client.
  std::size_t held_bytes_to_upstream() const;
  std::size_t held_bytes_to_downstream() const;
  FaultProxyStats stats() const;

  struct State;  // shared with the connections' handlers (fault_proxy.cpp)

 private:
  explicit FaultProxy(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace dclcomms::conformance::wire
