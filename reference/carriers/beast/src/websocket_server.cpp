// The only translation unit that instantiates Beast's websocket *server* and HTTP server parts.
#include "dclcomms/carriers/websocket_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <map>
#include <memory>
#include <string>
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

struct ServerState;

// What the registry needs from a websocket session, whatever its stream type.
class WsSessionBase {
 public:
  virtual ~WsSessionBase() = default;
  virtual void send(std::vector<std::uint8_t> frame) = 0;
  virtual void close(const std::string& reason) = 0;
};

struct ServerState {
  WebSocketServerOptions options;
  WebSocketServerCallbacks callbacks;
  ServerConnectionId last_id = 0;
  std::map<ServerConnectionId, std::weak_ptr<WsSessionBase>> sessions;
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

  void send(std::vector<std::uint8_t> frame) override {
    if (!open_ || closing_) return;
    backlog_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    if (backlog_bytes_ > state_->options.write_backlog_bytes_max) {
      return close("write backlog over " + std::to_string(state_->options.write_backlog_bytes_max) + " bytes");
    }
    report_backlog();
    if (!writing_) write_next();
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

  void write_next() {
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->finish("write failed: " + ec.message(), true);
      self->backlog_bytes_ -= self->queue_.front().size();
      self->queue_.pop_front();
      self->report_backlog();
      if (!self->queue_.empty() && !self->closing_) self->write_next();
    });
  }

  void report_backlog() {
    if (state_->callbacks.on_backlog) state_->callbacks.on_backlog(id_, backlog_bytes_);
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
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::vector<std::uint8_t>> queue_;
  std::size_t backlog_bytes_ = 0;
  bool open_ = false;
  bool writing_ = false;
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
    if (auto session = find(connection)) session->send(std::move(frame));
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

}  // namespace dclcomms::carriers
