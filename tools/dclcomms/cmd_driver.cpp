// dclcomms driver: our reference transports (all five types) behind the conformance driver protocol
// (docs/driver-protocol.md), virtual-time mode. The suite runs itself through it to prove the
// out-of-process path; third parties read it as a working example.
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "driver_protocol.hpp"
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/identity/signing_identity.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "dclcomms/livekit/livekit_transport.hpp"

namespace dclcomms::cli {
namespace {

using nlohmann::json;
using driver::event_json;
using driver::ok;
using driver::refused;

// The hello answer's capabilities of one transport (docs/driver-protocol.md, Capabilities).
json capabilities_json(const conformance::Capabilities& c) {
  json payload_bytes_max = nullptr;
  if (c.payload_bytes_max) payload_bytes_max = *c.payload_bytes_max;
  return {{"types", c.types}, {"unreliable", c.unreliable}, {"targeted_sends", c.targeted_sends}, {"payload_bytes_max", payload_bytes_max},
          {"virtual_time", c.virtual_time}, {"peer_joined_events", c.peer_joined_events}, {"typed_send_refusals", c.typed_send_refusals}};
}

class Driver;

// A websocket the harness carries: sends become actions, the harness's reports become callbacks.
class DriverStream final : public transport::MessageStream {
 public:
  DriverStream(json& actions, std::int64_t id) : actions_(actions), id_(id) {}
  void send(std::vector<std::uint8_t> frame) override {
    actions_.push_back({{"do", "ws_send"}, {"stream", id_}, {"hex", core::to_hex(frame)}});
  }
  void close(std::string reason) override { actions_.push_back({{"do", "ws_close"}, {"stream", id_}, {"reason", reason}}); }
  std::size_t backlog_bytes() const override { return 0; }

 private:
  json& actions_;
  std::int64_t id_;
};

// A LiveKit participant session the harness carries (lk_* actions out, lk_* requests back).
class DriverLivekitSession final : public livekit::LivekitSession {
 public:
  DriverLivekitSession(json& actions, std::int64_t id) : actions_(actions), id_(id) {}
  void publish_data(std::vector<std::uint8_t> payload, livekit::DataKind kind, std::vector<std::string> destinations) override {
    actions_.push_back({{"do", "lk_publish"}, {"session", id_}, {"hex", core::to_hex(payload)},
                        {"kind", kind == livekit::DataKind::lossy ? "lossy" : "reliable"}, {"destinations", destinations}});
  }
  void leave() override { actions_.push_back({{"do", "lk_leave"}, {"session", id_}}); }

 private:
  json& actions_;
  std::int64_t id_;
};

class Driver {
 public:
  /// `protocol`: the highest protocol this driver speaks ("1.1"; "1.0" plays an older driver).
  /// `served`: one named transport of the suite (a reference transport or a mutant) instead of all
  /// five reference types, so that any of them can be judged through the protocol too.
  Driver(std::string protocol, std::optional<conformance::TransportUnderTest> served)
      : protocol_(std::move(protocol)), served_(std::move(served)) {}

  json handle(const json& request) {
    actions_ = json::array();
    const std::int64_t now_ms = request.value("now_ms", std::int64_t{0});
    const auto now = core::TimePoint{} + std::chrono::milliseconds(now_ms);
    if (now > runtime_.now()) runtime_.advance(now - runtime_.now());
    json answer = dispatch(request);
    runtime_.run_ready();
    announce_timer();
    answer["id"] = request.value("id", std::int64_t{0});
    answer["actions"] = actions_;
    return answer;
  }

 private:

  json dispatch(const json& request) {
    const std::string cmd = request.value("cmd", "");
    if (cmd == "hello") {
      json answer = ok();
      answer["name"] = "dclcomms-driver";
      // Targeted sends: livekit has them; ws-room refuses them with unsupported (as its cases expect).
      answer["capabilities"] = {{"types", {"ws-room", "signed-login", "livekit", "simulator", "offline"}}, {"unreliable", true}, {"targeted_sends", true},
                                {"payload_bytes_max", 65535}, {"virtual_time", true}, {"peer_joined_events", true}, {"typed_send_refusals", true}};
      if (served_) {
        answer["name"] = "dclcomms-driver:" + served_->name;
        answer["capabilities"] = capabilities_json(served_->capabilities);
      }
      // 1.1 (several calls in one `calls` request) when both sides speak it; a 1.0 answer says nothing.
      if (protocol_ == "1.1" && request.value("protocol", "1.0") == "1.1") answer["protocol"] = "1.1";
      return answer;
    }
    if (cmd == "create") return create(request);
    if (!transport_) return refused("not_connected", "create first");
    if (auto answer = driver::transport_request(*transport_, request)) return *answer;
    if (cmd == "http_response" || cmd == "http_failed") return http_answer(cmd, request);
    if (cmd.starts_with("lk_")) return livekit_report(cmd, request);
    const std::int64_t stream = request.value("stream", std::int64_t{0});
    const auto handler = handlers_.find(stream);
    if (handler == handlers_.end()) return ok();  // a stream we no longer care about
    if (cmd == "ws_opened") {
      if (handler->second.on_open) handler->second.on_open(request.value("subprotocol", ""));
    } else if (cmd == "ws_frame") {
      const auto bytes = core::from_hex(request.value("hex", ""));
      if (bytes && handler->second.on_frame) handler->second.on_frame(*bytes);
    } else if (cmd == "ws_closed") {
      auto on_closed = handler->second.on_closed;
      handlers_.erase(handler);
      if (on_closed) on_closed(request.value("detail", ""));
    }
    return ok();  // "timer": advancing the runtime above already ran what was due
  }

  json http_answer(const std::string& cmd, const json& request) {
    const auto pending = http_pending_.find(request.value("request", std::int64_t{0}));
    if (pending == http_pending_.end()) return ok();  // an answer we no longer wait for
    auto done = std::move(pending->second);
    http_pending_.erase(pending);
    if (cmd == "http_failed") {
      done(core::Unexpected<std::string>{request.value("detail", std::string("failed"))});
      return ok();
    }
    transport::HttpResult result;
    result.status = request.value("status", 0U);
    result.body = request.value("body", "");
    for (const auto& header : request.value("headers", json::array())) {
      if (header.is_array() && header.size() == 2 && header[0].is_string() && header[1].is_string()) {
        result.headers.emplace_back(header[0].get<std::string>(), header[1].get<std::string>());
      }
    }
    done(std::move(result));
    return ok();
  }

  json livekit_report(const std::string& cmd, const json& request) {
    const auto it = livekit_handlers_.find(request.value("session", std::int64_t{0}));
    if (it == livekit_handlers_.end()) return ok();  // a session we no longer care about
    livekit::SessionHandler& handler = it->second;
    if (cmd == "lk_joined" && handler.on_joined) {
      std::vector<std::string> participants;
      for (const auto& p : request.value("participants", json::array())) participants.push_back(p.get<std::string>());
      handler.on_joined(request.value("identity", ""), std::move(participants));
    } else if (cmd == "lk_participant_joined" && handler.on_participant_joined) {
      handler.on_participant_joined(request.value("identity", ""));
    } else if (cmd == "lk_participant_left" && handler.on_participant_left) {
      handler.on_participant_left(request.value("identity", ""));
    } else if (cmd == "lk_data" && handler.on_data) {
      const auto bytes = core::from_hex(request.value("hex", ""));
      if (!bytes) return refused("protocol_error", "lk_data hex is not hex");
      handler.on_data(request.value("sender", ""), *bytes, request.value("kind", "") == "lossy" ? livekit::DataKind::lossy : livekit::DataKind::reliable);
    } else if (cmd == "lk_closed") {
      auto on_closed = std::move(handler.on_closed);
      livekit_handlers_.erase(it);
      const auto reason = livekit::disconnect_reason_from_string(request.value("reason", ""));
      if (on_closed) on_closed(reason.value_or(livekit::DisconnectReason::connection_lost), request.value("detail", ""));
    }
    return ok();
  }


  json create(const json& request) {
    transport::TransportContext context{.runtime = &runtime_};
    unix_ms_at_zero_ = request.value("unix_ms", std::int64_t{0});
    auto identity = driver::identity_of(request);
    if (!identity) return refused("denied", identity.error());
    context.identity = std::move(identity).value();
    context.websocket = [this](const std::string& url, const transport::MessageStreamOptions& options,
                               transport::MessageStreamHandler handler) -> std::unique_ptr<transport::MessageStream> {
      const std::int64_t id = next_stream_++;
      handlers_[id] = std::move(handler);
      actions_.push_back({{"do", "ws_open"}, {"stream", id}, {"url", url}, {"subprotocols", options.subprotocols}});
      return std::make_unique<DriverStream>(actions_, id);
    };
    context.http = [this](transport::HttpRequest request, const transport::HttpClientOptions&,
                          std::function<void(core::Result<transport::HttpResult, std::string>)> done) {
      const std::int64_t id = next_http_request_++;
      http_pending_[id] = std::move(done);
      json headers = json::array();
      for (const auto& [name, value] : request.headers) headers.push_back({name, value});
      actions_.push_back({{"do", "http_request"}, {"request", id}, {"method", request.method}, {"url", request.url},
                          {"headers", headers}, {"body", request.body}});
    };
    context.unix_ms_now = [this] { return unix_ms_at_zero_ + core::to_ns(runtime_.now()) / 1'000'000; };
    factory_ = std::make_unique<transport::TransportFactory>(context);  // brings offline
    conformance::HarnessServices services;
    services.livekit = [this](const livekit::JoinRequest& join, livekit::SessionHandler handler) -> std::unique_ptr<livekit::LivekitSession> {
      const std::int64_t id = next_livekit_session_++;
      livekit_handlers_[id] = std::move(handler);
      actions_.push_back({{"do", "lk_join"}, {"session", id}, {"url", join.url}, {"token", join.token}});
      return std::make_unique<DriverLivekitSession>(actions_, id);
    };
    services.unix_seconds_now = [this] { return (unix_ms_at_zero_ + core::to_ns(runtime_.now()) / 1'000'000) / 1000; };
    if (served_) {
      served_->register_types(*factory_, services);
    } else {
      for (const auto& reference : conformance::reference_transports()) reference.register_types(*factory_, services);
    }
    auto created = factory_->create(request.value("uri", ""));
    if (!created) return refused(std::string(transport::to_string(created.error().code)), created.error().message);
    transport_ = std::move(created).value();
    transport_->set_event_handler([this](const transport::TransportEvent& e) { actions_.push_back({{"do", "event"}, {"event", event_json(e)}}); });
    return ok();
  }

  void announce_timer() {
    const auto deadline = runtime_.pending() ? std::optional<core::TimePoint>(runtime_.next_deadline()) : std::nullopt;
    if (deadline == announced_) return;
    announced_ = deadline;
    if (deadline) {
      actions_.push_back({{"do", "set_timer"}, {"at_ms", std::chrono::ceil<std::chrono::milliseconds>(deadline->time_since_epoch()).count()}});
    } else {
      actions_.push_back({{"do", "set_timer"}, {"at_ms", nullptr}});
    }
  }

  std::string protocol_;
  std::optional<conformance::TransportUnderTest> served_;
  core::ManualRuntime runtime_;
  json actions_ = json::array();
  std::map<std::int64_t, transport::MessageStreamHandler> handlers_;
  std::int64_t next_stream_ = 1;
  std::map<std::int64_t, std::function<void(core::Result<transport::HttpResult, std::string>)>> http_pending_;
  std::int64_t next_http_request_ = 1;
  std::map<std::int64_t, livekit::SessionHandler> livekit_handlers_;
  std::int64_t next_livekit_session_ = 1;
  std::int64_t unix_ms_at_zero_ = 0;  // the harness's wall clock at now_ms = 0 (create's unix_ms)
  std::unique_ptr<transport::TransportFactory> factory_;
  transport::TransportPtr transport_;
  std::optional<core::TimePoint> announced_;
};

ExitCode run_driver(const std::string& protocol, const std::string& transport_name) {
  std::optional<conformance::TransportUnderTest> served;
  if (!transport_name.empty()) {
    served = conformance::find_transport(transport_name);
    if (!served) {
      report_error("driver", "unknown transport '" + transport_name + "' (see `dclcomms conformance list`)");
      return ExitCode::bad_input;
    }
  }
  Driver driver(protocol, std::move(served));
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto request = json::parse(line, nullptr, false);
    json answer;
    if (!request.is_object()) {
      answer = {{"id", nullptr}, {"ok", false}, {"error", {{"code", "protocol_error"}, {"message", "not a JSON object"}}}, {"actions", json::array()}};
    } else {
      answer = driver.handle(request);
    }
    std::cout << answer.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
  }
  return ExitCode::ok;
}

}  // namespace

void register_driver_command(CLI::App& app, ExitCode& exit_code) {
  auto* command = app.add_subcommand("driver",
                                     "Serve our reference transports (ws-room, signed-login, livekit, simulator, offline) over the "
                                     "conformance driver protocol (JSON lines on stdin/stdout; see docs/driver-protocol.md)");
  static bool real_time = false;
  command->add_flag("--real-time", real_time,
                    "Real-time mode (virtual_time: false): the transports open their own sockets and report events as they "
                    "happen; livekit is not served (no WebRTC engine)");
  static std::string protocol = "1.1";
  command->add_option("--protocol", protocol,
                      "The highest driver-protocol version to speak: 1.1 (default; several calls in one request) or 1.0 (plays an "
                      "older driver, for testing the harness's fallback)")
      ->check(CLI::IsMember({"1.0", "1.1"}));
  static std::string transport_name;
  command->add_option("--transport", transport_name,
                      "Serve this one transport of the suite (a reference transport or a mutant, see `dclcomms conformance list`) "
                      "instead of all five reference types: its verdicts through the protocol can then be set beside in-process ones")
      ->excludes("--real-time");
  command->callback([&exit_code] { exit_code = real_time ? run_real_time_driver() : run_driver(protocol, transport_name); });
}

}  // namespace dclcomms::cli
