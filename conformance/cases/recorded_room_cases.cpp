// Replaying a recorded room (recorded_room.hpp): reference peers send what the real peers sent, at
// the recorded times, in our reference room; the transport under test joins in the recording
// user's place and must get it all, right.
#include <algorithm>
#include <string>

#include "../src/room_world.hpp"
#include "dclcomms/conformance/recorded_room.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::MessageReceived;

struct SentPacket {
  std::vector<std::uint8_t> bytes;
  bool unreliable = false;
  std::size_t message = 0;  // index into room.messages
};

// One peer's packets as the transport under test got them: every reliable one exactly once and in
// order, unreliable ones an in-order subset, nothing altered or duplicated; after a reported
// disconnect, a prefix of that. Returns the problem, if any.
std::optional<std::string> check_peer_delivery(const std::vector<SentPacket>& sent, const std::vector<const MessageReceived*>& got,
                                               const std::string& peer, bool disconnect_reported) {
  std::size_t next = 0;
  for (std::size_t k = 0; k < got.size(); ++k) {
    while (next < sent.size() && sent[next].bytes != got[k]->packet) {
      if (!sent[next].unreliable) {
        return "reliable packet #" + std::to_string(next) + " of " + peer + " (recorded message " + std::to_string(sent[next].message) +
               ") was skipped: the transport's packet #" + std::to_string(k) + " from it is a later one";
      }
      ++next;
    }
    if (next == sent.size()) {
      return "the transport's packet #" + std::to_string(k) + " from " + peer +
             " is not one it sent after the previous one (duplicated, reordered or altered)";
    }
    ++next;
  }
  for (; next < sent.size() && !disconnect_reported; ++next) {
    if (!sent[next].unreliable) {
      return "reliable packet #" + std::to_string(next) + " of " + peer + " (recorded message " + std::to_string(sent[next].message) +
             ") never arrived";
    }
  }
  return std::nullopt;
}

struct ReplayRun {
  CaseOutcome outcome;
  ReplayObservation observation;
};

ReplayRun replay(CaseContext& context, const RecordedRoom& room, ReplayMode mode) {
  ReplayRun run;
  const sim::LinkFaults exact = room.exact_link();
  RoomWorld world(context, RoomWorld::ServerKind::reference, exact);
  if (mode == ReplayMode::weather) world.set_tut_link(room.weather_link());
  // The peers already in the room at the user's welcome join first.
  std::vector<Endpoint*> peers(room.peers.size(), nullptr);
  for (std::size_t i = 0; i < room.peers.size(); ++i) {
    if (!room.peers[i].joined_ns) peers[i] = &world.add_peer();
  }
  const auto present_joined = [&] {
    return std::all_of(peers.begin(), peers.end(), [](const Endpoint* p) { return p == nullptr || p->connected(); });
  };
  if (!world.run_until(present_joined, 30s)) {
    run.outcome = fail("the harness's reference peers did not join the reference room within 30 s (a harness problem)");
    return run;
  }
  if (auto refused = world.create_tut()) {
    run.outcome = fail("the factory refused a valid ws-room URI: " + *refused);
    return run;
  }
  world.connect_tut();
  if (!world.run_until([&] { return world.tut().connected() || world.tut().disconnected(); }, 30s) || !world.tut().connected()) {
    const std::string why = world.tut().disconnected() ? "it reported Disconnected" : "no Connected within 30 s";
    if (mode == ReplayMode::exact) {
      run.outcome = fail("the transport did not join the replayed room on the recording's own latency (" + why + ")");
    } else {
      run.outcome =
          unsupported("the handshake did not finish under the fitted weather (" + why + "); recorded.exact judges the join without it");
    }
    return run;
  }
  run.observation.joined = true;
  const core::TimePoint welcome = world.simulation().now();
  // A packet recorded at t after the welcome leaves its peer at t minus the two links' latency, so
  // that it reaches the transport when it reached the user (never before now).
  const core::Duration ahead = 2 * exact.latency;
  const auto at = [&](std::int64_t after_welcome_ns) {
    return std::max(world.simulation().now(), welcome + core::Duration(after_welcome_ns) - ahead);
  };
  struct Action {
    core::TimePoint when;
    int order;  // joins, then packets, then leaves, at one instant
    std::size_t index;
  };
  std::vector<Action> actions;
  for (std::size_t i = 0; i < room.peers.size(); ++i) {
    if (room.peers[i].joined_ns) actions.push_back({at(*room.peers[i].joined_ns), 0, i});
    if (room.peers[i].left_ns) actions.push_back({at(*room.peers[i].left_ns), 2, i});
  }
  for (std::size_t m = 0; m < room.messages.size(); ++m) actions.push_back({at(room.messages[m].at_ns), 1, m});
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.when != b.when ? a.when < b.when : a.order < b.order; });
  std::vector<std::vector<SentPacket>> sent(room.peers.size());
  for (const Action& action : actions) {
    if (action.when > world.simulation().now()) world.run_for(action.when - world.simulation().now());
    if (action.order == 0) {
      peers[action.index] = &world.add_peer();
    } else if (action.order == 2) {
      if (peers[action.index]) peers[action.index]->transport->disconnect();
    } else {
      const RecordedMessage& message = room.messages[action.index];
      Endpoint* peer = peers[message.peer];
      if (peer == nullptr || peer->disconnected()) continue;
      if (!peer->connected()) world.run_until([&] { return peer->connected() || peer->disconnected(); }, 10s);
      const auto reliability = message.unreliable ? transport::Reliability::unreliable : transport::Reliability::reliable;
      if (peer->transport->send(message.packet, {reliability, {}}))
        sent[message.peer].push_back({message.packet, message.unreliable, action.index});
    }
  }
  std::size_t expected = 0;
  for (const auto& s : sent) expected += s.size();
  world.run_until([&] { return world.tut().all<MessageReceived>().size() >= expected || world.tut().disconnected(); }, 10s);
  world.run_for(1s);  // anything extra (a duplicate) has time to show

  const auto received = world.tut().all<MessageReceived>();
  const bool reported = world.tut().disconnected();
  // Arrival times from the transcript's event lines, in the order the events came.
  for (const TraceLine& line : context.transcript()) {
    if (line.from == "tut" && line.label == "event: message") run.observation.arrival_ns.push_back(line.time_ns - core::to_ns(welcome));
  }
  // The transport's handshake round trips, as its own frames went out and came back.
  // (A flag and a plain value: GCC 12 -O2 takes an optional's value here for maybe-uninitialized.)
  bool asking = false;
  std::int64_t asked_ns = 0;
  for (const TraceLine& line : context.transcript()) {
    if (line.from == "tut" && (line.label == "peer_identification" || line.label == "signed_challenge_for_server")) {
      asking = true;
      asked_ns = line.time_ns;
    }
    if (line.to == "tut" && asking && (line.label == "challenge_message" || line.label == "welcome_message")) {
      run.observation.round_trip_ns.push_back(line.time_ns - asked_ns);
      asking = false;
    }
  }
  std::vector<std::vector<const MessageReceived*>> by_peer(room.peers.size());
  std::vector<std::size_t> sender_peer;  // of each packet the transport got
  for (std::size_t k = 0; k < received.size(); ++k) {
    std::size_t peer = room.peers.size();
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (peers[i] && peers[i]->address == received[k].sender) peer = i;
    }
    if (peer == room.peers.size()) {
      run.outcome = fail("the transport's packet #" + std::to_string(k) + " names sender '" + received[k].sender +
                         "', who is not one of the room's peers");
      return run;
    }
    by_peer[peer].push_back(&received[k]);
    sender_peer.push_back(peer);
  }
  // Which recorded message each arrival is (for the exact replay's timing comparison).
  std::vector<std::size_t> cursor(room.peers.size(), 0);
  for (std::size_t k = 0; k < received.size(); ++k) {
    const std::size_t peer = sender_peer[k];
    std::size_t& c = cursor[peer];
    while (c < sent[peer].size() && sent[peer][c].bytes != received[k].packet) ++c;
    run.observation.arrival_message.push_back(c < sent[peer].size() ? sent[peer][c++].message : static_cast<std::size_t>(-1));
  }
  for (std::size_t i = 0; i < room.peers.size(); ++i) {
    const std::string name = "peer " + std::to_string(i) + " (recorded alias " + std::to_string(room.peers[i].alias) + ")";
    if (auto problem = check_peer_delivery(sent[i], by_peer[i], name, reported)) {
      run.outcome = fail(*problem);
      return run;
    }
  }
  run.outcome = pass(std::to_string(received.size()) + " of " + std::to_string(expected) + " replayed packets from " +
                     std::to_string(room.peers.size()) + " peers, each peer's reliable ones exactly once and in order" +
                     (reported ? " (up to the disconnect it reported)" : ""));
  return run;
}

}  // namespace

Case recorded_room_case(std::shared_ptr<const RecordedRoom> room, ReplayMode mode) {
  Case c;
  c.id = mode == ReplayMode::exact ? "recorded.exact" : "recorded.weather";
  c.level = Level::must;
  c.proves = mode == ReplayMode::exact
                 ? "The recorded room's peers' packets reach the transport, each peer's reliable ones exactly once and in order, at "
                   "the recorded times over the fitted latency"
                 : "The same under the recording's fitted weather (latency, jitter, loss): stream faults never reorder, duplicate "
                   "or lose a peer's reliable packets";
  c.spec = "comms-transports.md §3.1 (one WsPacket per message of a TCP websocket), §3.4 (peer updates relayed, no echo)";
  c.requires_type = "ws-room";
  c.run = [room, mode](CaseContext& context) { return replay(context, *room, mode).outcome; };
  return c;
}

ReplayObservation observe_replay(const RecordedRoom& room, ReplayMode mode, const TransportUnderTest& transport, std::uint64_t seed) {
  CaseContext context(transport, seed);
  ReplayRun run = replay(context, room, mode);
  return run.observation;
}

}  // namespace dclcomms::conformance
