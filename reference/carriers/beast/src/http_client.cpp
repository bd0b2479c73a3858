// The only translation unit that instantiates Beast's HTTP client (plain and TLS).
#include "dclcomms/carriers/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <memory>
#include <optional>
#include <string>

#include "dclcomms/core/ascii.hpp"
#include "detail/asio_context.hpp"

namespace dclcomms::carriers {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

using Done = std::function<void(core::Result<transport::HttpResult, transport::HttpError>)>;
using transport::HttpErrorCode;

template <class Stream>
class Exchange : public std::enable_shared_from_this<Exchange<Stream>> {
 public:
  Exchange(net::io_context& io, std::shared_ptr<ssl::context> tls, transport::HttpRequest request, transport::HttpClientOptions options,
           std::string host, std::string port, std::string target, Done done)
      : tls_(std::move(tls)),
        resolver_(io),
        stream_(make_stream(io, tls_.get())),
        request_(std::move(request)),
        options_(std::move(options)),
        host_(std::move(host)),
        port_(std::move(port)),
        target_(std::move(target)),
        done_(std::move(done)) {}

  void start() {
    resolver_.async_resolve(host_, port_, [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return self->finish_error(HttpErrorCode::dns, "cannot resolve " + self->host_ + ": " + ec.message());
      beast::get_lowest_layer(self->stream_).expires_after(std::chrono::nanoseconds(self->options_.timeout.count()));
      beast::get_lowest_layer(self->stream_).async_connect(r, [self](beast::error_code ec, const tcp::endpoint&) {
        if (ec) {
          // The connect timer is HttpClientOptions::timeout too: running out of it is a timeout.
          return self->finish_error(ec == beast::error::timeout ? HttpErrorCode::timeout : HttpErrorCode::connect,
                                    "cannot connect to " + self->host_ + ":" + self->port_ + ": " + ec.message());
        }
        self->secure();
      });
    });
  }

 private:
  static Stream make_stream(net::io_context& io, ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      return Stream(io, *tls);
    } else {
      (void)tls;
      return Stream(io);
    }
  }

  void secure() {
    if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
      if (!SSL_set_tlsext_host_name(stream_.native_handle(), host_.c_str()))
        return finish_error(HttpErrorCode::tls, "cannot set the TLS server name");
      if (options_.verify_certificates) {
        stream_.set_verify_mode(ssl::verify_peer);
        stream_.set_verify_callback(ssl::host_name_verification(host_));
      } else {
        stream_.set_verify_mode(ssl::verify_none);
      }
      stream_.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) {
          return self->finish_error(ec == beast::error::timeout ? HttpErrorCode::timeout : HttpErrorCode::tls,
                                    "TLS handshake with " + self->host_ + " failed: " + ec.message());
        }
        self->write();
      });
    } else {
      write();
    }
  }

  void write() {
    http_request_.method_string(request_.method);
    http_request_.target(target_);
    http_request_.version(11);
    http_request_.set(http::field::host, port_ == "80" || port_ == "443" ? host_ : host_ + ":" + port_);
    http_request_.set(http::field::user_agent, "dclcomms");
    for (const auto& [name, value] : request_.headers) http_request_.set(name, value);
    http_request_.body() = request_.body;
    http_request_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(std::chrono::nanoseconds(options_.timeout.count()));
    http::async_write(stream_, http_request_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        return self->finish_error(ec == beast::error::timeout ? HttpErrorCode::timeout : HttpErrorCode::io,
                                  "sending the request failed: " + ec.message());
      }
      self->read();
    });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(options_.response_bytes_max);
    parser_->header_limit(16 * 1024);
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == http::error::body_limit) {
        return self->finish_error(HttpErrorCode::too_large,
                                  "the response is larger than " + std::to_string(self->options_.response_bytes_max) + " bytes");
      }
      if (ec) {
        if (ec == beast::error::timeout) return self->finish_error(HttpErrorCode::timeout, "no response within the timeout");
        return self->finish_error(HttpErrorCode::io, "reading the response failed: " + ec.message());
      }
      const auto& response = self->parser_->get();
      transport::HttpResult result;
      result.status = response.result_int();
      for (const auto& field : response) {
        result.headers.emplace_back(core::to_lower_ascii(field.name_string()), std::string(field.value()));
      }
      result.body = response.body();
      self->finish(std::move(result));
    });
  }

  void finish(transport::HttpResult result) {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (auto done = std::exchange(done_, nullptr)) done(std::move(result));
  }
  void finish_error(HttpErrorCode code, std::string message) {
    if (auto done = std::exchange(done_, nullptr)) done(core::fail(code, std::move(message)));
  }

  std::shared_ptr<ssl::context> tls_;  // declared before stream_: destroyed after it
  tcp::resolver resolver_;
  Stream stream_;
  transport::HttpRequest request_;
  transport::HttpClientOptions options_;
  std::string host_, port_, target_;
  Done done_;
  http::request<http::string_body> http_request_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

}  // namespace

transport::HttpFetcher make_http_fetcher(AsioRuntime& runtime) {
  return [&runtime](transport::HttpRequest request, const transport::HttpClientOptions& options, Done done) {
    auto fail_later = [&runtime, &done](HttpErrorCode code, std::string message) {
      runtime.post([done = std::move(done), code, message = std::move(message)] { done(core::fail(code, message)); });
    };
    const auto url = boost::urls::parse_uri(request.url);
    if (!url || (url->scheme() != "http" && url->scheme() != "https"))
      return fail_later(HttpErrorCode::bad_url, "not an http(s) URL: " + request.url);
    const bool tls = url->scheme() == "https";
    std::string host(url->encoded_host_address());
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
    const std::string port = url->has_port() ? std::string(url->port()) : (tls ? "443" : "80");
    std::string target(url->encoded_resource());  // path + query, no fragment
    if (target.empty() || target.front() != '/') target.insert(0, "/");
    auto& io = runtime.context().io;
    if (!tls) {
      std::make_shared<Exchange<beast::tcp_stream>>(io, nullptr, std::move(request), options, host, port, target, std::move(done))->start();
      return;
    }
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    context->set_default_verify_paths(ec);
    if (!options.ca_file.empty() && !ec) context->load_verify_file(options.ca_file, ec);
    if (ec) return fail_later(HttpErrorCode::tls, "cannot load the TLS trust anchors: " + ec.message());
    std::make_shared<Exchange<beast::ssl_stream<beast::tcp_stream>>>(io, std::move(context), std::move(request), options, host, port,
                                                                     target, std::move(done))
        ->start();
  };
}

}  // namespace dclcomms::carriers
