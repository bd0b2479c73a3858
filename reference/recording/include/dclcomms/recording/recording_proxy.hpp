#pragma once
// RecordingProxy: a transparent websocket proxy that records. Each client connection accepted by a
// MessageServer is dialled through to `upstream` + the client's request target; frames are relayed
// both ways unchanged and every open, frame and close becomes a RecordedEvent for the sink, timed on
// the runtime's clock at the moment the proxy forwards it.
//
// It is written against the network interfaces (MessageServer, MessageStreamConnector, Runtime), so
// Beast carries it in `dclcomms record` and the simulator can carry it in tests. Plain HTTP requests
// are answered 502: only websocket sessions are recorded.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dclcomms/core/runtime.hpp"
#include "dclcomms/recording/recording.hpp"
#include "dclcomms/transport/message_server.hpp"
#include "dclcomms/transport/message_stream.hpp"

namespace dclcomms::recording {

struct RecordingProxyOptions {
  std::string upstream;  // base URL, e.g. ws://127.0.0.1:5555 (the client's path and query are appended)
  transport::MessageStreamOptions upstream_options{.subprotocols = {"rfc5", "rfc4"}};
  /// What a client may send before the upstream answers its upgrade; past it the client is closed.
  std::size_t pending_bytes_max = 1 << 20;
};

class RecordingProxy {
 public:
  using Sink = std::function<void(const RecordedEvent&)>;

  RecordingProxy(core::Runtime& runtime, transport::MessageStreamConnector connector, RecordingProxyOptions options, Sink sink);
  ~RecordingProxy();
  RecordingProxy(const RecordingProxy&) = delete;
  RecordingProxy& operator=(const RecordingProxy&) = delete;

  /// What the MessageServer in front must be started with.
  transport::MessageServerCallbacks callbacks();
  /// The server started with callbacks(): where client frames go back out. Must outlive the proxy's use.
  void attach(transport::MessageServer& server) { server_ = &server; }

  std::size_t connections_open() const { return connections_.size(); }
  std::uint64_t connections_total() const { return connections_total_; }

 private:
  struct Connection {
    std::unique_ptr<transport::MessageStream> upstream;
    bool upstream_open = false;
    std::deque<std::vector<std::uint8_t>> pending;  // client frames waiting for the upstream's upgrade
    std::size_t pending_bytes = 0;
    core::TimePoint dialled;
    std::string target;
  };

  void on_client_open(transport::ServerConnectionId id, const std::string& target);
  void on_client_frame(transport::ServerConnectionId id, std::vector<std::uint8_t> frame);
  void on_client_closed(transport::ServerConnectionId id, const std::string& detail);
  void on_upstream_open(transport::ServerConnectionId id, const std::string& subprotocol);
  void on_upstream_frame(transport::ServerConnectionId id, std::vector<std::uint8_t> frame);
  void on_upstream_closed(transport::ServerConnectionId id, const std::string& detail);
  void record_frame(transport::ServerConnectionId id, Direction direction, const std::vector<std::uint8_t>& frame);
  void record_open(transport::ServerConnectionId id, const Connection& connection, const std::string& subprotocol);
  void record_close(transport::ServerConnectionId id, Direction direction, const std::string& reason);
  void forward_up(transport::ServerConnectionId id, Connection& connection, std::vector<std::uint8_t> frame);
  void emit(RecordedEvent event);
  std::int64_t elapsed_ns() const;

  core::Runtime& runtime_;
  transport::MessageStreamConnector connector_;
  RecordingProxyOptions options_;
  Sink sink_;
  transport::MessageServer* server_ = nullptr;
  core::TimePoint started_;
  std::map<transport::ServerConnectionId, Connection> connections_;
  std::map<transport::ServerConnectionId, std::unique_ptr<transport::MessageStream>> closing_;  // closed by the client, upstream closing
  std::map<transport::ServerConnectionId, std::uint64_t> numbers_;  // server id -> the recording's connection number
  std::uint64_t connections_total_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // upstream callbacks check it after the proxy is gone
};

}  // namespace dclcomms::recording
