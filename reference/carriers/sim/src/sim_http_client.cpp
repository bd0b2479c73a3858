// The sim carrier's HttpFetcher: one request over a fresh simulated stream to the host the URL
// names, one response back. Like the Beast client it enforces HttpClientOptions (timeout, response
// size), returns any status as is and never follows redirects.
#include <boost/url/parse.hpp>

#include <string>

#include "dclcomms/carriers/sim_websocket_network.hpp"
#include "sim_http_text.hpp"

namespace dclcomms::carriers {
namespace {

using Done = std::function<void(core::Result<transport::HttpResult, transport::HttpError>)>;
using transport::HttpErrorCode;

class HttpExchange final : public SimStreamEndpoint {
 public:
  HttpExchange(SimWebSocketNetwork& network, sim::HostId host, sim::StreamId stream, std::uint64_t id, std::size_t response_bytes_max,
               Done done)
      : network_(network), host_(host), stream_(stream), id_(id), response_bytes_max_(response_bytes_max), done_(std::move(done)) {}
  // Also reached when the network goes away with the request in flight: no timer may outlive it.
  ~HttpExchange() override {
    if (timer_) network_.simulation().runtime(host_).cancel(*timer_);
    network_.routing().detach(host_, stream_);
  }

  void start(core::Duration timeout, sim::Bytes request) {
    network_.routing().attach(host_, stream_, this);
    auto& runtime = network_.simulation().runtime(host_);
    timer_ = runtime.schedule_at(runtime.now() + timeout, [this, timeout] {
      timer_.reset();
      finish(core::fail(HttpErrorCode::timeout,
                        "no response within the timeout (" + std::to_string(core::to_ns(timeout) / 1'000'000) + " ms)"));
    });
    if (auto sent = network_.simulation().send_message(stream_, host_, std::move(request)); !sent) {
      finish(core::fail(HttpErrorCode::io, "sending the request failed: " + sent.error().message));
    }
  }

  void on_message(std::span<const std::uint8_t> payload) override {
    if (payload.empty() || payload[0] != sim_http::response_tag)
      return finish(core::fail(HttpErrorCode::io, "carrier protocol error: not a response"));
    const auto body = payload.subspan(1);
    auto message = sim_http::parse(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
    if (!message || message->start_line.rfind("HTTP/1.1 ", 0) != 0) {
      return finish(core::fail(HttpErrorCode::io, "reading the response failed: malformed head"));
    }
    if (message->body.size() > response_bytes_max_) {
      return finish(core::fail(HttpErrorCode::too_large, "the response is larger than " + std::to_string(response_bytes_max_) + " bytes"));
    }
    transport::HttpResult result;
    result.status = static_cast<unsigned>(std::stoul(message->start_line.substr(9, 3)));
    result.headers = std::move(message->headers);
    result.body = std::move(message->body);
    finish(std::move(result));
  }
  void on_reset() override { finish(core::fail(HttpErrorCode::io, "connection reset: the server host went down")); }

 private:
  // The last thing an exchange does: it removes itself from the network (the destructor cancels
  // the timer and detaches the stream), then hands the result on, touching no member after that.
  void finish(core::Result<transport::HttpResult, transport::HttpError> result) {
    Done done = std::move(done_);
    network_.end_http_exchange(id_);  // destroys *this
    if (done) done(std::move(result));
  }

  SimWebSocketNetwork& network_;
  sim::HostId host_;
  sim::StreamId stream_;
  std::uint64_t id_;
  std::size_t response_bytes_max_;
  Done done_;
  std::optional<core::TimerId> timer_;
};

}  // namespace

transport::HttpFetcher SimWebSocketNetwork::http_fetcher(sim::HostId client_host) {
  routing_.serve(client_host);
  return [this, client_host](transport::HttpRequest request, const transport::HttpClientOptions& options, Done done) {
    auto& runtime = simulation_.runtime(client_host);
    const auto fail_later = [&runtime, &done](HttpErrorCode code, std::string message) {
      runtime.post([done = std::move(done), code, message = std::move(message)] { done(core::fail(code, message)); });
    };
    const auto url = boost::urls::parse_uri(request.url);
    if (!url || (url->scheme() != "http" && url->scheme() != "https"))
      return fail_later(HttpErrorCode::bad_url, "not an http(s) URL: " + request.url);
    const std::string host_name(url->encoded_host());
    const auto server = simulation_.find_host(host_name);
    if (!server) return fail_later(HttpErrorCode::dns, "cannot resolve " + host_name + ": no simulated host of that name");
    sim_http::Message message;
    std::string target(url->encoded_target());
    message.start_line = request.method + " " + (target.empty() ? "/" : target) + " HTTP/1.1";
    message.headers.emplace_back("host", std::string(url->encoded_authority()));
    for (const auto& [name, value] : request.headers) {
      if (sim_http::has_line_break(name) || sim_http::has_line_break(value) || name.empty()) {
        return fail_later(HttpErrorCode::bad_request, "header '" + name + "' cannot be sent: empty name or a line break");
      }
      message.headers.emplace_back(name, value);
    }
    message.body = std::move(request.body);
    auto opened = routing_.open_stream(client_host, *server);
    if (!opened) return fail_later(HttpErrorCode::connect, "cannot connect to " + host_name + ": " + opened.error().message);
    const std::string text = sim_http::format(message);
    sim::Bytes bytes{sim_http::request_tag};
    bytes.insert(bytes.end(), text.begin(), text.end());
    const std::uint64_t id = ++last_http_exchange_;
    auto exchange = std::make_unique<HttpExchange>(*this, client_host, *opened, id, options.response_bytes_max, std::move(done));
    auto* raw = exchange.get();
    http_exchanges_.emplace(id, std::move(exchange));
    raw->start(options.timeout, std::move(bytes));
  };
}

void SimWebSocketNetwork::end_http_exchange(std::uint64_t id) { http_exchanges_.erase(id); }

}  // namespace dclcomms::carriers
