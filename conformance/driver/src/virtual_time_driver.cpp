#include "dclcomms/driver/virtual_time_driver.hpp"

#include <algorithm>
#include <chrono>

#include "dclcomms/conformance/registry.hpp"

namespace dclcomms::driver {
namespace {

// A websocket the harness carries: sends become actions, the harness's reports become callbacks.
class HarnessStream final : public transport::MessageStream {
 public:
  HarnessStream(std::function<void(Action)> act, std::int64_t id) : act_(std::move(act)), id_(id) {}
  void send(std::vector<std::uint8_t> frame) override { act_(WsSend{id_, std::move(frame)}); }
  void close(std::string reason) override { act_(WsClose{id_, std::move(reason)}); }
  std::size_t backlog_bytes() const override { return 0; }

 private:
  std::function<void(Action)> act_;
  std::int64_t id_;
};

// A LiveKit participant session the harness carries (lk_* actions out, lk_* reports back).
class HarnessLivekitSession final : public livekit::LivekitSession {
 public:
  HarnessLivekitSession(std::function<void(Action)> act, std::int64_t id) : act_(std::move(act)), id_(id) {}
  void publish_data(std::vector<std::uint8_t> payload, livekit::DataKind kind, std::vector<std::string> destinations) override {
    act_(LkPublish{id_, std::move(payload), kind, std::move(destinations)});
  }
  void leave() override { act_(LkLeave{id_}); }

 private:
  std::function<void(Action)> act_;
  std::int64_t id_;
};

}  // namespace

conformance::Capabilities all_reference_capabilities() {
  conformance::Capabilities all;
  all.types.clear();
  all.unreliable = all.targeted_sends = false;
  all.virtual_time = all.peer_joined_events = all.typed_send_refusals = true;
  all.payload_bytes_max = 0;
  for (const auto& reference : conformance::reference_transports()) {
    const auto& c = reference.capabilities;
    all.types.insert(c.types.begin(), c.types.end());
    all.unreliable |= c.unreliable;
    all.targeted_sends |= c.targeted_sends;
    all.virtual_time &= c.virtual_time;
    all.peer_joined_events &= c.peer_joined_events;
    all.typed_send_refusals &= c.typed_send_refusals;
    if (c.payload_bytes_max) all.payload_bytes_max = std::max(*all.payload_bytes_max, *c.payload_bytes_max);
  }
  return all;
}

VirtualTimeDriver::VirtualTimeDriver(std::string protocol, std::optional<conformance::TransportUnderTest> served)
    : protocol_(std::move(protocol)), served_(std::move(served)) {}

VirtualTimeDriver::~VirtualTimeDriver() = default;

std::string VirtualTimeDriver::handle_line(std::string_view line) {
  const auto request = Json::parse(line, nullptr, false);
  const Json answer = request.is_object() ? handle(request) : not_an_object_answer();
  return answer.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json VirtualTimeDriver::handle(const Json& request) {
  actions_ = Json::array();
  const Json now_field = request.value("now_ms", Json(0));
  const std::int64_t now_ms = now_field.is_number_integer() ? now_field.get<std::int64_t>() : 0;
  const auto now = core::TimePoint{} + std::chrono::milliseconds(now_ms);
  if (now > runtime_.now()) runtime_.advance(now - runtime_.now());
  Json answer = dispatch(request);
  runtime_.run_ready();
  announce_timer();
  answer["id"] = request.value("id", Json(0));
  answer["actions"] = actions_;
  return answer;
}

Json VirtualTimeDriver::dispatch(const Json& request) {
  const Json cmd_field = request.value("cmd", Json(""));
  const std::string cmd = cmd_field.is_string() ? cmd_field.get<std::string>() : "";
  if (cmd == "hello") {
    HelloAnswer answer{"dclcomms-driver", all_reference_capabilities(), protocol_1_0};
    if (served_) answer = HelloAnswer{"dclcomms-driver:" + served_->name, served_->capabilities, protocol_1_0};
    // 1.1 (several calls in one `calls` request) when both sides speak it.
    if (protocol_ == protocol_1_1 && request.value("protocol", Json(protocol_1_0)) == protocol_1_1) answer.protocol = protocol_1_1;
    return to_json(answer);
  }
  if (cmd == "create") return create(request);
  if (!transport_) return refused("not_connected", "create first");
  if (auto answer = serve_transport_call(*transport_, request)) return *answer;
  if (auto report = report_from_json(request)) {
    if (!*report) return refused("protocol_error", report->error().message);
    return handle_report(**report);
  }
  return refused("protocol_error", "unknown command '" + cmd.substr(0, 40) + "'");
}

Json VirtualTimeDriver::handle_report(const Report& report) {
  struct Handler {
    VirtualTimeDriver& self;
    void operator()(const TimerFired&) const {}  // advancing the runtime in handle() ran what was due
    void operator()(const WsOpened& r) const {
      const auto it = self.streams_.find(r.stream);
      if (it != self.streams_.end() && it->second.on_open) it->second.on_open(r.subprotocol);
    }
    void operator()(const WsFrame& r) const {
      const auto it = self.streams_.find(r.stream);
      if (it != self.streams_.end() && it->second.on_frame) it->second.on_frame(r.frame);
    }
    void operator()(const WsClosed& r) const {
      const auto it = self.streams_.find(r.stream);
      if (it == self.streams_.end()) return;  // a stream we no longer care about
      auto on_closed = std::move(it->second.on_closed);
      self.streams_.erase(it);
      if (on_closed) on_closed(r.detail);
    }
    void operator()(const HttpResponse& r) const { answer(r.request, r.result); }
    // http_failed says only what went wrong, not which class of failure it was.
    void operator()(const HttpFailed& r) const { answer(r.request, core::fail(transport::HttpErrorCode::unclassified, r.detail)); }
    void answer(std::int64_t request, core::Result<transport::HttpResult, transport::HttpError> result) const {
      const auto pending = self.http_pending_.find(request);
      if (pending == self.http_pending_.end()) return;  // an answer we no longer wait for
      auto done = std::move(pending->second);
      self.http_pending_.erase(pending);
      done(std::move(result));
    }
    livekit::SessionHandler* session(std::int64_t id) const {
      const auto it = self.livekit_sessions_.find(id);
      return it == self.livekit_sessions_.end() ? nullptr : &it->second;  // null: a session we left
    }
    void operator()(const LkJoined& r) const {
      if (auto* s = session(r.session); s && s->on_joined) s->on_joined(r.identity, r.participants);
    }
    void operator()(const LkParticipantJoined& r) const {
      if (auto* s = session(r.session); s && s->on_participant_joined) s->on_participant_joined(r.identity);
    }
    void operator()(const LkParticipantLeft& r) const {
      if (auto* s = session(r.session); s && s->on_participant_left) s->on_participant_left(r.identity);
    }
    void operator()(const LkData& r) const {
      if (auto* s = session(r.session); s && s->on_data) s->on_data(r.sender, r.payload, r.kind);
    }
    void operator()(const LkClosed& r) const {
      auto* s = session(r.session);
      if (!s) return;
      auto on_closed = std::move(s->on_closed);
      self.livekit_sessions_.erase(r.session);
      if (on_closed) on_closed(r.reason, r.detail);
    }
  };
  std::visit(Handler{*this}, report);
  return ok();
}

Json VirtualTimeDriver::create(const Json& request) {
  const Json unix_ms = request.value("unix_ms", Json(0));
  unix_ms_at_zero_ = unix_ms.is_number_integer() ? unix_ms.get<std::int64_t>() : 0;
  auto identity = identity_from_json(request);
  if (!identity) return refused("denied", identity.error().message);
  const auto act = [this](Action action) { this->act(std::move(action)); };

  transport::TransportContext context{.runtime = &runtime_};
  context.identity = std::move(identity).value();
  context.websocket = [this, act](const std::string& url, const transport::MessageStreamOptions& options,
                                  transport::MessageStreamHandler handler) -> std::unique_ptr<transport::MessageStream> {
    const std::int64_t id = next_stream_++;
    streams_[id] = std::move(handler);
    act(WsOpen{id, url, options.subprotocols});
    return std::make_unique<HarnessStream>(act, id);
  };
  context.http = [this, act](transport::HttpRequest http, const transport::HttpClientOptions&,
                             std::function<void(core::Result<transport::HttpResult, transport::HttpError>)> done) {
    const std::int64_t id = next_http_request_++;
    http_pending_[id] = std::move(done);
    act(HttpRequestAction{id, std::move(http)});
  };
  context.unix_ms_now = [this] { return unix_ms_at_zero_ + core::to_ns(runtime_.now()) / 1'000'000; };
  factory_ = std::make_unique<transport::TransportFactory>(context);

  conformance::HarnessServices services;
  services.livekit = [this, act](const livekit::JoinRequest& join,
                                 livekit::SessionHandler handler) -> std::unique_ptr<livekit::LivekitSession> {
    const std::int64_t id = next_livekit_session_++;
    livekit_sessions_[id] = std::move(handler);
    act(LkJoin{id, join.url, join.token});
    return std::make_unique<HarnessLivekitSession>(act, id);
  };
  services.unix_seconds_now = [this] { return (unix_ms_at_zero_ + core::to_ns(runtime_.now()) / 1'000'000) / 1000; };
  if (served_) {
    served_->register_types(*factory_, services);
  } else {
    conformance::register_reference_types(*factory_, services);
  }

  const Json uri = request.value("uri", Json(""));
  auto created = factory_->create(uri.is_string() ? uri.get<std::string>() : "");
  if (!created) return refused(transport::to_string(created.error().code), created.error().message);
  transport_ = std::move(created).value();
  transport_->set_event_handler([this](const transport::TransportEvent& e) { this->act(EmitEvent{e}); });
  return ok();
}

void VirtualTimeDriver::announce_timer() {
  const auto deadline = runtime_.pending() ? std::optional<core::TimePoint>(runtime_.next_deadline()) : std::nullopt;
  if (deadline == announced_) return;
  announced_ = deadline;
  SetTimer timer;
  if (deadline) timer.at_ms = std::chrono::ceil<std::chrono::milliseconds>(deadline->time_since_epoch()).count();
  act(timer);
}

}  // namespace dclcomms::driver
