#pragma once
// The harness side of the driver protocol (docs/driver-protocol.md): a transport::Transport whose
// implementation lives in another process. It carries the driver's websockets over the context's
// MessageStreamConnector (the simulator, in cases), runs its timer on the context's Runtime, and
// turns its event actions into transport events.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "../../src/one_tick_calls.hpp"
#include "dclcomms/conformance/case.hpp"
#include "dclcomms/conformance/conformance_error.hpp"
#include "dclcomms/driver/protocol.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "driver_process.hpp"

namespace dclcomms::conformance {

/// What hello settled about the conversation itself (not the transport's capabilities).
struct DriverProtocol {
  bool real_time = false;       // capabilities.virtual_time false
  bool one_tick_calls = false;  // protocol 1.1: the `calls` request
};

class DriverTransport final : public transport::Transport, public OneTickCaller {
 public:
  /// Starts a driver process for `uri`; fails like a factory (with the driver's URI error code).
  static core::Result<transport::TransportPtr, transport::UriError> create(const std::string& command, const transport::TransportUri& uri,
                                                                           const transport::TransportContext& context,
                                                                           const HarnessServices& services, const DriverProtocol& protocol);
  ~DriverTransport() override;

  std::string_view type() const override { return type_; }
  transport::Status connect() override;
  void disconnect() override;
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override;
  /// Protocol 1.1: one `calls` request; 1.0: one request per call (settled_between).
  OneTickResult call_in_one_tick(std::span<const TransportCall> calls) override;

 private:
  DriverTransport(std::unique_ptr<DriverProcess> process, std::string type, const transport::TransportContext& context,
                  const HarnessServices& services, const DriverProtocol& protocol);
  /// Calls the driver and carries out the answer's actions. Returns the answer (nothing if the driver failed).
  std::optional<nlohmann::json> call(nlohmann::json request);
  /// call() for a report about an action the harness carried out.
  void report(const driver::Report& report) { call(driver::to_json(report)); }
  void perform(driver::Action action);
  void perform_http_request(driver::HttpRequestAction action);
  void perform_livekit_join(const driver::LkJoin& join);
  void driver_failed(const std::string& why);
  /// Real-time drivers: picks up the events they wrote on their own, every poll period.
  void poll_unsolicited();
  std::int64_t now_ms() const;

  std::unique_ptr<DriverProcess> process_;
  std::string type_;
  transport::TransportContext context_;
  core::TimePoint origin_;
  HarnessServices services_;
  std::map<std::int64_t, std::unique_ptr<transport::MessageStream>> streams_;
  std::map<std::int64_t, std::unique_ptr<livekit::LivekitSession>> livekit_sessions_;
  std::optional<core::TimerId> timer_;
  DriverProtocol protocol_;
  std::optional<core::TimerId> poll_timer_;
  bool failed_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  transport::EventPoster events_;
};

/// Asks the driver `command` for its name and capabilities (hello) and describes it as a transport
/// under test whose types are made by DriverTransport. Fails with a readable reason.
core::Result<TransportUnderTest, ConformanceError> driver_under_test(const std::string& command);

}  // namespace dclcomms::conformance
