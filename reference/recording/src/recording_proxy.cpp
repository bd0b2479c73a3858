// RecordingProxy: relays and records (see the header). One close line per connection: whichever
// side ended it first; the other side's close that the proxy then causes is not a recorded event.
#include "dclcomms/recording/recording_proxy.hpp"

#include <utility>

#include "dclcomms/core/assert.hpp"

namespace dclcomms::recording {

RecordingProxy::RecordingProxy(core::Runtime& runtime, transport::MessageStreamConnector connector, RecordingProxyOptions options,
                               Sink sink)
    : runtime_(runtime), connector_(std::move(connector)), options_(std::move(options)), sink_(std::move(sink)), started_(runtime.now()) {
  DCL_ASSERT(connector_ && sink_);
}

RecordingProxy::~RecordingProxy() {
  *alive_ = false;
  connections_.clear();
  closing_.clear();
}

transport::MessageServerCallbacks RecordingProxy::callbacks() {
  transport::MessageServerCallbacks callbacks;
  callbacks.accept_upgrade = [](const std::string&) { return true; };
  callbacks.on_open = [this](transport::ServerConnectionId id, const std::string& target) { on_client_open(id, target); };
  callbacks.on_frame = [this](transport::ServerConnectionId id, std::vector<std::uint8_t> frame) { on_client_frame(id, std::move(frame)); };
  callbacks.on_closed = [this](transport::ServerConnectionId id, const std::string& detail) { on_client_closed(id, detail); };
  callbacks.on_http_request = [](const transport::HttpServerRequest&) {
    return transport::HttpResponse{502, "application/json", R"({"error":"the recording proxy carries websocket sessions only"})", {}};
  };
  return callbacks;
}

std::int64_t RecordingProxy::elapsed_ns() const { return core::to_ns(runtime_.now()) - core::to_ns(started_); }

void RecordingProxy::emit(RecordedEvent event) {
  event.time_ns = elapsed_ns();
  sink_(event);
}

void RecordingProxy::on_client_open(transport::ServerConnectionId id, const std::string& target) {
  numbers_[id] = ++connections_total_;
  Connection& connection = connections_[id];
  connection.dialled = runtime_.now();
  connection.target = target;
  std::string url = options_.upstream;
  if (!url.empty() && url.back() == '/' && !target.empty() && target.front() == '/') url.pop_back();
  url += target;
  const std::weak_ptr<bool> alive = alive_;
  transport::MessageStreamHandler handler;
  handler.on_open = [this, alive, id](std::string subprotocol) {
    if (!alive.expired() && *alive.lock()) on_upstream_open(id, subprotocol);
  };
  handler.on_frame = [this, alive, id](std::vector<std::uint8_t> frame) {
    if (!alive.expired() && *alive.lock()) on_upstream_frame(id, std::move(frame));
  };
  handler.on_closed = [this, alive, id](std::string detail) {
    if (!alive.expired() && *alive.lock()) on_upstream_closed(id, detail);
  };
  connection.upstream = connector_(url, options_.upstream_options, std::move(handler));
}

void RecordingProxy::on_upstream_open(transport::ServerConnectionId id, const std::string& subprotocol) {
  const auto found = connections_.find(id);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  connection.upstream_open = true;
  record_open(id, connection, subprotocol);
  while (!connection.pending.empty()) {
    std::vector<std::uint8_t> frame = std::move(connection.pending.front());
    connection.pending.pop_front();
    connection.pending_bytes -= frame.size();
    forward_up(id, connection, std::move(frame));
  }
}

void RecordingProxy::record_frame(transport::ServerConnectionId id, Direction direction, const std::vector<std::uint8_t>& frame) {
  RecordedEvent event;
  event.connection = numbers_.at(id);
  event.kind = RecordedKind::frame;
  event.direction = direction;
  event.frame = frame;
  emit(std::move(event));
}

void RecordingProxy::record_open(transport::ServerConnectionId id, const Connection& connection, const std::string& subprotocol) {
  RecordedEvent open;
  open.connection = numbers_.at(id);
  open.kind = RecordedKind::open;
  open.target = connection.target;
  open.subprotocol = subprotocol;
  open.upstream_open_ns = core::to_ns(runtime_.now()) - core::to_ns(connection.dialled);
  emit(std::move(open));
}

void RecordingProxy::record_close(transport::ServerConnectionId id, Direction direction, const std::string& reason) {
  RecordedEvent close;
  close.connection = numbers_.at(id);
  close.kind = RecordedKind::close;
  close.direction = direction;
  close.reason = reason;
  emit(std::move(close));
}

void RecordingProxy::forward_up(transport::ServerConnectionId id, Connection& connection, std::vector<std::uint8_t> frame) {
  record_frame(id, Direction::client_to_server, frame);
  connection.upstream->send(std::move(frame));
}

void RecordingProxy::on_client_frame(transport::ServerConnectionId id, std::vector<std::uint8_t> frame) {
  const auto found = connections_.find(id);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  if (connection.upstream_open) {
    forward_up(id, connection, std::move(frame));
    return;
  }
  connection.pending_bytes += frame.size();
  connection.pending.push_back(std::move(frame));
  if (connection.pending_bytes > options_.pending_bytes_max && server_) {
    server_->close(id, "the client sent more than " + std::to_string(options_.pending_bytes_max) +
                           " bytes before the upstream server answered its upgrade");
  }
}

void RecordingProxy::on_upstream_frame(transport::ServerConnectionId id, std::vector<std::uint8_t> frame) {
  if (!connections_.contains(id)) return;
  record_frame(id, Direction::server_to_client, frame);
  if (server_) server_->send(id, std::move(frame));
}

void RecordingProxy::on_upstream_closed(transport::ServerConnectionId id, const std::string& detail) {
  if (const auto closing = closing_.find(id); closing != closing_.end()) {
    // The close the proxy asked for, after the client's: destroyed once this callback returns.
    std::shared_ptr<transport::MessageStream> upstream = std::move(closing->second);
    closing_.erase(closing);
    runtime_.post([upstream] {});
    return;
  }
  const auto found = connections_.find(id);
  if (found == connections_.end()) return;
  if (!found->second.upstream_open) {
    // The upgrade never happened: the connection still gets its open line (so the close has one
    // to belong to), with no subprotocol.
    record_open(id, found->second, "");
  }
  const std::string reason = found->second.upstream_open ? detail : "upstream: " + detail;
  record_close(id, Direction::server_to_client, reason);
  // Erased before the client is closed, so that the client's on_closed, which follows, records
  // nothing; the stream is destroyed after this callback of its own returns.
  std::shared_ptr<transport::MessageStream> upstream = std::move(found->second.upstream);
  connections_.erase(found);
  if (server_) server_->close(id, reason);
  runtime_.post([upstream] {});
}

void RecordingProxy::on_client_closed(transport::ServerConnectionId id, const std::string& detail) {
  const auto found = connections_.find(id);
  if (found == connections_.end()) {
    numbers_.erase(id);
    return;
  }
  if (found->second.upstream_open) record_close(id, Direction::client_to_server, detail);
  // A client gone before the upstream answered leaves no lines: nothing was exchanged. The upstream
  // is kept until its own close completes (bounded by its handshake and idle timeouts).
  found->second.upstream->close(detail);
  closing_[id] = std::move(found->second.upstream);
  connections_.erase(found);
  numbers_.erase(id);
}

}  // namespace dclcomms::recording
