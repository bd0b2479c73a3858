#include "driver_transport.hpp"

#include "dclcomms/core/hex.hpp"

#include <map>
#include <mutex>

namespace dclcomms::conformance {
namespace {

// A driver whose create was refused holds no transport (protocol: it may be sent another create),
// so the next create of the same driver reuses it instead of starting a process: the bad-URI corpus
// alone is hundreds of creates, and a Node driver takes tens of milliseconds to start. One idle
// process per driver command at most.
std::mutex idle_mutex;
std::map<std::string, std::unique_ptr<DriverProcess>>& idle_processes() {
  static std::map<std::string, std::unique_ptr<DriverProcess>> idle;
  return idle;
}

std::unique_ptr<DriverProcess> take_idle_process(const std::string& command) {
  const std::lock_guard lock(idle_mutex);
  const auto it = idle_processes().find(command);
  if (it == idle_processes().end()) return nullptr;
  auto process = std::move(it->second);
  idle_processes().erase(it);
  return process;
}

void keep_idle_process(const std::string& command, std::unique_ptr<DriverProcess> process) {
  const std::lock_guard lock(idle_mutex);
  idle_processes()[command] = std::move(process);  // replaces (and stops) an older idle one
}

}  // namespace

DriverTransport::DriverTransport(std::unique_ptr<DriverProcess> process, std::string type, const transport::TransportContext& context,
                                 const HarnessServices& services, const DriverProtocol& protocol)
    : process_(std::move(process)),
      type_(std::move(type)),
      context_(context),
      origin_(context.runtime->now()),
      services_(services),
      protocol_(protocol),
      events_(*context.runtime, [this](const transport::TransportEvent& e) { emit(e); }) {}

DriverTransport::~DriverTransport() {
  if (timer_) context_.runtime->cancel(*timer_);
  if (poll_timer_) context_.runtime->cancel(*poll_timer_);
  streams_.clear();
  livekit_sessions_.clear();
}

core::Result<transport::TransportPtr, transport::UriError> DriverTransport::create(const std::string& command,
                                                                                   const transport::TransportUri& uri,
                                                                                   const transport::TransportContext& context,
                                                                                   const HarnessServices& services,
                                                                                   const DriverProtocol& protocol) {
  auto process = take_idle_process(command);
  if (!process) process = DriverProcess::start(command);
  if (!process) return core::fail(transport::UriErrorCode::unsupported_type, "cannot start the driver: " + command);
  const auto answer = process->call(driver::to_json(
      driver::Create{uri.type + ":" + uri.params, context.identity, context.unix_ms_now ? context.unix_ms_now() : std::int64_t{0}}));
  if (!answer) return core::fail(transport::UriErrorCode::unsupported_type, "the driver failed on create: " + process->error());
  if (!answer->value("ok", false)) {
    const auto error = (*answer)["error"];
    keep_idle_process(command, std::move(process));
    return core::fail(driver::uri_error_code_from(error.value("code", "")), "driver: " + error.value("message", std::string("refused")));
  }
  // Creating does no I/O (spec §2.3: the factory answers at once; uri.accepts_real_world_forms):
  // a create answer that asks for any is a broken driver, said plainly rather than skipped.
  for (const auto& action : answer->value("actions", nlohmann::json::array())) {
    const auto typed = driver::action_from_json(action);
    if (typed && driver::is_io(*typed)) {
      return core::fail(transport::UriErrorCode::unsupported_type,
                        "driver protocol violation: the create answer asks for I/O ('" + std::string(driver::action_name(*typed)) +
                            "'); a transport opens nothing before connect() (docs/driver-protocol.md, create)");
    }
  }
  auto made = std::unique_ptr<DriverTransport>(new DriverTransport(std::move(process), uri.type, context, services, protocol));
  if (protocol.real_time) made->poll_unsolicited();
  return transport::TransportPtr(std::move(made));
}

std::int64_t DriverTransport::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(context_.runtime->now() - origin_).count();
}

std::optional<nlohmann::json> DriverTransport::call(nlohmann::json request) {
  if (failed_) return std::nullopt;
  request["now_ms"] = now_ms();
  auto answer = process_->call(std::move(request));
  if (!answer) {
    driver_failed(process_->error());
    return std::nullopt;
  }
  const std::weak_ptr<int> alive = alive_;
  for (const auto& action : answer->value("actions", nlohmann::json::array())) {
    if (alive.expired() || failed_) break;
    auto typed = driver::action_from_json(action);
    if (!typed) {
      driver_failed("driver protocol violation: " + typed.error().message);
      break;
    }
    perform(std::move(typed).value());
  }
  return answer;
}

void DriverTransport::perform(driver::Action action) {
  struct Performer {
    DriverTransport& self;
    void operator()(driver::WsOpen& a) const {
      transport::MessageStreamOptions options = self.context_.websocket_options;
      options.subprotocols = std::move(a.subprotocols);
      transport::MessageStreamHandler handler;
      const std::weak_ptr<int> alive = self.alive_;
      DriverTransport* transport = &self;
      const std::int64_t stream = a.stream;
      handler.on_open = [transport, alive, stream](std::string subprotocol) {
        if (!alive.expired()) transport->report(driver::WsOpened{stream, std::move(subprotocol)});
      };
      handler.on_frame = [transport, alive, stream](std::vector<std::uint8_t> frame) {
        if (!alive.expired()) transport->report(driver::WsFrame{stream, std::move(frame)});
      };
      handler.on_closed = [transport, alive, stream](std::string detail) {
        if (!alive.expired()) transport->report(driver::WsClosed{stream, std::move(detail)});
      };
      if (!self.context_.websocket) return self.driver_failed("the driver asked for a websocket and the harness has none");
      self.streams_[stream] = self.context_.websocket(a.url, options, std::move(handler));
    }
    void operator()(driver::WsSend& a) const {
      if (const auto it = self.streams_.find(a.stream); it != self.streams_.end()) it->second->send(std::move(a.frame));
    }
    void operator()(driver::WsClose& a) const {
      if (const auto it = self.streams_.find(a.stream); it != self.streams_.end()) it->second->close(std::move(a.reason));
    }
    void operator()(driver::SetTimer& a) const {
      if (self.timer_) self.context_.runtime->cancel(*self.timer_);
      self.timer_.reset();
      if (!a.at_ms) return;
      DriverTransport* transport = &self;
      self.timer_ = self.context_.runtime->schedule_at(self.origin_ + std::chrono::milliseconds(*a.at_ms), [transport] {
        transport->timer_.reset();
        transport->report(driver::TimerFired{});
      });
    }
    void operator()(driver::HttpRequestAction& a) const { self.perform_http_request(std::move(a)); }
    void operator()(driver::LkJoin& a) const { self.perform_livekit_join(a); }
    void operator()(driver::LkPublish& a) const {
      const auto it = self.livekit_sessions_.find(a.session);
      if (it != self.livekit_sessions_.end()) it->second->publish_data(std::move(a.payload), a.kind, std::move(a.destinations));
    }
    void operator()(driver::LkLeave& a) const {
      if (const auto it = self.livekit_sessions_.find(a.session); it != self.livekit_sessions_.end()) it->second->leave();
    }
    void operator()(driver::EmitEvent& a) const { self.events_.post(std::move(a.event)); }
  };
  std::visit(Performer{*this}, action);
}

// One HTTP exchange on the driver's behalf (signed-login): the harness's HttpFetcher carries it,
// and the answer goes back as http_response or http_failed with the driver's request number.
void DriverTransport::perform_http_request(driver::HttpRequestAction action) {
  if (!context_.http) return driver_failed("the driver asked for an HTTP request and the harness has no HTTP network");
  const std::weak_ptr<int> alive = alive_;
  const std::int64_t request = action.request;
  context_.http(std::move(action.http), context_.http_options,
                [this, alive, request](core::Result<transport::HttpResult, transport::HttpError> result) {
                  if (alive.expired()) return;
                  // The protocol's http_failed carries the detail only (docs/driver-protocol.md): the class stays here.
                  if (!result) return report(driver::HttpFailed{request, result.error().message});
                  report(driver::HttpResponse{request, std::move(result).value()});
                });
}

// One LiveKit participant session on the driver's behalf, through the harness's LiveKit network
// (the simulated SFU): what LiveKit's SDKs report comes back as lk_* requests.
void DriverTransport::perform_livekit_join(const driver::LkJoin& join) {
  if (!services_.livekit) return driver_failed("the driver asked to join a LiveKit room and the harness has no LiveKit network");
  const std::weak_ptr<int> alive = alive_;
  const std::int64_t session = join.session;
  livekit::SessionHandler handler;
  handler.on_joined = [this, alive, session](std::string identity, std::vector<std::string> participants) {
    if (!alive.expired()) report(driver::LkJoined{session, std::move(identity), std::move(participants)});
  };
  handler.on_participant_joined = [this, alive, session](std::string identity) {
    if (!alive.expired()) report(driver::LkParticipantJoined{session, std::move(identity)});
  };
  handler.on_participant_left = [this, alive, session](std::string identity) {
    if (!alive.expired()) report(driver::LkParticipantLeft{session, std::move(identity)});
  };
  handler.on_data = [this, alive, session](std::string sender, std::vector<std::uint8_t> payload, livekit::DataKind kind) {
    if (!alive.expired()) report(driver::LkData{session, std::move(sender), std::move(payload), kind});
  };
  handler.on_closed = [this, alive, session](livekit::DisconnectReason reason, std::string detail) {
    if (!alive.expired()) report(driver::LkClosed{session, reason, std::move(detail)});
  };
  livekit_sessions_[session] = services_.livekit(livekit::JoinRequest{join.url, join.token}, std::move(handler));
}

void DriverTransport::poll_unsolicited() {
  poll_timer_.reset();
  if (failed_) return;
  bool alive = true;
  for (const auto& event : process_->take_unsolicited(alive)) {
    if (auto typed = driver::event_from_json(event)) events_.post(std::move(*typed));
  }
  if (!alive) return driver_failed(process_->error());
  // 2 ms: well under any deadline of a wire case, and cheap (one poll(2) on the pipe).
  poll_timer_ = context_.runtime->schedule_at(context_.runtime->now() + std::chrono::milliseconds(2), [this] { poll_unsolicited(); });
}

void DriverTransport::driver_failed(const std::string& why) {
  if (failed_) return;
  failed_ = true;
  events_.post(transport::ErrorReported{transport::TransportError{transport::TransportErrorCode::io_error, "driver: " + why}});
  events_.post(transport::Disconnected{"driver failed: " + why, false});
}

transport::Status DriverTransport::connect() {
  const auto answer = call(driver::to_json(driver::TransportCallRequest{driver::Connect{}}));
  if (!answer) return core::Ok{};  // reported as events
  return driver::status_from_json(*answer, "connect refused");
}

void DriverTransport::disconnect() { call(driver::to_json(driver::TransportCallRequest{driver::Disconnect{}})); }

namespace {
driver::Send send_call(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  return driver::Send{transport::PacketBytes(packet.begin(), packet.end()), options};
}
}  // namespace

transport::Status DriverTransport::send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) {
  const auto answer = call(driver::to_json(driver::TransportCallRequest{send_call(packet, options)}));
  if (!answer) return core::fail(transport::TransportErrorCode::io_error, "driver: " + process_->error());
  return driver::status_from_json(*answer, "send refused");
}

OneTickResult DriverTransport::call_in_one_tick(std::span<const TransportCall> calls) {
  OneTickResult result;
  if (!protocol_.one_tick_calls) {
    result = call_one_by_one(*this, calls);  // one request each: the driver settles in between
    result.settled_between = true;
    return result;
  }
  std::vector<driver::TransportCallRequest> list;
  for (const auto& c : calls) {
    switch (c.kind) {
      case TransportCall::Kind::connect: list.emplace_back(driver::Connect{}); break;
      case TransportCall::Kind::send: list.emplace_back(send_call(c.packet, c.options)); break;
      case TransportCall::Kind::disconnect: list.emplace_back(driver::Disconnect{}); break;
    }
  }
  const auto answer = call(driver::calls_to_json(list));
  const auto results = answer ? answer->value("results", nlohmann::json()) : nlohmann::json();
  if (answer && (!answer->value("ok", false) || !results.is_array() || results.size() != calls.size())) {
    driver_failed("driver protocol violation: a `calls` request of " + std::to_string(calls.size()) +
                  " calls needs an ok answer with one entry per call in `results` (docs/driver-protocol.md), got " +
                  answer->dump().substr(0, 200));
  }
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (failed_ || !results.is_array() || i >= results.size() || !results[i].is_object()) {
      result.statuses.push_back(core::fail(transport::TransportErrorCode::io_error, "driver: no outcome for this call"));
    } else {
      result.statuses.push_back(driver::status_from_json(results[i], "refused"));
    }
  }
  return result;
}

core::Result<TransportUnderTest, ConformanceError> driver_under_test(const std::string& command) {
  auto process = DriverProcess::start(command);
  if (!process) return core::fail(ConformanceErrorCode::driver_unusable, "cannot start the driver: " + command);
  // Protocol 1.1 (the `calls` request) is offered; a driver that does not answer "1.1" speaks 1.0.
  const auto hello = process->call(driver::to_json(driver::Hello{}));
  if (!hello) return core::fail(ConformanceErrorCode::driver_unusable, "the driver did not answer hello: " + process->error());
  auto answer = driver::hello_answer_from_json(*hello);
  if (!answer) return core::fail(ConformanceErrorCode::driver_unusable, answer.error().message);
  TransportUnderTest tut;
  tut.name = answer->name;
  tut.capabilities = answer->capabilities;
  DriverProtocol protocol;
  protocol.real_time = !tut.capabilities.virtual_time;
  protocol.one_tick_calls = answer->protocol == driver::protocol_1_1;
  const auto types = tut.capabilities.types;
  tut.register_types = [command, types, protocol](transport::TransportFactory& factory, const HarnessServices& services) {
    for (const auto& type : types) {
      factory.register_type(
          type,
          [command, services, protocol](const transport::TransportUri& uri, const transport::TransportContext& context) {
            return DriverTransport::create(command, uri, context, services, protocol);
          },
          transport::UriValidator{});  // the driver's own URI checks are under test
    }
  };
  return tut;
}

}  // namespace dclcomms::conformance
