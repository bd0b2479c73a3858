// The only translation unit that instantiates Beast's websocket *server* and HTTP server parts.
#include "dclcomms/carriers/websocket_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "dclcomms/core/ascii.hpp"
#include "detail/asio_context.hpp"

namespace dclcomms::carriers {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

constexpr std::size_t http_request_bytes_max = 16 * 1024;
constexpr std::size_t backlog_report_step_bytes = 16 * 1024;
constexpr std::size_t buffer_capacity_kept_bytes_max = 64 * 1024;  // per output buffer, between bursts

struct ServerState;

// What the registry needs from a websocket session, whatever its stream type.
class WsSessionBase {
 public:
  virtual ~WsSessionBase() = default;
  virtual void send(const std::uint8_t* frame, std::size_t size) = 0;
  virtual void close(const std::string& reason) = 0;
};

// The websocket's next layer: every byte for the socket goes through one output buffer per
// connection, written by one socket write at a time. Beast's own writes (the upgrade response,
// pongs, close frames) are copied in and complete at once; the session appends its data frames,
// framed here, the same way (server frames are unmasked: a 2-10 byte header and the payload). The
// flush starts after the handlers that are ready now have run, and a write in flight collects the
// next ones: under load a member's relays leave in one write per event-loop turn instead of one
// write (and one Beast write operation) per frame, and a relay's payload is copied into each
// receiver's buffer instead of allocated per receiver.
template <class Inner>
class BufferedWriteStream {
 public:
  using executor_type = typename Inner::executor_type;
  using handler_signature = void(beast::error_code, std::size_t);

  explicit BufferedWriteStream(Inner&& inner) : inner_(std::move(inner)) {}

  executor_type get_executor() noexcept { return inner_.get_executor(); }
  Inner& next_layer() noexcept { return inner_; }
  const Inner& next_layer() const noexcept { return inner_; }

  template <class MutableBufferSequence, class ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler)
      -> decltype(std::declval<Inner&>().async_read_some(buffers, std::forward<ReadHandler>(handler))) {
    return inner_.async_read_some(buffers, std::forward<ReadHandler>(handler));
  }

  template <class ConstBufferSequence, class WriteHandler>
  typename net::async_result<std::decay_t<WriteHandler>, handler_signature>::return_type async_write_some(
      const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return net::async_initiate<WriteHandler, handler_signature>(
        [this](auto&& completion, const ConstBufferSequence& bytes) {
          std::size_t size = 0;
          for (const auto buffer : beast::buffers_range_ref(bytes)) {
            const auto* data = static_cast<const std::uint8_t*>(buffer.data());
            if (size == 0 && buffer.size() > 0 && data[0] == 0x88) close_frame_queued_ = true;  // FIN + close opcode
            append(data, buffer.size());
            size += buffer.size();
          }
          schedule_flush();
          net::post(inner_.get_executor(), beast::bind_front_handler(std::move(completion), beast::error_code{}, size));
        },
        handler, buffers);
  }

  /// Keeps the session alive while a flush is pending; `on_written` runs after each socket write.
  /// `coalesce` > 0: a flush waits that long after the first byte queued (one timer per flush).
  void attach(std::weak_ptr<void> owner, std::function<void(beast::error_code)> on_written, core::Duration coalesce) {
    owner_ = std::move(owner);
    on_written_ = std::move(on_written);
    coalesce_ = coalesce;
  }

  /// Queues one binary data frame. False once a close frame is queued (nothing may follow it).
  bool append_frame(const std::uint8_t* payload, std::size_t size) {
    if (close_frame_queued_ || failed_) return false;
    std::uint8_t header[10];
    std::size_t header_size = 2;
    header[0] = 0x82;  // FIN + binary
    if (size < 126) {
      header[1] = static_cast<std::uint8_t>(size);
    } else if (size <= 0xffff) {
      header[1] = 126;
      header[2] = static_cast<std::uint8_t>(size >> 8);
      header[3] = static_cast<std::uint8_t>(size);
      header_size = 4;
    } else {
      header[1] = 127;
      for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(size) >> (56 - 8 * i));
      header_size = 10;
    }
    append(header, header_size);
    append(payload, size);
    schedule_flush();
    return true;
  }

  /// Bytes queued and not yet written to the socket.
  std::size_t buffered_bytes() const { return pending_.size() + in_flight_.size(); }

  /// Runs `then` once everything queued so far is written (or the socket failed: nothing more will be).
  void when_flushed(std::function<void()> then) {
    if (failed_ || (!writing_ && pending_.empty())) return then();
    flushed_waiters_.push_back(std::move(then));
  }

 private:
  void append(const std::uint8_t* data, std::size_t size) {
    if (!failed_) pending_.insert(pending_.end(), data, data + size);  // after a failed write the bytes have nowhere to go
  }

  void schedule_flush() {
    if (flush_scheduled_ || writing_ || failed_) return;
    auto owner = owner_.lock();
    if (!owner) return;
    flush_scheduled_ = true;
    if (coalesce_ > core::Duration::zero()) {
      if (!flush_timer_) flush_timer_.emplace(inner_.get_executor());
      flush_timer_->expires_after(std::chrono::nanoseconds(coalesce_.count()));
      flush_timer_->async_wait([this, owner = std::move(owner)](beast::error_code) {
        flush_scheduled_ = false;
        start_write();
      });
      return;
    }
    net::post(inner_.get_executor(), [this, owner = std::move(owner)] {
      flush_scheduled_ = false;
      start_write();
    });
  }

  void start_write() {
    if (writing_ || pending_.empty() || failed_) return;
    auto owner = owner_.lock();
    if (!owner) return;
    writing_ = true;
    std::swap(in_flight_, pending_);  // both keep their capacity: no allocation in the steady state
    net::async_write(inner_, net::buffer(in_flight_), [this, owner = std::move(owner)](beast::error_code ec, std::size_t) {
      writing_ = false;
      in_flight_.clear();
      // After a burst the two buffers would keep its size for the connection's life: give it back.
      if (in_flight_.capacity() > buffer_capacity_kept_bytes_max) std::vector<std::uint8_t>().swap(in_flight_);
      if (ec) {
        failed_ = true;
        pending_.clear();
      } else {
        start_write();
      }
      if (!writing_) {
        auto waiters = std::move(flushed_waiters_);
        flushed_waiters_.clear();
        for (auto& waiter : waiters) waiter();
      }
      if (on_written_) on_written_(ec);
    });
  }

  Inner inner_;
  std::vector<std::uint8_t> pending_;
  std::vector<std::uint8_t> in_flight_;
  std::weak_ptr<void> owner_;
  std::function<void(beast::error_code)> on_written_;
  std::vector<std::function<void()>> flushed_waiters_;
  core::Duration coalesce_ = core::Duration::zero();
  std::optional<net::steady_timer> flush_timer_;
  bool flush_scheduled_ = false;
  bool writing_ = false;
  bool failed_ = false;
  bool close_frame_queued_ = false;
};

// The websocket close handshake ends with a teardown of the next layer: it waits for the buffered
// bytes (the close frame among them) to be written first.
template <class Inner, class TeardownHandler>
void async_teardown(beast::role_type role, BufferedWriteStream<Inner>& stream, TeardownHandler&& handler) {
  auto shared = std::make_shared<std::decay_t<TeardownHandler>>(std::forward<TeardownHandler>(handler));
  stream.when_flushed([role, &stream, shared] {
    using beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(*shared));
  });
}

template <class Inner>
void teardown(beast::role_type role, BufferedWriteStream<Inner>& stream, beast::error_code& ec) {
  using beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

struct ServerState {
  WebSocketServerOptions options;
  WebSocketServerCallbacks callbacks;
  ServerConnectionId last_id = 0;
  std::unordered_map<ServerConnectionId, std::weak_ptr<WsSessionBase>> sessions;
  std::size_t open_sockets = 0;  // HTTP and websocket, for connections_max
  bool stopped = false;
};

std::string pick_subprotocol(const std::vector<std::string>& ours, std::string_view offered) {
  // "rfc5, rfc4": the client's order wins among the ones we support.
  std::size_t start = 0;
  while (start < offered.size()) {
    std::size_t end = offered.find(',', start);
    if (end == std::string_view::npos) end = offered.size();
    std::string_view item = offered.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    for (const auto& candidate : ours) {
      if (candidate == item) return candidate;
    }
    start = end + 1;
  }
  return {};
}

template <class Stream>
class WsSession final : public WsSessionBase, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(std::shared_ptr<ServerState> state, ServerConnectionId id, Stream stream)
      : state_(std::move(state)), id_(id), ws_(std::move(stream)) {}

  void accept(http::request<http::string_body> request, transport::HttpServerRequest upgrade) {
    ws_.next_layer().attach(
        this->weak_from_this(),
        [this](beast::error_code ec) {
          if (ec) return finish("write failed: " + ec.message(), true);
          if (open_) report_backlog();
        },
        state_->options.write_coalesce);
    const std::string target(request.target());
    const std::string chosen = pick_subprotocol(state_->options.subprotocols, request[http::field::sec_websocket_protocol]);
    websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = std::chrono::nanoseconds(state_->options.handshake_timeout.count());
    timeouts.idle_timeout = std::chrono::nanoseconds(state_->options.idle_timeout.count());
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([chosen](websocket::response_type& response) {
      response.set(http::field::server, "dclcomms");
      if (!chosen.empty()) response.set(http::field::sec_websocket_protocol, chosen);
    }));
    ws_.binary(true);
    ws_.read_message_max(state_->options.read_message_bytes_max);
    ws_.async_accept(request, [self = this->shared_from_this(), target, upgrade = std::move(upgrade)](beast::error_code ec) {
      if (ec) return self->finish("websocket accept failed: " + ec.message(), false);
      self->open_ = true;
      self->state_->sessions[self->id_] = self;
      if (self->state_->callbacks.on_open_request) {
        self->state_->callbacks.on_open_request(self->id_, upgrade);
      } else if (self->state_->callbacks.on_open) {
        self->state_->callbacks.on_open(self->id_, target);
      }
      self->read_next();
    });
  }

  void send(const std::uint8_t* frame, std::size_t size) override {
    if (!open_ || closing_) return;
    if (!ws_.next_layer().append_frame(frame, size)) return;
    if (ws_.next_layer().buffered_bytes() > state_->options.write_backlog_bytes_max) {
      return close("write backlog over " + std::to_string(state_->options.write_backlog_bytes_max) + " bytes");
    }
    // A growing backlog is reported in steps: the server's view lags by less than one step (its
    // limits are 256 KiB and 8 MiB), and a relay costs no report per receiver. Every write's
    // completion reports the backlog exactly.
    if (ws_.next_layer().buffered_bytes() >= reported_backlog_bytes_ + backlog_report_step_bytes) report_backlog();
  }

  void close(const std::string& reason) override {
    if (!open_ || closing_) return;
    closing_ = true;
    ws_.async_close(websocket::close_reason(websocket::close_code::normal, reason.substr(0, 120)),
                    [self = this->shared_from_this(), reason](beast::error_code) {
                      self->finish("closed by the server: " + reason, true);
                    });
  }

 private:
  void read_next() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        return self->finish(ec == websocket::error::closed ? "closed by the client" : "connection lost: " + ec.message(), true);
      }
      const auto data = self->buffer_.data();
      std::vector<std::uint8_t> frame(static_cast<const std::uint8_t*>(data.data()),
                                      static_cast<const std::uint8_t*>(data.data()) + data.size());
      self->buffer_.consume(self->buffer_.size());
      if (self->state_->callbacks.on_frame && !self->finished_) self->state_->callbacks.on_frame(self->id_, std::move(frame));
      if (!self->finished_) self->read_next();
    });
  }

  void report_backlog() {
    reported_backlog_bytes_ = ws_.next_layer().buffered_bytes();
    if (state_->callbacks.on_backlog) state_->callbacks.on_backlog(id_, reported_backlog_bytes_);
  }

  void finish(const std::string& detail, bool was_announced) {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    --state_->open_sockets;
    state_->sessions.erase(id_);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    if (was_announced && state_->callbacks.on_closed) state_->callbacks.on_closed(id_, detail);
  }

  std::shared_ptr<ServerState> state_;
  ServerConnectionId id_;
  websocket::stream<BufferedWriteStream<Stream>> ws_;
  beast::flat_buffer buffer_;
  std::size_t reported_backlog_bytes_ = 0;
  bool open_ = false;
  bool closing_ = false;
  bool finished_ = false;
};

// Reads one HTTP request; upgrades it or answers it.
template <class Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(std::shared_ptr<ServerState> state, Stream stream) : state_(std::move(state)), stream_(std::move(stream)) {}

  void start() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::nanoseconds(state_->options.handshake_timeout.count()));
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      stream_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->done();
        self->read_request();
      });
    } else {
      read_request();
    }
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(http_request_bytes_max);
    parser_->body_limit(http_request_bytes_max);
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->done();
      self->on_request(self->parser_->release());
    });
  }

  static transport::HttpServerRequest as_server_request(const http::request<http::string_body>& request) {
    transport::HttpServerRequest plain;
    plain.method = std::string(request.method_string());
    plain.target = std::string(request.target());
    for (const auto& field : request) plain.headers.emplace_back(core::to_lower_ascii(field.name_string()), std::string(field.value()));
    plain.body = request.body();
    return plain;
  }

  void on_request(http::request<http::string_body> request) {
    const std::string target(request.target());
    if (websocket::is_upgrade(request)) {
      transport::HttpServerRequest upgrade = as_server_request(request);
      std::optional<HttpResponse> refusal;
      if (state_->callbacks.screen_upgrade) {
        refusal = state_->callbacks.screen_upgrade(upgrade);
      } else if (!state_->callbacks.accept_upgrade || !state_->callbacks.accept_upgrade(target)) {
        refusal = HttpResponse{404, "application/json", R"({"error":"no websocket endpoint here"})", {}};
      }
      if (!refusal && !state_->stopped) {
        beast::get_lowest_layer(stream_).expires_never();
        const ServerConnectionId id = ++state_->last_id;
        auto session = std::make_shared<WsSession<Stream>>(state_, id, std::move(stream_));
        handed_over_ = true;
        session->accept(std::move(request), std::move(upgrade));
        return;
      }
      return respond(request, refusal ? std::move(*refusal) : HttpResponse{503, "application/json", R"({"error":"stopping"})", {}});
    }
    if (state_->callbacks.on_http_request) return respond(request, state_->callbacks.on_http_request(as_server_request(request)));
    if (request.method() != http::verb::get) {
      return respond(request, HttpResponse{405, "application/json", R"({"error":"only GET and websocket upgrades"})", {}});
    }
    HttpResponse response;
    if (state_->callbacks.on_http_get) response = state_->callbacks.on_http_get(target);
    respond(request, std::move(response));
  }

  void respond(const http::request<http::string_body>& request, HttpResponse answer) {
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), request.version());
    response->set(http::field::server, "dclcomms");
    response->set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) response->set(name, value);
    response->keep_alive(false);
    response->body() = std::move(answer.body);
    response->prepare_payload();
    http::async_write(stream_, *response, [self = this->shared_from_this(), response](beast::error_code, std::size_t) { self->done(); });
  }

  void done() {
    if (handed_over_) return;
    handed_over_ = true;
    --state_->open_sockets;
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }

  std::shared_ptr<ServerState> state_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool handed_over_ = false;
};

class BeastServer final : public WebSocketServer {
 public:
  BeastServer(AsioRuntime& runtime, std::shared_ptr<ServerState> state, std::shared_ptr<ssl::context> tls)
      : io_(runtime.context().io), state_(std::move(state)), tls_(std::move(tls)), acceptor_(io_) {}

  core::Result<core::Ok, ListenError> open() {
    beast::error_code ec;
    const auto address = net::ip::make_address(state_->options.host, ec);
    if (ec) return core::fail(ListenErrorCode::bad_address, "bad listen address '" + state_->options.host + "': " + ec.message());
    const tcp::endpoint endpoint(address, state_->options.port);
    const std::string where = state_->options.host + ":" + std::to_string(state_->options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return core::fail(ListenErrorCode::bind_failed, "cannot listen on " + where + ": " + ec.message());
    accept_next();
    return core::Ok{};
  }

  std::uint16_t port() const override { return acceptor_.local_endpoint().port(); }

  void send(ServerConnectionId connection, std::vector<std::uint8_t> frame) override {
    if (auto session = find(connection)) session->send(frame.data(), frame.size());
  }
  void send_shared(ServerConnectionId connection, const transport::SharedFrameBytes& frame) override {
    if (auto session = find(connection)) session->send(frame->data(), frame->size());
  }
  void close(ServerConnectionId connection, const std::string& reason) override {
    if (auto session = find(connection)) session->close(reason);
  }
  void stop() override {
    if (state_->stopped) return;
    state_->stopped = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    std::vector<std::shared_ptr<WsSessionBase>> open;
    for (auto& [id, weak] : state_->sessions) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
    for (auto& session : open) session->close("server shutting down");
  }
  std::size_t connection_count() const override { return state_->sessions.size(); }
  ~BeastServer() override { stop(); }

 private:
  std::shared_ptr<WsSessionBase> find(ServerConnectionId id) {
    const auto it = state_->sessions.find(id);
    return it == state_->sessions.end() ? nullptr : it->second.lock();
  }

  void accept_next() {
    acceptor_.async_accept([this, state = state_](beast::error_code ec, tcp::socket socket) {
      if (state->stopped) return;  // `this` may be gone; the state is kept alive by the capture
      if (!ec) on_accept(std::move(socket));
      accept_next();
    });
  }

  void on_accept(tcp::socket socket) {
    if (state_->open_sockets >= state_->options.connections_max) {
      beast::error_code ignored;
      socket.close(ignored);  // over the limit: refuse before reading anything
      return;
    }
    ++state_->open_sockets;
    // Relays are many small frames: without TCP_NODELAY, Nagle + delayed ACKs add ~40 ms stalls.
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls_) {
      std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
          state_, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls_))
          ->start();
    } else {
      std::make_shared<HttpSession<beast::tcp_stream>>(state_, beast::tcp_stream(std::move(socket)))->start();
    }
  }

  net::io_context& io_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<ssl::context> tls_;
  tcp::acceptor acceptor_;
};

}  // namespace

core::Result<std::unique_ptr<WebSocketServer>, ListenError> WebSocketServer::listen(AsioRuntime& runtime, WebSocketServerOptions options,
                                                                                    WebSocketServerCallbacks callbacks) {
  std::shared_ptr<ssl::context> tls;
  if (!options.tls_certificate_pem.empty() || !options.tls_private_key_pem.empty()) {
    tls = std::make_shared<ssl::context>(ssl::context::tls_server);
    boost::system::error_code ec;
    tls->use_certificate_chain(net::buffer(options.tls_certificate_pem), ec);
    if (ec) return core::fail(ListenErrorCode::bad_tls_certificate, "bad TLS certificate: " + ec.message());
    tls->use_private_key(net::buffer(options.tls_private_key_pem), ssl::context::pem, ec);
    if (ec) return core::fail(ListenErrorCode::bad_tls_key, "bad TLS private key: " + ec.message());
  }
  auto state = std::make_shared<ServerState>();
  state->options = std::move(options);
  state->callbacks = std::move(callbacks);
  auto server = std::make_unique<BeastServer>(runtime, std::move(state), std::move(tls));
  if (auto opened = server->open(); !opened) return core::Unexpected<ListenError>{opened.error()};
  return std::unique_ptr<WebSocketServer>(std::move(server));
}

transport::MessageServerStarter websocket_server_starter(AsioRuntime& runtime, WebSocketServerOptions listen, std::uint16_t* port) {
  return [&runtime, listen = std::move(listen),
          port](transport::MessageServerCallbacks callbacks) -> core::Result<std::unique_ptr<transport::MessageServer>, ListenError> {
    auto beast = WebSocketServer::listen(runtime, listen, std::move(callbacks));
    if (!beast) return core::Unexpected<ListenError>{beast.error()};
    if (port) *port = (*beast)->port();
    return std::unique_ptr<transport::MessageServer>(std::move(beast).value());
  };
}

}  // namespace dclcomms::carriers
