#include "dclcomms/carriers/sim_websocket_network.hpp"

#include <boost/url/parse.hpp>

#include <string>

#include "sim_http_text.hpp"

namespace dclcomms::carriers {
namespace {

// One tag byte in front of every stream message.
enum Tag : std::uint8_t {
  upgrade = 'U',   // client -> server: "<target>\n<offered subprotocols>"
  accepted = 'A',  // server -> client: "<chosen subprotocol>"
  rejected = 'R',  // server -> client: "<reason>" (the stream is then abandoned)
  data = 'D',      // either way: one binary websocket message
  closing = 'C',   // either way: "<reason>"; nothing follows
};

sim::Bytes tagged(Tag tag, std::span<const std::uint8_t> body) {
  sim::Bytes out;
  out.reserve(body.size() + 1);
  out.push_back(tag);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}
sim::Bytes tagged(Tag tag, std::string_view text) {
  return tagged(tag, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}
std::string text_of(std::span<const std::uint8_t> body) { return std::string(body.begin(), body.end()); }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// ---- client side ---------------------------------------------------------------------------------

class ClientStream final : public transport::MessageStream, public SimStreamEndpoint {
 public:
  ClientStream(SimWebSocketNetwork& network, sim::HostId host, transport::MessageStreamHandler handler)
      : network_(network), host_(host), handler_(std::move(handler)) {}
  ~ClientStream() override {
    cancel_handshake_timer();
    if (stream_) {
      if (!closed_) (void)network_.simulation().send_message(*stream_, host_, tagged(closing, "client went away"));
      network_.routing().detach(host_, *stream_);
    }
    if (pending_) network_.simulation().runtime(host_).cancel(*pending_);
  }

  void open(const std::string& url, const transport::MessageStreamOptions& options) {
    auto& simulation = network_.simulation();
    const auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return fail_later("not a URL: " + url);
    const std::string host_name(parsed->encoded_host());
    const auto server = simulation.find_host(host_name);
    if (!server) return fail_later("no simulated host named '" + host_name + "'");
    auto opened = network_.routing().open_stream(host_, *server);
    if (!opened) return fail_later("cannot open a stream to '" + host_name + "': " + opened.error().message);
    stream_ = *opened;
    network_.routing().attach(host_, *stream_, this);
    // Like Beast's handshake_timeout: an upgrade that never completes (partition, dead server) ends.
    handshake_timer_ = simulation.runtime(host_).schedule_at(simulation.runtime(host_).now() + options.handshake_timeout, [this] {
      handshake_timer_.reset();
      if (!open_) finish("websocket handshake timed out");
    });
    std::string target(parsed->encoded_target());
    if (target.empty()) target = "/";
    send_raw(tagged(upgrade, target + "\n" + join(options.subprotocols)));
  }

  void send(std::vector<std::uint8_t> frame) override {
    if (!open_ || closed_) return;
    send_raw(tagged(data, frame));
  }

  void close(std::string reason) override {
    if (closed_) return;
    if (stream_) send_raw(tagged(closing, reason));
    finish_later("closed by us: " + reason);
  }

  std::size_t backlog_bytes() const override { return 0; }

  void on_message(std::span<const std::uint8_t> payload) override {
    if (closed_ || payload.empty()) return;
    const auto body = payload.subspan(1);
    switch (payload[0]) {
      case accepted:
        open_ = true;
        cancel_handshake_timer();
        if (handler_.on_open) handler_.on_open(text_of(body));
        return;
      case rejected: return finish("upgrade refused: " + text_of(body));
      case data:
        if (open_ && handler_.on_frame) handler_.on_frame(std::vector<std::uint8_t>(body.begin(), body.end()));
        return;
      case closing: return finish("closed by the server: " + text_of(body));
      default: return finish("carrier protocol error: unknown tag");
    }
  }
  void on_reset() override { finish("connection reset: the server host went down"); }

 private:
  void send_raw(sim::Bytes bytes) {
    auto sent = network_.simulation().send_message(*stream_, host_, std::move(bytes));
    if (!sent) finish_later("send failed: " + sent.error().message);
  }
  void fail_later(std::string detail) { finish_later(std::move(detail)); }
  void cancel_handshake_timer() {
    if (handshake_timer_) network_.simulation().runtime(host_).cancel(*handshake_timer_);
    handshake_timer_.reset();
  }
  void finish_later(std::string detail) {
    closed_ = true;
    pending_ = network_.simulation().runtime(host_).post([this, detail = std::move(detail)] {
      pending_.reset();
      deliver_closed(detail);
    });
  }
  void finish(const std::string& detail) {
    closed_ = true;
    cancel_handshake_timer();
    deliver_closed(detail);
  }
  void deliver_closed(const std::string& detail) {
    if (delivered_closed_) return;
    delivered_closed_ = true;
    if (handler_.on_closed) handler_.on_closed(detail);
  }

  SimWebSocketNetwork& network_;
  sim::HostId host_;
  transport::MessageStreamHandler handler_;
  std::optional<sim::StreamId> stream_;
  std::optional<core::TimerId> pending_;
  std::optional<core::TimerId> handshake_timer_;
  bool open_ = false;
  bool closed_ = false;
  bool delivered_closed_ = false;
};

// ---- server side ---------------------------------------------------------------------------------

class SimServer;

class ServerEndpoint final : public SimStreamEndpoint {
 public:
  ServerEndpoint(SimServer& server, sim::StreamId stream) : server_(server), stream_(stream) {}
  void on_message(std::span<const std::uint8_t> payload) override;
  void on_reset() override;
  bool upgraded = false;

 private:
  SimServer& server_;
  sim::StreamId stream_;
};

class SimServer final : public transport::MessageServer {
 public:
  SimServer(SimWebSocketNetwork& network, sim::HostId host, transport::MessageServerCallbacks callbacks)
      : network_(network), host_(host), callbacks_(std::move(callbacks)) {}
  ~SimServer() override {
    stop();
    network_.routing().unlisten(host_);
  }

  void accept(sim::StreamId stream) {
    if (stopped_) return;
    auto [it, inserted] = endpoints_.try_emplace(stream, std::make_unique<ServerEndpoint>(*this, stream));
    if (inserted) network_.routing().attach(host_, stream, it->second.get());
  }

  void on_upgrade(sim::StreamId stream, const std::string& request) {
    const auto newline = request.find('\n');
    const std::string target = request.substr(0, newline);
    const std::string offered = newline == std::string::npos ? "" : request.substr(newline + 1);
    const transport::HttpServerRequest upgrade{"GET", target, {}, {}};
    std::optional<std::string> refusal;
    if (callbacks_.screen_upgrade) {
      if (auto answer = callbacks_.screen_upgrade(upgrade)) refusal = std::to_string(answer->status) + " " + answer->body;
    } else if (!callbacks_.accept_upgrade || !callbacks_.accept_upgrade(target)) {
      refusal = "404 no websocket endpoint at " + target;
    }
    if (refusal) {
      send_raw(stream, tagged(rejected, *refusal));
      forget(stream);
      return;
    }
    endpoints_.at(stream)->upgraded = true;
    // Like Beast's server: the first offered subprotocol we support (rfc5, then rfc4).
    std::string chosen;
    for (const char* ours : {"rfc5", "rfc4"}) {
      if (chosen.empty() && offered.find(ours) != std::string::npos) chosen = ours;
    }
    send_raw(stream, tagged(accepted, chosen));
    if (callbacks_.on_open_request) {
      callbacks_.on_open_request(stream, upgrade);
    } else if (callbacks_.on_open) {
      callbacks_.on_open(stream, target);
    }
  }

  // A plain HTTP request (the stream carries nothing else): answered like Beast's server does —
  // on_http_request for any method, else on_http_get for GETs — then the stream is forgotten.
  void on_http(sim::StreamId stream, const std::string& text) {
    const auto request = sim_http::parse(text);
    const auto first_space = request ? request->start_line.find(' ') : std::string::npos;
    const auto second_space = first_space == std::string::npos ? first_space : request->start_line.find(' ', first_space + 1);
    transport::HttpResponse answer;
    if (second_space == std::string::npos) {
      answer = transport::HttpResponse{400, "application/json", R"({"error":"malformed request"})", {}};
    } else if (callbacks_.on_http_request) {
      transport::HttpServerRequest plain;
      plain.method = request->start_line.substr(0, first_space);
      plain.target = request->start_line.substr(first_space + 1, second_space - first_space - 1);
      plain.headers = request->headers;
      plain.body = request->body;
      answer = callbacks_.on_http_request(plain);
    } else if (request->start_line.rfind("GET ", 0) != 0) {
      answer = transport::HttpResponse{405, "application/json", R"({"error":"only GET and websocket upgrades"})", {}};
    } else if (callbacks_.on_http_get) {
      answer = callbacks_.on_http_get(request->start_line.substr(first_space + 1, second_space - first_space - 1));
    }
    sim_http::Message response;
    response.start_line = "HTTP/1.1 " + std::to_string(answer.status);
    response.headers.emplace_back("content-type", answer.content_type);
    for (const auto& header : answer.headers) response.headers.push_back(header);
    response.body = std::move(answer.body);
    send_raw(stream, tagged(static_cast<Tag>(sim_http::response_tag), sim_http::format(response)));
    forget(stream);
  }

  void on_data(sim::StreamId stream, std::span<const std::uint8_t> frame) {
    if (callbacks_.on_frame) callbacks_.on_frame(stream, std::vector<std::uint8_t>(frame.begin(), frame.end()));
  }

  void on_gone(sim::StreamId stream, const std::string& detail) {
    const bool upgraded = endpoints_.at(stream)->upgraded;
    forget(stream);
    if (upgraded && callbacks_.on_closed) callbacks_.on_closed(stream, detail);
  }

  void send(transport::ServerConnectionId connection, std::vector<std::uint8_t> frame) override {
    const auto stream = static_cast<sim::StreamId>(connection);
    if (!endpoints_.contains(stream)) return;
    send_raw(stream, tagged(data, frame));
  }

  void close(transport::ServerConnectionId connection, const std::string& reason) override {
    const auto stream = static_cast<sim::StreamId>(connection);
    if (!endpoints_.contains(stream)) return;
    send_raw(stream, tagged(closing, reason));
    forget(stream);
    if (callbacks_.on_closed) {
      auto on_closed = callbacks_.on_closed;
      network_.simulation().runtime(host_).post(
          [on_closed, connection, reason] { on_closed(connection, "closed by the server: " + reason); });
    }
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    std::vector<sim::StreamId> open;
    for (const auto& [stream, endpoint] : endpoints_) open.push_back(stream);
    for (const auto stream : open) {
      (void)network_.simulation().send_message(stream, host_, tagged(closing, "server shutting down"));
      forget(stream);
    }
  }

  std::size_t connection_count() const override { return endpoints_.size(); }

 private:
  void send_raw(sim::StreamId stream, sim::Bytes bytes) {
    if (!network_.simulation().send_message(stream, host_, std::move(bytes))) on_gone(stream, "send failed");
  }
  void forget(sim::StreamId stream) {
    network_.routing().detach(host_, stream);
    endpoints_.erase(stream);
  }

  SimWebSocketNetwork& network_;
  sim::HostId host_;
  transport::MessageServerCallbacks callbacks_;
  std::map<sim::StreamId, std::unique_ptr<ServerEndpoint>> endpoints_;
  bool stopped_ = false;
};

void ServerEndpoint::on_message(std::span<const std::uint8_t> payload) {
  if (payload.empty()) return;
  const auto body = payload.subspan(1);
  if (!upgraded) {
    if (payload[0] == upgrade) return server_.on_upgrade(stream_, text_of(body));
    if (payload[0] == sim_http::request_tag) return server_.on_http(stream_, text_of(body));
    return server_.on_gone(stream_, "carrier protocol error before the upgrade");
  }
  if (payload[0] == data) return server_.on_data(stream_, body);
  if (payload[0] == closing) return server_.on_gone(stream_, "closed by the client: " + text_of(body));
  server_.on_gone(stream_, "carrier protocol error: unknown tag");
}

void ServerEndpoint::on_reset() { server_.on_gone(stream_, "connection reset: the client host went down"); }

}  // namespace

// Out of line: the endpoint classes are complete only here.
SimWebSocketNetwork::~SimWebSocketNetwork() = default;

transport::MessageStreamConnector SimWebSocketNetwork::connector(sim::HostId client_host) {
  routing_.serve(client_host);
  return [this, client_host](const std::string& url, const transport::MessageStreamOptions& options,
                             transport::MessageStreamHandler handler) -> std::unique_ptr<transport::MessageStream> {
    auto stream = std::make_unique<ClientStream>(*this, client_host, std::move(handler));
    stream->open(url, options);
    return stream;
  };
}

std::unique_ptr<transport::MessageServer> SimWebSocketNetwork::listen(sim::HostId server_host,
                                                                      transport::MessageServerCallbacks callbacks) {
  auto server = std::make_unique<SimServer>(*this, server_host, std::move(callbacks));
  routing_.listen(server_host, [raw = server.get()](sim::StreamId stream, sim::HostId) { raw->accept(stream); });  // one server per host
  return server;
}

}  // namespace dclcomms::carriers
