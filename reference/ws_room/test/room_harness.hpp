#pragma once
// A Pair-style harness (quinn-proto's tests/util.rs idea): one WsRoomServerCore and any number of
// WsRoomClientCores wired back to back in memory, with a virtual clock. drive() moves frames and close
// requests until nothing moves; backlogs can be set to exercise backpressure.

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dclcomms/ws_room/client_core.hpp"
#include "dclcomms/ws_room/server_core.hpp"
#include "test_identity.hpp"

namespace dclcomms::ws_room::testing {

struct NeverQuiet : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HarnessClient {
  std::string address;
  std::unique_ptr<WsRoomClientCore> core;
  std::vector<ClientEvent> events;
  bool open = true;
};

class RoomHarness {
 public:
  explicit RoomHarness(ServerCoreConfig config) : server(std::move(config)) {}
  RoomHarness() : RoomHarness(server_core_config_default(&verify_fake_chain, 42)) {}

  /// Opens a connection to /rooms/<room> for `address` (signing as `signer`, default = address).
  ConnectionId connect(const std::string& address, const std::string& room, std::string signer = "") {
    if (signer.empty()) signer = address;
    const ConnectionId id = next_id++;
    auto config = client_core_config_default(address, [signer](std::string_view c) { return fake_chain(signer, c); });
    clients[id] = HarnessClient{address, std::make_unique<WsRoomClientCore>(config), {}, true};
    server.handle_connection_opened(id, room, now);
    clients[id].core->handle_connected(now);
    drive();
    return id;
  }

  /// Moves everything until quiet; returns the number of steps. Throws NeverQuiet if the room is still
  /// moving after `steps_max`: the harness serves GoogleTest TESTs and RapidCheck properties, and both
  /// count an exception as a failure (an EXPECT_* here would fail a property's test while RapidCheck
  /// recorded a pass: no shrinking, no reproduce= line). connect() and advance() drive too, so a
  /// return value would go unchecked there; and a room that never settles leaves nothing to check.
  std::size_t drive(std::size_t steps_max = 100'000) {
    std::size_t steps = 0;
    bool moved = true;
    while (moved && steps < steps_max) {
      moved = false;
      for (auto& [id, client] : clients) {
        while (auto t = client.core->poll_transmit()) {
          moved = true;
          ++steps;
          if (!client.open) continue;
          if (const auto* frame = std::get_if<Frame>(&*t)) {
            server.handle_frame(id, frame->bytes, now);
          } else {
            client.open = false;
            server.handle_connection_closed(id, now);
          }
        }
        while (auto e = client.core->poll_event()) client.events.push_back(std::move(*e));
      }
      while (auto t = server.poll_transmit()) {
        moved = true;
        ++steps;
        auto& client = clients.at(t->connection);
        if (!client.open) continue;
        if (const auto* frame = std::get_if<SharedFrame>(&t->transmit)) {
          client.core->handle_frame(*frame->bytes, now);
        } else {
          client.open = false;
          client.core->handle_closed(std::string(to_string(std::get<CloseRequest>(t->transmit).reason)), now);
        }
      }
      while (auto e = server.poll_event()) server_events.push_back(std::move(*e));
    }
    if (moved) throw NeverQuiet("the room never went quiet: still moving after " + std::to_string(steps) + " steps");
    return steps;
  }

  void advance(core::Duration d) {
    now += d;
    server.handle_timeout(now);
    for (auto& [id, client] : clients) client.core->handle_timeout(now);
    drive();
  }

  template <class Event>
  std::vector<Event> events_of(ConnectionId id) const {
    std::vector<Event> out;
    for (const auto& e : clients.at(id).events) {
      if (const auto* typed = std::get_if<Event>(&e)) out.push_back(*typed);
    }
    return out;
  }

  core::TimePoint now{};
  WsRoomServerCore server;
  std::map<ConnectionId, HarnessClient> clients;
  std::vector<ServerEvent> server_events;
  ConnectionId next_id = 1;
};

}  // namespace dclcomms::ws_room::testing
