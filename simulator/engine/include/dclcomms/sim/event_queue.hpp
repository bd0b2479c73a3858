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
  //
  // Events scheduled for the time of the last event popped (posts, "run next" work: half the
  // events of a busy room) skip the heap: they go to a FIFO lane, which holds events of that one
  // time in insertion order. pop() takes whichever of the heap top and the lane front is earlier
  // by (time, sequence), so the order is exactly the heap-only order.
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
  // std::push_heap builds a max-heap; "later" entries compare as smaller. A function object (not
  // a function pointer) so that the heap algorithms inline it.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.time_ns != b.time_ns) return a.time_ns > b.time_ns;
      return a.sequence > b.sequence;
    }
  };
  static bool later(const Entry& a, const Entry& b) { return Later{}(a, b); }
  static EventId id_of(std::uint32_t slot, std::uint32_t generation) { return (std::uint64_t{generation} << 32) | slot; }
  bool lane_empty() const { return lane_head_ == lane_.size(); }
  /// Whether the earliest entry is the lane's front (else the heap's top). Requires an entry.
  bool earliest_in_lane() const { return !lane_empty() && (heap_.empty() || later(heap_.front(), lane_[lane_head_])); }
  /// Removes the earliest entry (from the lane or the heap) and returns it.
  Entry take_earliest();
  void drop_cancelled_top();
  void release(std::uint32_t slot);

  std::size_t events_max_;
  std::uint64_t sequence_ = 0;
  std::size_t pending_ = 0;
  std::vector<Entry> heap_;
  std::vector<Entry> lane_;  // entries [lane_head_, size) are pending, all at time lane_time_ns_
  std::size_t lane_head_ = 0;
  std::int64_t lane_time_ns_ = 0;
  std::int64_t last_popped_ns_ = 0;
  bool popped_any_ = false;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
};

}  // namespace dclcomms::sim
