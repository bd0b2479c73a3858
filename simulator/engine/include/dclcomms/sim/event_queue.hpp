#pragma once
// EventQueue: the simulator's agenda. Events are ordered by (time, insertion sequence) — never by
// time alone, which would leave ties to the heap's implementation — so equal-time events run in
// the order they were scheduled, identically on every platform.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "dclcomms/core/time.hpp"

namespace dclcomms::sim {

/// Identifies a scheduled event; 0 is never used.
using EventId = std::uint64_t;

class EventQueue {
 public:
  using Action = std::function<void()>;

  /// `events_max` bounds pending events; scheduling beyond it is a bug in the caller (asserted).
  explicit EventQueue(std::size_t events_max);

  /// An event may carry an owner tag (an owner id and that owner's epoch), returned with it by
  /// pop(): the simulation tags work scheduled for a host instead of wrapping the action in a
  /// second closure that checks the host. `no_owner` means untagged.
  static constexpr std::uint32_t no_owner = 0xFFFFFFFF;
  EventId schedule(core::TimePoint when, Action action, std::uint32_t owner = no_owner, std::uint64_t owner_epoch = 0);
  /// Cancels a pending event; unknown or finished ids are ignored.
  void cancel(EventId id);

  bool empty() const { return pending() == 0; }
  std::size_t pending() const { return pending_; }
  /// The earliest pending event's time; TimePoint::max() when empty.
  core::TimePoint next_time();

  /// Removes the earliest pending event and returns its time and action. Requires !empty().
  struct Due {
    core::TimePoint time;
    EventId id;
    Action action;
    std::uint32_t owner = no_owner;
    std::uint64_t owner_epoch = 0;
  };
  Due pop();

 private:
  // The heap holds small plain entries; the actions live in a slab of slots, so sifting moves 24
  // bytes instead of a std::function, and cancel() needs no hash set: an EventId names its slot
  // (low 32 bits) and the slot's generation (high 32 bits), so a stale id never matches a reused
  // slot.
  struct Entry {
    std::int64_t time_ns;
    std::uint64_t sequence;  // insertion order: the tie-break between equal times
    std::uint32_t slot;
  };
  struct Slot {
    Action action;
    std::uint64_t owner_epoch = 0;
    std::uint32_t owner = no_owner;
    std::uint32_t generation = 0;  // bumped each time the slot is taken
    bool live = false;             // scheduled and neither run nor cancelled
  };
  // std::push_heap builds a max-heap; "later" entries compare as smaller.
  static bool later(const Entry& a, const Entry& b) {
    if (a.time_ns != b.time_ns) return a.time_ns > b.time_ns;
    return a.sequence > b.sequence;
  }
  static EventId id_of(std::uint32_t slot, std::uint32_t generation) { return (std::uint64_t{generation} << 32) | slot; }
  void drop_cancelled_top();
  void release(std::uint32_t slot);

  std::size_t events_max_;
  std::uint64_t sequence_ = 0;
  std::size_t pending_ = 0;
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace dclcomms::sim
