#pragma once
// EventQueue: the simulator's agenda. Events are ordered by (time, insertion sequence) — never by
// time alone, which would leave ties to the heap's implementation — so equal-time events run in
// the order they were scheduled, identically on every platform.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <unordered_set>
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

  EventId schedule(core::TimePoint when, Action action);
  /// Cancels a pending event; unknown or finished ids are ignored.
  void cancel(EventId id);

  bool empty() const { return pending() == 0; }
  std::size_t pending() const { return heap_.size() - cancelled_.size(); }
  /// The earliest pending event's time; TimePoint::max() when empty.
  core::TimePoint next_time();

  /// Removes the earliest pending event and returns its time and action. Requires !empty().
  struct Due {
    core::TimePoint time;
    EventId id;
    Action action;
  };
  Due pop();

 private:
  struct Entry {
    std::int64_t time_ns;
    EventId id;  // doubles as insertion sequence
    Action action;
  };
  // std::push_heap builds a max-heap; "later" entries compare as smaller.
  static bool later(const Entry& a, const Entry& b) {
    if (a.time_ns != b.time_ns) return a.time_ns > b.time_ns;
    return a.id > b.id;
  }
  void drop_cancelled_top();

  std::size_t events_max_;
  EventId sequence_ = 0;
  std::vector<Entry> heap_;
  std::set<EventId> cancelled_;  // lazily removed when they reach the top
  // Ids still in the heap, for cancel(). Membership tests only: never iterated, so its hash order
  // cannot reach any output.
  std::unordered_set<EventId> live_;
};

}  // namespace dclcomms::sim
