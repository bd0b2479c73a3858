#pragma once
// Tracer: every delivery, drop, fault and application event becomes one JSON line with a fixed
// column order (docs/trace-format.md), and feeds a rolling digest of the events' fields in a
// canonical binary layout — the run's fingerprint ("unseed"). Same scenario + seed => same lines
// => same digest. The digest needs no JSON: with no sink (or one that wants no lines) nothing is
// formatted, and a reader recomputes the digest from the lines' fields (trace_file.hpp).

#include <cstdint>
#include <optional>
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
  /// False: write_line is never called and no line is formatted (a sink that only watches the
  /// digest, e.g. the determinism check's).
  virtual bool wants_lines() const { return true; }
  /// After each event (and its write_line, if any): the rolling digest including that event.
  virtual void after_event(std::uint64_t /*digest*/) {}
};

/// The rolling digest (docs/trace-format.md, "Footer and digest"): over each event's fields in a
/// canonical layout of little-endian 64-bit words, each word mixed in as
/// h = (h ^ w) * 0x9e3779b97f4a7c15; h ^= h >> 29, from h = 0xcbf29ce484222325.
class TraceDigest {
 public:
  /// `seq` is the event's index in the trace (the line's "seq" column).
  void add_event(std::uint64_t seq, const TraceEvent& event);
  std::uint64_t value() const { return state_; }

 private:
  void mix(std::uint64_t word) {
    state_ = (state_ ^ word) * 0x9e3779b97f4a7c15ULL;
    state_ ^= state_ >> 29;
  }
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

/// The codes the digest uses for kinds and carriers: their order in the enums above (never
/// reorder: a new kind goes at the end).
std::optional<TraceKind> trace_kind_from_string(std::string_view name);
std::optional<Carrier> carrier_from_string(std::string_view name);

/// "%016x", the digest's printed form.
std::string format_digest(std::uint64_t digest);

class Tracer {
 public:
  /// `sink` may be null (digest only). Not owned; must outlive the tracer's use.
  void set_sink(TraceSink* sink) { sink_ = sink; }

  void record(const TraceEvent& event);

  /// The event's JSON line as record() writes it (tests, readers that check a line's form).
  static void format_line(std::string& out, std::uint64_t seq, const TraceEvent& event);

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
