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
  heap_.push_back(Entry{core::to_ns(when), ++sequence_, slot});
  std::push_heap(heap_.begin(), heap_.end(), later);
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

void EventQueue::drop_cancelled_top() {
  while (!heap_.empty() && !slots_[heap_.front().slot].live) {
    const std::uint32_t slot = heap_.front().slot;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    release(slot);
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
  const Entry entry = heap_.back();
  heap_.pop_back();
  Slot& slot = slots_[entry.slot];
  Due due{core::time_point_from_ns(entry.time_ns), id_of(entry.slot, slot.generation), std::move(slot.action), slot.owner,
          slot.owner_epoch};
  slot.action = nullptr;
  release(entry.slot);
  --pending_;
  return due;
}

}  // namespace dclcomms::sim
