#pragma once
// Simulation: a deterministic discrete-event network of named hosts on one virtual clock. It moves
// opaque bytes and knows nothing of what they mean. Two carriers:
//   * datagrams — may be lost, duplicated, reordered, corrupted, dropped at the MTU or a full queue;
//   * reliable streams — ordered messages delivered exactly once and intact, but late: segments
//     lost on the link are retransmitted after a retransmission timeout (RTO, doubling per attempt)
//     and every byte is serialised at the link's rate.
// Faults: per-direction LinkFaults (changeable at any time), partitions (symmetric or one-way) and
// heal, host crash / restart / pause / resume, per-host clock skew and drift. Every delivery, drop,
// fault and application event is traced (trace.hpp).
//
// Determinism: one thread; events ordered by (time, insertion sequence); all randomness from
// core::Prng streams derived from (seed, name); ordered containers only where order can reach
// output. Two Simulations may coexist in one process.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/runtime.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/sim/event_queue.hpp"
#include "dclcomms/sim/fault_schedule.hpp"
#include "dclcomms/sim/host_clock.hpp"
#include "dclcomms/sim/link.hpp"
#include "dclcomms/sim/link_faults.hpp"
#include "dclcomms/sim/trace.hpp"

namespace dclcomms::sim {

using HostId = std::uint32_t;
using StreamId = std::uint32_t;
using Bytes = std::vector<std::uint8_t>;
/// Which of a host's services a stream or datagram is for, as a TCP/UDP port is: software on a host
/// registers handlers per port, so several carriers (each with a port of its own) share one host. A
/// stream keeps the port it was opened to at both of its ends. Ports are not traced: they choose a
/// handler and change nothing else. Port 0 is what the calls without a port use.
using Port = std::uint16_t;

struct SimulationConfig {
  std::uint64_t seed = 0;
  std::size_t events_max = 4'000'000;  // pending events; exceeding it is a bug (asserted)
  std::size_t hosts_max = 4096;
  std::size_t streams_max = 65536;         // open streams at once
  std::size_t stream_messages_max = 4096;  // per direction: sent but not yet delivered
  std::size_t stream_message_bytes_max = 1 << 20;
  std::size_t held_deliveries_max = 65536;  // per paused host; beyond it deliveries are dropped
  core::Duration stream_rto_min = std::chrono::milliseconds(200);
  core::Duration stream_rto_max = std::chrono::seconds(5);
};

enum class HostState : std::uint8_t { up, paused, down };

enum class StreamErrorCode : std::uint8_t {
  no_such_stream,  // never opened, or already reset
  not_an_end,      // the sender is not one of the stream's two hosts
  host_down,       // the sender is crashed
  buffer_full,     // stream_messages_max undelivered messages already in this direction
  too_large,       // payload above stream_message_bytes_max
  no_route,        // open_stream between hosts without a link
  limit_reached,   // streams_max open streams
};
std::string_view to_string(StreamErrorCode code);
using StreamError = core::Error<StreamErrorCode>;

/// Application callbacks of one host on one port. All optional. They run inside the simulation's event loop;
/// they may call back into the Simulation (send, schedule), never re-entrantly.
struct HostHandlers {
  std::function<void(HostId from, std::span<const std::uint8_t> payload)> datagram;
  std::function<void(StreamId stream, HostId from, std::span<const std::uint8_t> payload)> message;
  std::function<void(StreamId stream, HostId peer)> stream_opened;  // at the accepting end
  std::function<void(StreamId stream, HostId peer)> stream_reset;   // the peer crashed or is down
  std::function<void()> restarted;                                  // after restart(): the host's software boots again
};

struct SimulationStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t datagrams_delivered = 0;
  std::uint64_t datagrams_dropped = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t segments_retransmitted = 0;
  std::uint64_t events_run = 0;
};

class HostRuntime;

class Simulation {
 public:
  /// `sink` receives trace lines (may be null: digest only). Not owned.
  explicit Simulation(SimulationConfig config, TraceSink* sink = nullptr);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // --- Topology -------------------------------------------------------------------------------
  /// Adds a host; names are unique (asserted) and are what the trace and PRNG streams key on.
  HostId add_host(std::string_view name, HostClock clock = {});
  std::optional<HostId> find_host(std::string_view name) const;
  const std::string& host_name(HostId host) const;
  std::size_t host_count() const { return hosts_.size(); }
  HostState host_state(HostId host) const;

  /// Creates or changes the one-way link from -> to (traced as a fault when it changes).
  void set_link(HostId from, HostId to, const LinkFaults& faults);
  /// Both directions with the same faults.
  void connect(HostId a, HostId b, const LinkFaults& faults);
  bool has_link(HostId from, HostId to) const;
  const LinkFaults& link_faults(HostId from, HostId to) const;

  /// The callbacks of `host` for streams and datagrams to `port` (replacing the port's previous
  /// ones; `{}` clears them). Events for a port without handlers are delivered (and traced) as
  /// before and then ignored. `restarted` runs for every port that has one, in port order.
  void set_handlers(HostId host, HostHandlers handlers) { set_handlers(host, Port{0}, std::move(handlers)); }
  void set_handlers(HostId host, Port port, HostHandlers handlers);

  // --- Carriers -------------------------------------------------------------------------------
  /// Sends one datagram. Never fails from the sender's view: every loss is a traced drop.
  void send_datagram(HostId from, HostId to, Bytes payload, Port port = 0);

  /// Opens a reliable bidirectional stream; the peer's stream_opened handler runs after one-way
  /// latency. Messages may be sent at once (they queue behind the open, as in TCP fast open).
  /// If the peer is down when the open or a message reaches it, the stream is reset ("peer_down")
  /// and the opener's stream_reset handler runs.
  /// The stream belongs to `port` at both ends: its events go to that port's handlers.
  core::Result<StreamId, StreamError> open_stream(HostId from, HostId to, Port port = 0);
  core::Result<core::Ok, StreamError> send_message(StreamId stream, HostId from, Bytes payload);
  bool is_stream_open(StreamId stream) const;

  // --- Faults and control ---------------------------------------------------------------------
  /// Blocks every pair (a in side_a, b in side_b) in both directions.
  void partition(std::span<const HostId> side_a, std::span<const HostId> side_b);
  /// Blocks from -> to only.
  void partition_oneway(std::span<const HostId> from, std::span<const HostId> to);
  /// Removes every partition.
  void heal();
  bool is_blocked(HostId from, HostId to) const;

  /// Hold: packets from -> to that reach the receiver's end of the link wait there, in order,
  /// until release(from, to) (turmoil's hold/release). At most held_deliveries_max per link;
  /// beyond it datagrams drop (held_overflow) and stream segments count as lost.
  void hold(HostId from, HostId to);
  void release(HostId from, HostId to);

  /// Crash: the host stops, its timers and held deliveries are discarded, its streams reset (peers
  /// are told after one-way latency), datagrams to it are dropped.
  void crash(HostId host);
  /// Restart a crashed host: it is up again and its `restarted` handler runs.
  void restart(HostId host);
  /// Pause: the host keeps its state but runs nothing; deliveries and timers are held (bounded by
  /// held_deliveries_max) and run in order on resume.
  void pause(HostId host);
  void resume(HostId host);

  /// Records an application event in the trace.
  void trace_app(HostId host, std::string_view label, std::string_view detail = {});

  // --- Time and the event loop ----------------------------------------------------------------
  core::TimePoint now() const { return now_; }
  /// Schedules a control action on the global clock (fault schedules, test drivers). It runs even
  /// if hosts are down or paused.
  EventId schedule_at(core::TimePoint when, std::function<void()> action);
  void cancel(EventId id) { queue_.cancel(id); }

  /// The core::Runtime seen by software on `host`: its now() is the host's skewed clock, its
  /// timers are discarded if the host crashes and held while it is paused.
  core::Runtime& runtime(HostId host);

  /// Runs the earliest event. Returns false when none is pending.
  bool step();
  /// Steps until `done()` holds, at most `steps_max` events (a guard against runs that never
  /// settle: turmoil's run / quinn's drive_bounded). Returns whether `done()` holds at the end.
  bool run_until(const std::function<bool()>& done, std::uint64_t steps_max);
  /// Runs every event due at or before `end`, then sets now() to `end`. Returns events run.
  std::uint64_t run_until(core::TimePoint end);
  /// As run_until, calling `progress` every `every_events` events (for the CLI's progress bar).
  std::uint64_t run_until(core::TimePoint end, std::uint64_t every_events, const std::function<void(core::TimePoint)>& progress);

  // --- Results --------------------------------------------------------------------------------
  std::uint64_t seed() const { return config_.seed; }
  const SimulationConfig& config() const { return config_; }
  const SimulationStats& stats() const { return stats_; }
  std::uint64_t digest() const { return tracer_.digest(); }
  std::uint64_t events_traced() const { return tracer_.events(); }
  /// From now on every link decision (loss, duplication, delay beyond the latency, corruption) is
  /// also written into `schedule`, which must outlive the simulation's traffic. Null: stop.
  void record_faults(FaultSchedule* schedule) { fault_record_ = schedule; }
  /// From now on the links draw nothing: every decision comes from `schedule`, and a packet it
  /// does not name is delivered after exactly the latency, intact, once (fault_schedule.hpp).
  /// Replaying the schedule a run recorded from its start reproduces that run's trace.
  void replay_faults(FaultSchedule schedule) { fault_replay_ = std::move(schedule); }
  /// Told of every link decision that is a fault (drawn or replayed), when it is made: reports
  /// draw them on their runs (a shrunk failure's few faults). Empty: nobody is told.
  using FaultObserver = std::function<void(core::TimePoint at, const FaultKey& key, const FaultDecision& decision)>;
  void observe_faults(FaultObserver observer) { fault_observer_ = std::move(observer); }

  std::size_t events_pending() const { return queue_.pending(); }
  /// When the earliest pending event is due; TimePoint::max() when none is (so an owner that
  /// advances the simulation from outside can sleep exactly until there is something to run).
  core::TimePoint next_event_time() { return queue_.next_time(); }

 private:
  friend class HostRuntime;
  struct Host;
  struct Stream;
  struct Message;

  Host& host(HostId id);
  const Host& host(HostId id) const;
  Link* link(HostId from, HostId to);
  void trace(TraceKind kind, Carrier carrier, HostId from, std::optional<HostId> to, std::uint64_t id, std::uint64_t bytes,
             std::string_view detail);
  void trace_fault(std::string_view detail, std::string_view host_name_or_empty = {});

  /// Runs `action` on `target` as host software: dropped if the host crashed since `epoch`, held
  /// while it is paused.
  /// (A template: the closures the simulation passes run in place without becoming a
  /// std::function unless they must wait for a paused host.)
  template <class Action>
  void run_on_host(HostId target, std::uint64_t epoch, Action&& action);
  EventId schedule_on_host(core::TimePoint when, HostId target, std::function<void()> action);

  /// One copy of a datagram (the original or a duplicate): its own delay and corruption draws.
  /// `number` is the datagram's number on its link, `copy` 0 for the original.
  void transmit_datagram_copy(HostId from, HostId to, Port port, std::uint64_t id, std::shared_ptr<const Bytes> payload,
                              core::TimePoint departure, std::uint64_t number, std::uint8_t copy);
  FaultKey fault_key(HostId from, HostId to, FaultUnit unit, std::uint64_t number, std::uint8_t copy) const;
  /// Whether anyone records or observes decisions (else no key is built: the hot path stays lean).
  bool decisions_watched() const { return fault_record_ != nullptr || static_cast<bool>(fault_observer_); }
  void note_decision(HostId from, HostId to, FaultUnit unit, std::uint64_t number, std::uint8_t copy, const FaultDecision& decision);
  void arrive_datagram(HostId from, HostId to, Port port, std::uint64_t id, std::shared_ptr<const Bytes> payload);
  /// The handlers of `host` on `port`, or null when none were set.
  const HostHandlers* handlers(HostId host, Port port) const;

  core::Duration rto(HostId from, HostId to, std::uint32_t attempt);
  /// Requires the message's stream to be open (callers check: one map lookup per message).
  void transmit_segments(std::shared_ptr<Message> message, std::uint32_t segments);
  void arrive_segments(std::shared_ptr<Message> message, std::uint32_t segments, core::TimePoint sent_at);
  void complete_message(const std::shared_ptr<Message>& message, Stream& stream);
  /// If from -> to is on hold, keeps `arrival` for release() and returns true.
  bool hold_arrival(HostId from, HostId to, std::function<void()>& arrival, bool& overflow);
  void cut_segments(std::shared_ptr<Message> message, std::uint32_t segments, core::TimePoint sent_at);
  void reset_stream(StreamId id, HostId crashed, std::string_view why);

  SimulationConfig config_;
  Tracer tracer_;
  EventQueue queue_;
  core::TimePoint now_{};
  SimulationStats stats_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::map<std::string, HostId, std::less<>> host_ids_;
  std::map<std::pair<HostId, HostId>, Link> links_;
  std::set<std::pair<HostId, HostId>> blocked_;  // (from, to) pairs cut by a partition
  // (from, to) pairs on hold, with the arrivals waiting for release, in arrival order.
  std::map<std::pair<HostId, HostId>, std::deque<std::function<void()>>> holding_;
  std::map<StreamId, Stream> streams_;
  StreamId next_stream_id_ = 1;
  std::uint64_t next_datagram_id_ = 1;
  EventId current_event_id_ = 0;  // the event being run, for work held by a paused host
  FaultSchedule* fault_record_ = nullptr;
  std::optional<FaultSchedule> fault_replay_;
  FaultObserver fault_observer_;
};

}  // namespace dclcomms::sim
