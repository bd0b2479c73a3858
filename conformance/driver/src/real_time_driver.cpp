#include "dclcomms/driver/real_time_driver.hpp"

#include "dclcomms/carriers/http_client.hpp"
#include "dclcomms/carriers/udp_socket.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/driver/virtual_time_driver.hpp"
#include "dclcomms/livekit_rtc/rtc_connector.hpp"
#include "dclcomms/registry/reference_transports.hpp"

namespace dclcomms::driver {

RealTimeDriver::RealTimeDriver(carriers::AsioRuntime& runtime, std::function<void(const Json&)> write_line)
    : runtime_(runtime), write_line_(std::move(write_line)) {}

RealTimeDriver::~RealTimeDriver() = default;

void RealTimeDriver::handle_line(std::string_view line) {
  const auto request = Json::parse(line, nullptr, false);
  if (!request.is_object()) return write_line_(not_an_object_answer());
  Json answer = dispatch(request);
  answer["id"] = request.value("id", Json(0));
  answer["actions"] = Json::array();
  write_line_(answer);
}

void RealTimeDriver::stop() {
  if (transport_) transport_->disconnect();
}

Json RealTimeDriver::dispatch(const Json& request) {
  const Json cmd_field = request.value("cmd", Json(""));
  const std::string cmd = cmd_field.is_string() ? cmd_field.get<std::string>() : "";
  if (cmd == "hello") {
    // The types the reference transports serve; livekit joins over LiveKit's real protocol
    // (signal websocket and WebRTC data channels, reference/livekit/rtc).
    conformance::Capabilities capabilities;
    capabilities.types = all_reference_capabilities().types;
    capabilities.targeted_sends = false;
    capabilities.virtual_time = false;
    HelloAnswer answer{"dclcomms-driver-real-time", capabilities, protocol_1_0};
    if (request.value("protocol", Json(protocol_1_0)) == protocol_1_1) answer.protocol = protocol_1_1;  // `calls`
    return to_json(answer);
  }
  if (cmd == "create") return create(request);
  if (!transport_) return refused("not_connected", "create first");
  if (auto answer = serve_transport_call(*transport_, request)) return *answer;
  return refused("unsupported", "'" + cmd.substr(0, 40) + "' is not a request of real-time mode");
}

Json RealTimeDriver::create(const Json& request) {
  auto identity = identity_from_json(request);
  if (!identity) return refused("denied", identity.error().message);
  transport::TransportContext context{.runtime = &runtime_};
  context.identity = std::move(identity).value();
  context.websocket = carriers::make_websocket_connector(runtime_);
  context.http = carriers::make_http_fetcher(runtime_);
  // The harness's wall clock, moving with ours from `create` on (protocol: unix_ms + elapsed).
  const Json unix_ms = request.value("unix_ms", Json(0));
  const std::int64_t unix_ms_at_create = unix_ms.is_number_integer() ? unix_ms.get<std::int64_t>() : 0;
  const core::TimePoint created_at = runtime_.now();
  context.unix_ms_now = [this, unix_ms_at_create, created_at] {
    return unix_ms_at_create + core::to_ns(runtime_.now() - created_at) / 1'000'000;
  };
  factory_ = std::make_unique<transport::TransportFactory>(context);
  registry::ReferenceServices services;
  if (auto connector = livekit_rtc::make_rtc_connector(
          {.runtime = &runtime_, .signal = context.websocket, .udp = carriers::udp_socket_opener(runtime_), .udp_bind_ip = "127.0.0.1"})) {
    services.livekit.connector = std::move(*connector);
  }  // else livekit is validated and refused at create (no certificate could be made)
  services.livekit.unix_seconds_now = [clock = context.unix_ms_now] { return clock() / 1000; };
  registry::register_reference_transports(*factory_, services);
  const Json uri = request.value("uri", Json(""));
  auto created = factory_->create(uri.is_string() ? uri.get<std::string>() : "");
  if (!created) return refused(transport::to_string(created.error().code), created.error().message);
  transport_ = std::move(created).value();
  transport_->set_event_handler([this](const transport::TransportEvent& e) { write_line_({{"event", event_to_json(e)}}); });
  return ok();
}

}  // namespace dclcomms::driver
