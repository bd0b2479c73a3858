#pragma once
// Our reference transports behind the driver protocol, virtual-time mode: the serving side that
// `dclcomms driver` runs (the CLI only reads lines and prints answers). The suite runs itself
// through it to prove the out-of-process path; third parties read it as a working example.
//
// The transports run on a ManualRuntime that a request's now_ms advances; the carriers they are
// given (websocket, HTTP, LiveKit session) turn every use into an action for the harness, and the
// harness's reports come back in through handle().

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "dclcomms/conformance/case.hpp"
#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/driver/protocol.hpp"
#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/transport/message_stream.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::driver {

class VirtualTimeDriver {
 public:
  /// `protocol`: the highest protocol version to speak ("1.1"; "1.0" plays an older driver).
  /// `served`: one transport of the suite (a reference transport or a mutant) instead of every
  /// reference type, so that any of them can be judged through the protocol too.
  VirtualTimeDriver(std::string protocol, std::optional<conformance::TransportUnderTest> served);
  ~VirtualTimeDriver();
  VirtualTimeDriver(const VirtualTimeDriver&) = delete;
  VirtualTimeDriver& operator=(const VirtualTimeDriver&) = delete;

  /// One request (a JSON object) to its answer, with the request's id and the actions.
  Json handle(const Json& request);
  /// One line of the protocol to the line that answers it (a line that is not a JSON object gets
  /// the protocol's error answer).
  std::string handle_line(std::string_view line);

 private:
  Json dispatch(const Json& request);
  Json create(const Json& request);
  Json handle_report(const Report& report);
  void announce_timer();
  void act(Action action) { actions_.push_back(to_json(action)); }

  std::string protocol_;
  std::optional<conformance::TransportUnderTest> served_;
  core::ManualRuntime runtime_;
  Json actions_ = Json::array();
  std::map<std::int64_t, transport::MessageStreamHandler> streams_;
  std::int64_t next_stream_ = 1;
  std::map<std::int64_t, std::function<void(core::Result<transport::HttpResult, transport::HttpError>)>> http_pending_;
  std::int64_t next_http_request_ = 1;
  std::map<std::int64_t, livekit::SessionHandler> livekit_sessions_;
  std::int64_t next_livekit_session_ = 1;
  std::int64_t unix_ms_at_zero_ = 0;  // the harness's wall clock at now_ms = 0 (create's unix_ms)
  std::unique_ptr<transport::TransportFactory> factory_;
  transport::TransportPtr transport_;
  std::optional<core::TimePoint> announced_;
};

/// What the driver serves without a `served` transport: every reference transport at once. The
/// types of all; an optional feature when one has it (targeted sends: livekit has them, ws-room
/// refuses them with unsupported, as its cases expect); a guarantee when all give it.
conformance::Capabilities all_reference_capabilities();

}  // namespace dclcomms::driver
