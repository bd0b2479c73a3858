#pragma once
// Our reference transports behind the driver protocol in real-time mode (virtual_time: false):
// the serving side of `dclcomms driver --real-time`. The transports open their own sockets (Beast)
// and keep their own time (Asio); events are written as they happen, as lines {"event": {...}}
// without an id. The suite runs its wire cases (and the URI cases) through it to prove the
// real-time path, the one a driver takes when its transport cannot be made sans-I/O.

#include <functional>
#include <memory>
#include <string_view>

#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/driver/protocol.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::driver {

/// Owned by the runtime's thread: every request is handled there, every line is written there.
class RealTimeDriver {
 public:
  /// `write_line`: one protocol line out (an answer, or an unsolicited event).
  RealTimeDriver(carriers::AsioRuntime& runtime, std::function<void(const Json&)> write_line);
  ~RealTimeDriver();
  RealTimeDriver(const RealTimeDriver&) = delete;
  RealTimeDriver& operator=(const RealTimeDriver&) = delete;

  void handle_line(std::string_view line);
  /// The harness closed stdin or a signal came: leave the room.
  void stop();

 private:
  Json dispatch(const Json& request);
  Json create(const Json& request);

  carriers::AsioRuntime& runtime_;
  std::function<void(const Json&)> write_line_;
  std::unique_ptr<transport::TransportFactory> factory_;
  transport::TransportPtr transport_;
};

}  // namespace dclcomms::driver
