#pragma once
// pop_front: the poll_*() half of every sans-I/O core (quinn-proto style: outputs queue inside the
// core, the owner drains them) in one place.

#include <deque>
#include <optional>
#include <utility>

namespace dclcomms::core {

/// The front element, moved out and removed; none when the queue is empty.
template <class T>
std::optional<T> pop_front(std::deque<T>& queue) {
  if (queue.empty()) return std::nullopt;
  std::optional<T> next(std::move(queue.front()));
  queue.pop_front();
  return next;
}

}  // namespace dclcomms::core
