#include "dclcomms/core/manual_runtime.hpp"

#include "dclcomms/core/assert.hpp"

namespace dclcomms::core {

ManualRuntime::ManualRuntime(TimePoint start, std::size_t callbacks_max) : now_(start), callbacks_max_(callbacks_max) {
  DCL_ASSERT(callbacks_max_ > 0);
}

TimerId ManualRuntime::schedule_at(TimePoint when, Callback callback) {
  DCL_ASSERT(callback);
  DCL_ASSERT(queue_.size() < callbacks_max_);
  if (when < now_) when = now_;  // The past is now: a late timer fires at once, in order.
  const TimerId id = ++sequence_;
  queue_.emplace(Key{to_ns(when), id}, std::move(callback));
  time_of_.emplace(id, to_ns(when));
  return id;
}

void ManualRuntime::cancel(TimerId id) {
  const auto it = time_of_.find(id);
  if (it == time_of_.end()) return;
  queue_.erase(Key{it->second, id});
  time_of_.erase(it);
}

TimePoint ManualRuntime::next_deadline() const {
  if (queue_.empty()) return TimePoint::max();
  return time_point_from_ns(queue_.begin()->first.first);
}

bool ManualRuntime::run_one_due(TimePoint limit) {
  if (queue_.empty()) return false;
  const auto it = queue_.begin();
  if (it->first.first > to_ns(limit)) return false;
  now_ = time_point_from_ns(it->first.first);
  Callback callback = std::move(it->second);
  time_of_.erase(it->first.second);
  queue_.erase(it);
  callback();
  return true;
}

std::size_t ManualRuntime::advance(Duration duration) {
  DCL_ASSERT(duration >= Duration::zero());
  const TimePoint limit = now_ + duration;
  std::size_t count = 0;
  while (run_one_due(limit)) ++count;
  now_ = limit;
  return count;
}

std::size_t ManualRuntime::run_ready() { return advance(Duration::zero()); }

std::size_t ManualRuntime::run_until_idle(std::size_t callbacks_max) {
  std::size_t count = 0;
  while (count < callbacks_max && run_one_due(TimePoint::max())) ++count;
  return count;
}

}  // namespace dclcomms::core
