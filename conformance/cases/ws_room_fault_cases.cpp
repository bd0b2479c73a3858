// ws-room under faults (issue: "reliable messages arrive exactly once and in order or the transport
// reports the disconnect; unreliable may drop but never duplicate or corrupt"). Every case puts the
// transport under test and one reference peer in a room of our reference server, inside the
// simulator, and bends the link between the transport and the server: weather, a bandwidth cap,
// a tiny MTU (frames cut into many segments), a stalled process, a stalled network, a partition,
// and a server that dies.
#include <algorithm>
#include <string>

#include "../src/delivery_checks.hpp"
#include "../src/room_world.hpp"
#include "cases.hpp"
#include "dclcomms/core/prng.hpp"
#include "dclcomms/sim/weather.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::Disconnected;
using transport::MessageReceived;
using transport::Reliability;

// A packet whose chat text names its number and direction, padded to `size_bytes` so that frames
// can be made larger than the MTU.
codec::Bytes numbered_packet(const std::string& direction, int number, std::size_t size_bytes) {
  codec::Packet p;
  std::string text = direction + "#" + std::to_string(number) + ":";
  if (text.size() < size_bytes) text.append(size_bytes - text.size(), static_cast<char>('a' + number % 26));
  p.mutable_chat()->set_message(text);
  return codec::encode_packet(p);
}

// Why the transport under test does not join the reference room on a clean LAN (a scratch world,
// same seed; nothing when it does). A handshake that fails under faults is the weather's doing
// (UNSUPPORTED) only if it succeeds without them; one that always fails is a failure.
std::optional<std::string> clean_join_problem(CaseContext& context) {
  CaseContext scratch(context.transport(), context.seed());
  RoomWorld world(scratch, RoomWorld::ServerKind::reference, *sim::weather_profile("lan"));
  if (auto refused = world.create_tut()) return "the factory refused the URI: " + *refused;
  world.connect_tut();
  if (!world.run_until([&] { return world.tut().connected() || world.tut().disconnected(); }, 30s)) return "no Connected within 30 s";
  if (!world.tut().connected()) {
    const auto d = world.tut().all<transport::Disconnected>();
    return "Disconnected: " + (d.empty() ? std::string("?") : d.front().reason);
  }
  return std::nullopt;
}

CaseOutcome handshake_failed_under_faults(CaseContext& context) {
  if (auto problem = clean_join_problem(context)) {
    return fail("the handshake did not finish under these faults, and it does not finish without them either (" + *problem +
                "): the faults are not why");
  }
  return unsupported("the handshake could not finish under these faults (it does without them)");
}

// The transport under test and one reference peer, both joined. `error` says why not.
struct JoinedRoom {
  RoomWorld world;
  Endpoint* peer = nullptr;
  std::optional<CaseOutcome> error;

  JoinedRoom(CaseContext& context, const sim::LinkFaults& faults) : world(context, RoomWorld::ServerKind::reference, faults) {
    if (auto refused = world.create_tut()) {
      error = fail("the factory refused a valid ws-room URI: " + *refused);
      return;
    }
    world.connect_tut();
    peer = &world.add_peer();
    if (!world.run_until([&] { return world.tut().connected() && peer->connected(); }, 30s)) {
      error = world.tut().disconnected() || peer->disconnected() ? handshake_failed_under_faults(context)
                                                                 : fail("could not join the room within 30 s");
    }
  }
  Endpoint& tut() { return world.tut(); }
};

// Sends `count` packets each way, spaced by `gap`, while `during(i)` may inject a fault before
// packet i; then waits `settle` for the room to drain and checks delivery both ways.
CaseOutcome exchange(CaseContext& context, JoinedRoom& room, int count, std::size_t size_bytes, core::Duration gap, core::Duration settle,
                     const std::function<void(int)>& during = {}) {
  std::vector<codec::Bytes> from_tut, from_peer;
  for (int i = 0; i < count; ++i) {
    if (during) during(i);
    from_tut.push_back(numbered_packet("tut", i, size_bytes));
    from_peer.push_back(numbered_packet("peer", i, size_bytes));
    if (!room.tut().disconnected()) {
      if (auto status = room.tut().transport->send(from_tut.back(), {Reliability::reliable, {}}); !status) {
        // A refused send is only acceptable once the transport has said the connection is gone.
        room.world.run_for(0ms);
        if (!room.tut().disconnected()) return fail("send #" + std::to_string(i) + " refused while connected: " + status.error().message);
        from_tut.pop_back();
      }
    } else {
      from_tut.pop_back();
    }
    (void)room.peer->transport->send(from_peer.back(), {Reliability::reliable, {}});
    room.world.run_for(gap);
  }
  const auto all_in = [&] {
    return room.tut().all<MessageReceived>().size() >= from_peer.size() && room.peer->all<MessageReceived>().size() >= from_tut.size();
  };
  room.world.run_until([&] { return all_in() || room.tut().disconnected(); }, settle);
  const bool reported = room.tut().disconnected();
  if (auto f = check_reliable(from_tut, room.peer->all<MessageReceived>(), room.tut().address, reported, "the peer")) return fail(*f);
  if (auto f = check_reliable(from_peer, room.tut().all<MessageReceived>(), room.peer->address, reported, "the transport")) return fail(*f);
  (void)context;
  if (reported) return pass("the transport reported the disconnect; what arrived before it was exact and in order");
  return pass(std::to_string(from_tut.size()) + " + " + std::to_string(from_peer.size()) + " reliable packets exactly once, in order");
}

CaseOutcome reliable_under_weather(CaseContext& context, std::string_view weather) {
  JoinedRoom room(context, *sim::weather_profile(weather));
  if (room.error) return *room.error;
  return exchange(context, room, 30, 16, 50ms, 60s);
}

CaseOutcome bandwidth_cap(CaseContext& context) {
  JoinedRoom room(context, *sim::weather_profile("lan"));
  if (room.error) return *room.error;
  sim::LinkFaults capped = *sim::weather_profile("lan");
  capped.rate_bits_per_s = 256'000;    // 32 KB/s
  capped.queue_bytes_max = 16 * 1024;  // a shallow buffer: bursts overflow and are tail-dropped
  room.world.set_tut_link(capped);
  // 120 packets of 1 KiB each way in one burst: four seconds of serialisation, most of it queued.
  return exchange(context, room, 120, 1024, 0ms, 120s);
}

CaseOutcome fragmentation(CaseContext& context) {
  JoinedRoom room(context, *sim::weather_profile("lan"));
  if (room.error) return *room.error;
  sim::LinkFaults tiny = *sim::weather_profile("lan");
  tiny.mtu_bytes = 64;              // every frame arrives in dozens of segments…
  tiny.loss = core::Ratio{1, 100};  // …some of which are lost and resent
  room.world.set_tut_link(tiny);
  return exchange(context, room, 24, 6000, 20ms, 120s);
}

CaseOutcome process_stall(CaseContext& context) {
  JoinedRoom room(context, *sim::weather_profile("lan"));
  if (room.error) return *room.error;
  // The transport's process stops for 3 s (a GC pause, a laptop lid) while the peer keeps talking.
  auto& simulation = room.world.simulation();
  const auto tut = room.tut().host;
  return exchange(context, room, 40, 64, 50ms, 60s, [&](int i) {
    if (i != 10) return;
    simulation.pause(tut);
    simulation.schedule_at(simulation.now() + 3s, [&simulation, tut] { simulation.resume(tut); });
  });
}

CaseOutcome network_stall(CaseContext& context) {
  JoinedRoom room(context, *sim::weather_profile("lan"));
  if (room.error) return *room.error;
  auto& simulation = room.world.simulation();
  const auto tut = room.tut().host;
  const auto server = room.world.server_host();
  // The path holds everything for 3 s both ways (a stalled middlebox), then lets it through in order.
  return exchange(context, room, 40, 64, 50ms, 60s, [&](int i) {
    if (i != 10) return;
    simulation.hold(tut, server);
    simulation.hold(server, tut);
    simulation.schedule_at(simulation.now() + 3s, [&simulation, tut, server] {
      simulation.release(tut, server);
      simulation.release(server, tut);
    });
  });
}

CaseOutcome partition(CaseContext& context) {
  JoinedRoom room(context, *sim::weather_profile("lan"));
  if (room.error) return *room.error;
  auto& simulation = room.world.simulation();
  const std::vector<sim::HostId> tut{room.tut().host};
  const std::vector<sim::HostId> server{room.world.server_host()};
  // 20 s without a path, then it heals: exactly once in order, or a reported disconnect.
  return exchange(context, room, 40, 64, 100ms, 120s, [&](int i) {
    if (i != 10) return;
    simulation.partition(tut, server);
    simulation.schedule_at(simulation.now() + 20s, [&simulation] { simulation.heal(); });
  });
}

CaseOutcome server_crash(CaseContext& context) {
  JoinedRoom room(context, *sim::weather_profile("lan"));
  if (room.error) return *room.error;
  room.world.simulation().crash(room.world.server_host());
  if (!room.world.run_until([&] { return room.tut().disconnected(); }, 30s)) {
    return fail("the server died (connection reset) and no Disconnected followed within 30 s");
  }
  if (room.tut().all<Disconnected>().front().kicked) return fail("a dead server was reported as a kick");
  if (room.tut().all<Disconnected>().size() != 1) return fail("Disconnected was reported more than once");
  // The server stays down, so nothing can reach the peer here (wsroom.lifecycle.server_close_is_reported
  // and wire.wsroom.reset_reports_disconnected give a late send somewhere to go); the refusal,
  // where declared, is checked all the same.
  const auto late = numbered_packet("after the crash", 0, 8);
  const auto status = room.tut().transport->send(late, {});
  room.world.run_for(5s);
  const auto at_peer = room.peer->all<MessageReceived>();
  const auto delivered =
      static_cast<std::size_t>(std::count_if(at_peer.begin(), at_peer.end(), [&](const auto& m) { return m.packet == late; }));
  if (auto problem = check_send_after_disconnect(status, delivered, context.transport().capabilities.typed_send_refusals))
    return fail(*problem);
  return pass();
}

CaseOutcome unreliable_never_duplicated_or_corrupted(CaseContext& context) {
  JoinedRoom room(context, *sim::weather_profile("lossy-5pct"));
  if (room.error) return *room.error;
  std::vector<codec::Bytes> sent;
  for (int i = 0; i < 60; ++i) {
    sent.push_back(numbered_packet("tut", i, 200));
    (void)room.tut().transport->send(sent.back(), {Reliability::unreliable, {}});
    room.world.run_for(20ms);
  }
  room.world.run_for(10s);
  if (auto f = check_unreliable(sent, room.peer->all<MessageReceived>(), "the peer")) return fail(*f);
  return pass(std::to_string(room.peer->all<MessageReceived>().size()) + " of " + std::to_string(sent.size()) +
              " unreliable packets arrived, none duplicated or altered");
}

}  // namespace

void add_ws_room_fault_cases(std::vector<Case>& cases) {
  const std::string spec = "comms-transports.md §3.1 (one WsPacket per message of a TCP websocket), §3.4";
  for (const char* weather : {"lan", "wifi", "congested-venue", "lossy-5pct"}) {
    cases.push_back({std::string("wsroom.faults.reliable_exactly_once.") + weather, Level::must,
                     std::string("Reliable packets arrive exactly once, in order, both ways, under '") + weather + "' weather.", spec,
                     "ws-room", [weather](CaseContext& c) { return reliable_under_weather(c, weather); }});
  }
  cases.push_back({"wsroom.faults.bandwidth_cap", Level::must,
                   "Through a 256 kbit/s link with a 16 KiB buffer, a burst arrives exactly once in order, or the disconnect is reported.",
                   spec, "ws-room", bandwidth_cap});
  cases.push_back({"wsroom.faults.fragmentation", Level::must,
                   "6 KB packets cut into 64-byte segments (1 % lost and resent) arrive byte-identical and in order.", spec, "ws-room",
                   fragmentation});
  cases.push_back({"wsroom.faults.process_stall", Level::must,
                   "A 3 s stall of the transport's process loses, duplicates and reorders nothing.", spec, "ws-room", process_stall});
  cases.push_back({"wsroom.faults.network_stall", Level::must,
                   "A 3 s stall of the network path both ways loses, duplicates and reorders nothing.", spec, "ws-room", network_stall});
  cases.push_back({"wsroom.faults.partition", Level::must,
                   "Across a 20 s partition, reliable packets arrive exactly once in order after it heals, or the disconnect is reported.",
                   spec, "ws-room", partition});
  cases.push_back({"wsroom.faults.server_crash_reported", Level::must,
                   "A server that dies (connection reset) ends the session with one Disconnected, not a kick; a later send is refused or "
                   "dropped, never delivered.",
                   "comms-transports.md §3.5 (socket error: DISCONNECTION{kicked:false}, kernel), §1.2", "ws-room", server_crash});
  cases.push_back(Case{.id = "wsroom.faults.unreliable_never_duplicated_or_corrupted",
                       .level = Level::capability,
                       .proves = "Unreliable packets under 5 % loss may be dropped but never arrive twice, out of order or altered.",
                       .spec = "comms-transports.md §1.2 (reliable is a hint transports may ignore), §3.4 (unreliable)",
                       .requires_type = "ws-room",
                       .run = unreliable_never_duplicated_or_corrupted,
                       .capability = Capability::unreliable});
}

}  // namespace dclcomms::conformance
