// dclcomms driver --real-time: our reference transports behind the driver protocol in real-time
// mode (virtual_time: false). The transports open their own sockets (Beast) and keep their own
// time (Asio); events are written as they happen, as lines {"event": {...}} without an id. The
// suite runs its wire cases (and the URI cases) through it to prove the real-time path, the one a
// driver takes when its transport cannot be made sans-I/O.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/http_client.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/signed_login/signed_login_transport.hpp"
#include "dclcomms/simulator_transport/simulator_transport.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"
#include "driver_protocol.hpp"
#include "stdin_lines.hpp"

namespace dclcomms::cli {
namespace {

using nlohmann::json;

// Owned by the runtime's thread: every request is handled there, every line is written there.
class RealTimeDriver {
 public:
  explicit RealTimeDriver(carriers::AsioRuntime& runtime) : runtime_(runtime) {}

  void handle_line(const std::string& line) {
    const auto request = json::parse(line, nullptr, false);
    json answer;
    if (!request.is_object()) {
      answer = driver::refused("protocol_error", "not a JSON object");
      answer["id"] = nullptr;
    } else {
      answer = dispatch(request);
      answer["id"] = request.value("id", std::int64_t{0});
    }
    answer["actions"] = json::array();
    write(answer);
  }

  void stop() {
    if (transport_) transport_->disconnect();
  }

 private:
  static void write(const json& line) { std::cout << line.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl; }

  json dispatch(const json& request) {
    const std::string cmd = request.value("cmd", "");
    if (cmd == "hello") {
      json answer = driver::ok();
      answer["name"] = "dclcomms-driver-real-time";
      answer["capabilities"] = {{"types", {"ws-room", "signed-login", "simulator", "offline"}}, {"unreliable", true},
                                {"targeted_sends", false}, {"payload_bytes_max", 65535}, {"virtual_time", false},
                                {"peer_joined_events", true}, {"typed_send_refusals", true}};
      if (request.value("protocol", "1.0") == "1.1") answer["protocol"] = "1.1";  // `calls`: served by transport_request
      return answer;
    }
    if (cmd == "create") return create(request);
    if (!transport_) return driver::refused("not_connected", "create first");
    if (auto answer = driver::transport_request(*transport_, request)) return *answer;
    return driver::refused("unsupported", "'" + cmd + "' is not a request of real-time mode");
  }

  json create(const json& request) {
    auto identity = driver::identity_of(request);
    if (!identity) return driver::refused("denied", identity.error());
    transport::TransportContext context{.runtime = &runtime_};
    context.identity = std::move(identity).value();
    context.websocket = carriers::make_websocket_connector(runtime_);
    context.http = carriers::make_http_fetcher(runtime_);
    // The harness's wall clock, moving with ours from `create` on (protocol: unix_ms + elapsed).
    const std::int64_t unix_ms_at_create = request.value("unix_ms", std::int64_t{0});
    const core::TimePoint created_at = runtime_.now();
    context.unix_ms_now = [this, unix_ms_at_create, created_at] {
      return unix_ms_at_create + core::to_ns(runtime_.now() - created_at) / 1'000'000;
    };
    factory_ = std::make_unique<transport::TransportFactory>(context);  // brings offline
    ws_room::register_ws_room(*factory_);
    signed_login::register_signed_login(*factory_);
    simulator_transport::register_simulator_transport(*factory_);
    auto created = factory_->create(request.value("uri", ""));
    if (!created) return driver::refused(std::string(transport::to_string(created.error().code)), created.error().message);
    transport_ = std::move(created).value();
    transport_->set_event_handler([](const transport::TransportEvent& e) { write({{"event", driver::event_json(e)}}); });
    return driver::ok();
  }

  carriers::AsioRuntime& runtime_;
  std::unique_ptr<transport::TransportFactory> factory_;
  transport::TransportPtr transport_;
};

}  // namespace

ExitCode run_real_time_driver() {
  carriers::AsioRuntime runtime;
  RealTimeDriver driver(runtime);
  bool done = false;  // stdin closed or a termination signal: only touched on the runtime's thread
  // Each request is handled on the runtime's thread, which owns the transport and stdout.
  read_stdin_lines(
      runtime, [&driver](const std::string& line) { driver.handle_line(line); },
      [&runtime, &driver, &done] {
        done = true;  // the harness closed our stdin: leave the room and stop
        driver.stop();
        runtime.stop();
      });
  runtime.on_termination_signal([&runtime, &driver, &done](int) {
    done = true;
    driver.stop();
    runtime.stop();
  });
  while (!done) runtime.run_for(std::chrono::milliseconds(100));  // run() would return when idle
  std::cout.flush();
  std::_Exit(0);  // the stdin thread may be blocked in a read: do not join it
}

}  // namespace dclcomms::cli
