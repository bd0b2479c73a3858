#include "dclcomms/sim/event_queue.hpp"

#include <algorithm>
#include <utility>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::sim {

EventQueue::EventQueue(std::size_t events_max) : events_max_(events_max) {
  DCL_ASSERT(events_max_ > 0);
  heap_.reserve(std::min<std::size_t>(events_max_, 4096));
}

EventId EventQueue::schedule(core::TimePoint when, Action action, std::uint32_t owner, std::uint64_t owner_epoch) {
  DCL_ASSERT(action);
  DCL_ASSERT(pending_ < events_max_);
  std::uint32_t slot = 0;
  if (free_slots_.empty()) {
    DCL_ASSERT(slots_.size() < std::size_t{0xFFFFFFFF});
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& entry = slots_[slot];
  DCL_ASSERT(!entry.live);
  ++entry.generation;
  if (entry.generation == 0) entry.generation = 1;  // ids are never 0
  entry.action = std::move(action);
  entry.owner = owner;
  entry.owner_epoch = owner_epoch;
  entry.live = true;
  const std::int64_t when_ns = core::to_ns(when);
  const bool to_lane = lane_empty() ? popped_any_ && when_ns == last_popped_ns_ : when_ns == lane_time_ns_;
  if (to_lane) {
    if (lane_empty()) lane_time_ns_ = when_ns;
    lane_.push_back(Entry{when_ns, ++sequence_, slot});
  } else {
    heap_.push_back(Entry{when_ns, ++sequence_, slot});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  ++pending_;
  return id_of(slot, entry.generation);
}

void EventQueue::cancel(EventId id) {
  const auto slot = static_cast<std::uint32_t>(id & 0xFFFFFFFF);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (id == 0 || slot >= slots_.size()) return;
  Slot& entry = slots_[slot];
  // Only the event this id was given for, while it is still pending (its heap entry stays until
  // it reaches the top, where drop_cancelled_top() frees the slot).
  if (!entry.live || entry.generation != generation) return;
  entry.live = false;
  entry.action = nullptr;  // release what it captured now, not when it surfaces
  --pending_;
}

void EventQueue::release(std::uint32_t slot) {
  slots_[slot].live = false;
  free_slots_.push_back(slot);
}

EventQueue::Entry EventQueue::take_earliest() {
  if (earliest_in_lane()) {
    const Entry entry = lane_[lane_head_++];
    if (lane_empty()) {
      lane_.clear();
      lane_head_ = 0;
    }
    return entry;
  }
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  const Entry entry = heap_.back();
  heap_.pop_back();
  return entry;
}

void EventQueue::drop_cancelled_top() {
  while (!(heap_.empty() && lane_empty())) {
    const std::uint32_t slot = earliest_in_lane() ? lane_[lane_head_].slot : heap_.front().slot;
    if (slots_[slot].live) return;
    take_earliest();
    release(slot);
  }
}

core::TimePoint EventQueue::next_time() {
  drop_cancelled_top();
  if (heap_.empty() && lane_empty()) return core::TimePoint::max();
  return core::time_point_from_ns(earliest_in_lane() ? lane_[lane_head_].time_ns : heap_.front().time_ns);
}

EventQueue::Due EventQueue::pop() {
  drop_cancelled_top();
  DCL_ASSERT(!(heap_.empty() && lane_empty()));
  const Entry entry = take_earliest();
  last_popped_ns_ = entry.time_ns;
  popped_any_ = true;
  Slot& slot = slots_[entry.slot];
  Due due{core::time_point_from_ns(entry.time_ns), id_of(entry.slot, slot.generation), std::move(slot.action), slot.owner,
          slot.owner_epoch};
  slot.action = nullptr;
  release(entry.slot);
  --pending_;
  return due;
}

}  // namespace dclcomms::sim
