#pragma once
// Test harness: a `simulator:` transport on a ManualRuntime, created through the factory, with
// every event recorded together with the runtime time it was delivered at.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/simulator_transport/simulator_transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::simulator_transport::test {

struct Recorded {
  core::TimePoint at;
  transport::TransportEvent event;
};

/// One line per event: time in ns, kind, fields; packets as hex. What the determinism tests compare.
std::string describe(const Recorded& recorded);

class Harness {
 public:
  explicit Harness(const std::string& uri);

  SimulatorTransport& transport() { return *transport_; }
  core::ManualRuntime& runtime() { return runtime_; }
  const std::vector<Recorded>& events() const { return events_; }
  const SimulatedCrowd& crowd() const { return *transport_->crowd(); }

  void connect();
  void advance(core::Duration duration) { runtime_.advance(duration); }
  transport::Status send(const codec::Packet& packet, transport::Reliability reliability, std::vector<std::string> targets = {});

  /// Every event as text, one line each.
  std::string transcript() const;
  /// The peers of the Connected event (asserts there is one).
  std::vector<std::string> connected_peers() const;
  /// Decoded packets of MessageReceived events from `sender` (every sender if empty), with times.
  std::vector<std::pair<core::TimePoint, codec::Packet>> packets_from(const std::string& sender = {}) const;

 private:
  core::ManualRuntime runtime_;
  std::unique_ptr<transport::TransportFactory> factory_;
  std::unique_ptr<SimulatorTransport> transport_;
  std::vector<Recorded> events_;
};

}  // namespace dclcomms::simulator_transport::test
