#pragma once
// Tracer: every delivery, drop, fault and application event becomes one JSON line with a fixed
// column order (docs/trace-format.md), and feeds a rolling FNV-1a 64 digest of the event lines —
// the run's fingerprint ("unseed"). Same scenario + seed => same lines => same digest.

#include <cstdint>
#include <string>
#include <string_view>

#include "dclcomms/core/time.hpp"

namespace dclcomms::sim {

enum class TraceKind : std::uint8_t {
  send,          // a datagram or stream message left its sender
  deliver,       // handed to the receiving host's handler
  drop,          // lost; `detail` names the reason (loss, burst_loss, queue_full, mtu, ...)
  duplicate,     // the link made an extra copy of a datagram
  corrupt,       // the link flipped a bit; `detail` names the bit index
  retransmit,    // a stream resent lost segments; `bytes` is the bytes resent
  stream_open,   // a reliable stream was opened
  stream_reset,  // a stream was torn down (crash); `detail` says why
  fault,         // a fault or control action: partition, heal, crash, link change, ...
  app,           // an application-level event recorded by host code or a workload
};

enum class Carrier : std::uint8_t { none, datagram, stream };

std::string_view to_string(TraceKind kind);
std::string_view to_string(Carrier carrier);

struct TraceEvent {
  core::TimePoint time;
  TraceKind kind = TraceKind::app;
  Carrier carrier = Carrier::none;
  std::string_view from;  // sending host (or the host a fault/app event is about)
  std::string_view to;    // receiving host, or empty
  std::uint64_t id = 0;   // datagram id, or stream message (stream id << 32 | sequence), or 0
  std::uint64_t bytes = 0;
  std::string_view detail;
};

/// Where trace lines go. Lines come without the trailing newline.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write_line(std::string_view line) = 0;
};

/// The rolling digest: FNV-1a 64 over each event line followed by '\n'.
class TraceDigest {
 public:
  void add_line(std::string_view line);
  std::uint64_t value() const { return state_; }

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

/// "%016x", the digest's printed form.
std::string format_digest(std::uint64_t digest);

class Tracer {
 public:
  /// `sink` may be null (digest only). Not owned; must outlive the tracer's use.
  void set_sink(TraceSink* sink) { sink_ = sink; }

  void record(const TraceEvent& event);

  std::uint64_t digest() const { return digest_.value(); }
  std::uint64_t events() const { return events_; }

 private:
  TraceSink* sink_ = nullptr;
  TraceDigest digest_;
  std::uint64_t events_ = 0;
  std::string line_;  // reused buffer
};

/// Appends `text` as a JSON string literal (quotes included) to `out`.
void append_json_string(std::string& out, std::string_view text);

}  // namespace dclcomms::sim
