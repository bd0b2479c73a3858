#pragma once
// The flaw the connect-outlives-disconnect mutants share (an adapter whose connect() first awaits
// something — a token, a promise): the real connect runs on the next turn of the loop, and a
// disconnect() made before then finds nothing to close, so the mutant lets it do nothing.
#include <functional>

#include "dclcomms/core/runtime.hpp"

namespace dclcomms::conformance {

class DeferredConnect {
 public:
  void start(core::Runtime& runtime, std::function<void()> connect) {
    pending_ = true;
    runtime.post([this, connect = std::move(connect)] {
      pending_ = false;
      connect();
    });
  }
  /// The connect has been asked for and has not run yet: a disconnect() now would find nothing.
  bool pending() const { return pending_; }

 private:
  bool pending_ = false;
};

}  // namespace dclcomms::conformance
