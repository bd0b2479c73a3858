// The only translation unit that instantiates Beast's websocket *client* (plain and TLS).
#include "dclcomms/carriers/websocket_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>

#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "detail/asio_context.hpp"

namespace dclcomms::carriers {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string host_header;
  std::string path_and_query;
};

// Everything shared by the plain and TLS sessions; the stream type is the only difference.
template <class Ws>
class ClientSession : public std::enable_shared_from_this<ClientSession<Ws>> {
 public:
  /// Plain: `tls` is null. TLS: the session keeps the context alive as long as its stream.
  ClientSession(net::io_context& io, Target target, transport::MessageStreamOptions options, transport::MessageStreamHandler handler,
                std::shared_ptr<ssl::context> tls)
      : tls_context_(std::move(tls)),
        resolver_(io),
        ws_(make_stream(io, tls_context_.get())),
        target_(std::move(target)),
        options_(std::move(options)),
        handler_(std::move(handler)) {}

  void start() {
    resolver_.async_resolve(target_.host, target_.port,
                            [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                              self->on_resolve(ec, std::move(r));
                            });
  }

  void send(std::vector<std::uint8_t> frame) {
    if (closing_ || closed_) return;
    backlog_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    if (open_ && !writing_) write_next();
  }

  void close(std::string reason) {
    if (closing_ || closed_) return;
    closing_ = true;
    if (!open_) {
      finish("closed before the connection opened: " + reason);
      beast::get_lowest_layer(ws_).close();
      return;
    }
    ws_.async_close(websocket::close_reason(websocket::close_code::normal, reason),
                    [self = this->shared_from_this(), reason](beast::error_code) { self->finish("closed by us: " + reason); });
  }

  /// The owner went away: no more callbacks, and the connection is torn down.
  void detach() {
    handler_ = {};
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  std::size_t backlog_bytes() const { return backlog_bytes_; }

 private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return finish("cannot resolve " + target_.host + ": " + ec.message());
    beast::get_lowest_layer(ws_).expires_after(std::chrono::nanoseconds(options_.handshake_timeout.count()));
    beast::get_lowest_layer(ws_).async_connect(results, [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
      self->on_connect(ec);
    });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return finish("cannot connect to " + target_.host_header + ": " + ec.message());
    beast::error_code ignored;  // small frames must not wait for Nagle's algorithm
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (std::is_same_v<typename Ws::next_layer_type, beast::ssl_stream<beast::tcp_stream>>) {
      auto& tls = ws_.next_layer();
      if (!SSL_set_tlsext_host_name(tls.native_handle(), target_.host.c_str())) {
        return finish("cannot set the TLS server name for " + target_.host);
      }
      if (options_.verify_certificates) {
        tls.set_verify_mode(ssl::verify_peer);
        tls.set_verify_callback(ssl::host_name_verification(target_.host));
      } else {
        tls.set_verify_mode(ssl::verify_none);
      }
      tls.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->finish("TLS handshake with " + self->target_.host_header + " failed: " + ec.message());
        self->upgrade();
      });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts take over
    websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout = std::chrono::nanoseconds(options_.handshake_timeout.count());
    timeouts.idle_timeout = std::chrono::nanoseconds(options_.idle_timeout.count());
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.binary(true);
    ws_.read_message_max(options_.read_message_bytes_max);
    const std::string offered = join(options_.subprotocols, ", ");
    ws_.set_option(websocket::stream_base::decorator([offered](websocket::request_type& request) {
      request.set(http::field::user_agent, "dclcomms");
      if (!offered.empty()) request.set(http::field::sec_websocket_protocol, offered);
    }));
    ws_.async_handshake(response_, target_.host_header, target_.path_and_query,
                        [self = this->shared_from_this()](beast::error_code ec) { self->on_upgrade(ec); });
  }

  void on_upgrade(beast::error_code ec) {
    if (ec) {
      std::string detail = "websocket upgrade at " + target_.host_header + target_.path_and_query + " failed: " + ec.message();
      if (response_.result_int() != 0) detail += " (HTTP " + std::to_string(response_.result_int()) + ")";
      return finish(detail);
    }
    open_ = true;
    const std::string subprotocol(response_[http::field::sec_websocket_protocol]);
    if (handler_.on_open) handler_.on_open(subprotocol);
    read_next();
    if (!queue_.empty() && !writing_) write_next();
  }

  void read_next() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        const auto reason = self->ws_.reason();
        std::string detail = ec == websocket::error::closed ? "closed by the server" : "connection lost: " + ec.message();
        if (reason.code != websocket::close_code::none) {
          detail += " (code " + std::to_string(reason.code) +
                    (reason.reason.empty() ? "" : ", " + std::string(reason.reason.data(), reason.reason.size())) + ")";
        }
        return self->finish(detail);
      }
      const auto data = self->buffer_.data();
      std::vector<std::uint8_t> frame(static_cast<const std::uint8_t*>(data.data()),
                                      static_cast<const std::uint8_t*>(data.data()) + data.size());
      self->buffer_.consume(self->buffer_.size());
      if (self->handler_.on_frame && !self->closed_) self->handler_.on_frame(std::move(frame));
      if (!self->closed_) self->read_next();
    });
  }

  void write_next() {
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->finish("write failed: " + ec.message());
      self->backlog_bytes_ -= self->queue_.front().size();
      self->queue_.pop_front();
      if (!self->queue_.empty() && !self->closing_ && !self->closed_) self->write_next();
    });
  }

  void finish(const std::string& detail) {
    if (closed_) return;
    closed_ = true;
    open_ = false;
    auto handler = std::move(handler_);
    handler_ = {};
    if (handler.on_closed) handler.on_closed(detail);
  }

  static Ws make_stream(net::io_context& io, ssl::context* tls) {
    if constexpr (std::is_same_v<typename Ws::next_layer_type, beast::ssl_stream<beast::tcp_stream>>) {
      return Ws(io, *tls);
    } else {
      (void)tls;
      return Ws(io);
    }
  }

  std::shared_ptr<ssl::context> tls_context_;  // declared before ws_: destroyed after it
  tcp::resolver resolver_;
  Ws ws_;
  Target target_;
  transport::MessageStreamOptions options_;
  transport::MessageStreamHandler handler_;
  beast::flat_buffer buffer_;
  websocket::response_type response_;
  std::deque<std::vector<std::uint8_t>> queue_;
  std::size_t backlog_bytes_ = 0;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

template <class Session>
class StreamHandle final : public transport::MessageStream {
 public:
  explicit StreamHandle(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  ~StreamHandle() override { session_->detach(); }
  void send(std::vector<std::uint8_t> frame) override { session_->send(std::move(frame)); }
  void close(std::string reason) override { session_->close(std::move(reason)); }
  std::size_t backlog_bytes() const override { return session_->backlog_bytes(); }

 private:
  std::shared_ptr<Session> session_;
};

// Reports a failure to open through the handler, on the runtime (never from inside connect).
class FailedStream final : public transport::MessageStream {
 public:
  void send(std::vector<std::uint8_t>) override {}
  void close(std::string) override {}
  std::size_t backlog_bytes() const override { return 0; }
};

}  // namespace

transport::MessageStreamConnector make_websocket_connector(AsioRuntime& runtime) {
  return [&runtime](const std::string& url, const transport::MessageStreamOptions& options,
                    transport::MessageStreamHandler handler) -> std::unique_ptr<transport::MessageStream> {
    auto& io = runtime.context().io;
    const auto parsed = boost::urls::parse_uri(url);
    if (!parsed || (parsed->scheme() != "ws" && parsed->scheme() != "wss")) {
      auto on_closed = handler.on_closed;
      runtime.post([on_closed, url] {
        if (on_closed) on_closed("not a ws:// or wss:// URL: " + url);
      });
      return std::make_unique<FailedStream>();
    }
    Target target;
    target.tls = parsed->scheme() == "wss";
    target.host = std::string(parsed->encoded_host_address());
    if (!target.host.empty() && target.host.front() == '[') target.host = target.host.substr(1, target.host.size() - 2);
    target.port = parsed->has_port() ? std::string(parsed->port()) : (target.tls ? "443" : "80");
    target.host_header = std::string(parsed->encoded_host_and_port());
    target.path_and_query = std::string(parsed->encoded_target());
    if (target.path_and_query.empty() || target.path_and_query.front() != '/') target.path_and_query.insert(0, "/");

    if (!target.tls) {
      auto session = std::make_shared<ClientSession<PlainWs>>(io, std::move(target), options, std::move(handler), nullptr);
      session->start();
      return std::make_unique<StreamHandle<ClientSession<PlainWs>>>(std::move(session));
    }
    // One TLS context per stream: cheap next to a handshake, and no shared mutable state.
    auto tls_context = std::make_shared<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    tls_context->set_default_verify_paths(ec);
    if (!options.ca_file.empty() && !ec) tls_context->load_verify_file(options.ca_file, ec);
    if (ec) {
      auto on_closed = handler.on_closed;
      runtime.post([on_closed, detail = "cannot load the TLS trust anchors: " + ec.message()] {
        if (on_closed) on_closed(detail);
      });
      return std::make_unique<FailedStream>();
    }
    auto session = std::make_shared<ClientSession<TlsWs>>(io, std::move(target), options, std::move(handler), std::move(tls_context));
    session->start();
    return std::make_unique<StreamHandle<ClientSession<TlsWs>>>(std::move(session));
  };
}

}  // namespace dclcomms::carriers
