#pragma once
// EventPoster: delivers a transport's events through its runtime, so that no event is ever emitted
// from inside one of the transport's own methods (transport.hpp's promise), and none is delivered
// after the transport is gone (pending deliveries are cancelled on destruction).

#include <deque>
#include <functional>

#include "dclcomms/core/runtime.hpp"
#include "dclcomms/transport/transport.hpp"

namespace dclcomms::transport {

class EventPoster {
 public:
  using Deliver = std::function<void(const TransportEvent&)>;
  EventPoster(core::Runtime& runtime, Deliver deliver) : runtime_(runtime), deliver_(std::move(deliver)) {}
  ~EventPoster() {
    for (const core::TimerId id : pending_) runtime_.cancel(id);
  }
  EventPoster(const EventPoster&) = delete;
  EventPoster& operator=(const EventPoster&) = delete;

  void post(TransportEvent event) {
    // Due-now callbacks run in the order they were posted, so pending_ is FIFO.
    pending_.push_back(runtime_.post([this, event = std::move(event)] {
      pending_.pop_front();
      deliver_(event);
    }));
  }

 private:
  core::Runtime& runtime_;
  Deliver deliver_;
  std::deque<core::TimerId> pending_;
};

}  // namespace dclcomms::transport
