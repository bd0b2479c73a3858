#include "dclcomms/sim/event_queue.hpp"

#include <algorithm>
#include <utility>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::sim {

EventQueue::EventQueue(std::size_t events_max) : events_max_(events_max) {
  DCL_ASSERT(events_max_ > 0);
  heap_.reserve(std::min<std::size_t>(events_max_, 4096));
}

EventId EventQueue::schedule(core::TimePoint when, Action action) {
  DCL_ASSERT(action);
  DCL_ASSERT(pending() < events_max_);
  const EventId id = ++sequence_;
  heap_.push_back(Entry{core::to_ns(when), id, std::move(action)});
  std::push_heap(heap_.begin(), heap_.end(), later);
  live_.insert(id);
  return id;
}

void EventQueue::cancel(EventId id) {
  if (id == 0 || id > sequence_) return;
  // Only ids still in the heap may be marked, or pending() would undercount.
  if (live_.erase(id) == 1) cancelled_.insert(id);
}

void EventQueue::drop_cancelled_top() {
  while (!heap_.empty() && !cancelled_.empty()) {
    const auto found = cancelled_.find(heap_.front().id);
    if (found == cancelled_.end()) return;
    cancelled_.erase(found);
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

core::TimePoint EventQueue::next_time() {
  drop_cancelled_top();
  if (heap_.empty()) return core::TimePoint::max();
  return core::time_point_from_ns(heap_.front().time_ns);
}

EventQueue::Due EventQueue::pop() {
  drop_cancelled_top();
  DCL_ASSERT(!heap_.empty());
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Entry entry = std::move(heap_.back());
  heap_.pop_back();
  live_.erase(entry.id);
  return Due{core::time_point_from_ns(entry.time_ns), entry.id, std::move(entry.action)};
}

}  // namespace dclcomms::sim
