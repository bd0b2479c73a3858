// simulator cases (spec §7.2, docs/simulator-transport.md): a `simulator:` transport is a crowd of
// virtual explorers behind a private network. It runs on the harness's clock (a RoomWorld host's
// runtime) and must never use the harness's network: the world's scripted server and simulation
// are there to notice if it does.
#include "cases.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "../src/delivery_checks.hpp"
#include "../src/room_world.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/sim/weather.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::Connected;
using transport::Disconnected;
using transport::MessageReceived;

const std::string s72 = "comms-transports.md §7.2, docs/simulator-transport.md";

// A crowd for `context`'s seed: the same case seed gives the same crowd.
std::string crowd_uri(CaseContext& context, int peers, const std::string& behaviour, std::uint64_t seed_offset = 0) {
  return "simulator:?peers=" + std::to_string(peers) + "&seed=" + std::to_string(context.seed() % 1'000'000'007 + seed_offset) +
         "&profile=lan&behaviour=" + behaviour;
}

struct Crowd {
  RoomWorld world;
  std::string error;

  Crowd(CaseContext& context, const std::string& uri) : world(context, RoomWorld::ServerKind::scripted, *sim::weather_profile("lan")) {
    if (auto refused = world.create_tut(uri)) {
      error = "the factory refused '" + uri + "': " + *refused;
      return;
    }
    world.connect_tut();
    if (!world.run_until([&] { return world.tut().connected() || world.tut().disconnected(); }, 5s) || !world.tut().connected()) {
      error = "no Connected within 5 s of connect()";
    }
  }
};

bool is_address(const std::string& text) {
  if (text.size() != 42 || text.rfind("0x", 0) != 0) return false;
  return text.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
}

// Follows presence through the events: who the transport has said is in the room.
class Presence {
 public:
  // Returns what is wrong with `event` given the presence so far ("" if nothing), then applies it.
  std::string apply(const transport::TransportEvent& event) {
    if (const auto* c = std::get_if<Connected>(&event)) {
      for (const auto& p : c->peers) present_.insert(p);
    } else if (const auto* j = std::get_if<transport::PeerJoined>(&event)) {
      if (!present_.insert(j->address).second) return "PeerJoined for " + j->address + ", which was already present";
      ++joins_;
    } else if (const auto* l = std::get_if<transport::PeerLeft>(&event)) {
      if (present_.erase(l->address) == 0) return "PeerLeft for " + l->address + ", which was not present";
      ++leaves_;
    } else if (const auto* m = std::get_if<MessageReceived>(&event)) {
      if (!present_.contains(m->sender)) return "a packet attributed to " + m->sender + ", which is not in the room";
    }
    return "";
  }
  int joins() const { return joins_; }
  int leaves() const { return leaves_; }

 private:
  std::set<std::string> present_;
  int joins_ = 0;
  int leaves_ = 0;
};

CaseOutcome connect_gives_connected(CaseContext& context) {
  Crowd crowd(context, crowd_uri(context, 10, "walker:1"));
  if (!crowd.error.empty()) return fail(crowd.error);
  const auto peers = crowd.world.tut().all<Connected>().front().peers;
  if (peers.empty() || peers.size() > 10) return fail("Connected lists " + std::to_string(peers.size()) + " peers for a crowd of 10");
  std::set<std::string> distinct;
  for (const auto& p : peers) {
    if (!is_address(p)) return fail("Connected lists '" + p + "', not a lowercase 0x address");
    if (!distinct.insert(p).second) return fail("Connected lists " + p + " twice");
  }
  return pass("Connected with " + std::to_string(peers.size()) + " of 10 virtual peers present");
}

CaseOutcome join_and_leave(CaseContext& context) {
  // Idle peers send little (announces only), so two minutes of presence stay readable.
  Crowd crowd(context, crowd_uri(context, 20, "idle:1"));
  if (!crowd.error.empty()) return fail(crowd.error);
  crowd.world.run_for(120s);
  Presence presence;
  for (const auto& event : crowd.world.tut().events) {
    if (auto wrong = presence.apply(event); !wrong.empty()) return fail(wrong);
  }
  if (presence.joins() == 0)
    return fail("no virtual peer joined (PeerJoined) in 120 s with 20 peers: peers are documented to arrive and return");
  if (presence.leaves() == 0) return fail("no virtual peer left (PeerLeft) in 120 s with 20 peers: sessions are documented to end");
  return pass(std::to_string(presence.joins()) + " joins and " + std::to_string(presence.leaves()) +
              " leaves, each consistent with presence");
}

CaseOutcome packets_decode_from_present_peers(CaseContext& context) {
  Crowd crowd(context, crowd_uri(context, 6, "walker:1,runner:1,chatter:1,emoter:1"));
  if (!crowd.error.empty()) return fail(crowd.error);
  crowd.world.run_for(20s);
  Presence presence;
  std::set<int> kinds;
  int messages = 0;
  for (const auto& event : crowd.world.tut().events) {
    if (auto wrong = presence.apply(event); !wrong.empty()) return fail(wrong);
    const auto* m = std::get_if<MessageReceived>(&event);
    if (!m) continue;
    ++messages;
    auto packet = codec::decode_packet(m->packet);
    if (!packet)
      return fail("a packet from " + m->sender + " does not decode as an RFC-4 Packet (" + packet.error().message +
                  "): " + core::to_hex(m->packet));
    if (packet->message_case() == codec::Packet::MESSAGE_NOT_SET) return fail("a packet from " + m->sender + " carries no message");
    kinds.insert(static_cast<int>(packet->message_case()));
  }
  if (messages == 0) return fail("no packet from 6 virtual explorers in 20 s");
  return pass(std::to_string(messages) + " packets of " + std::to_string(kinds.size()) +
              " message types, all decodable, all from present peers");
}

CaseOutcome positions_at_documented_rate(CaseContext& context) {
  constexpr int peers = 5;
  Crowd crowd(context, crowd_uri(context, peers, "walker:1"));
  if (!crowd.error.empty()) return fail(crowd.error);
  crowd.world.run_for(1s);
  const std::size_t window_start = crowd.world.tut().events.size();
  constexpr auto window = 10s;
  crowd.world.run_for(window);
  Presence presence;
  std::map<std::string, std::vector<std::uint32_t>> indices;  // positions per peer inside the window
  std::set<std::string> churned;                              // joined or left inside the window
  const auto& events = crowd.world.tut().events;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (auto wrong = presence.apply(events[i]); !wrong.empty()) return fail(wrong);
    if (i < window_start) continue;
    if (const auto* j = std::get_if<transport::PeerJoined>(&events[i])) churned.insert(j->address);
    if (const auto* l = std::get_if<transport::PeerLeft>(&events[i])) churned.insert(l->address);
    const auto* m = std::get_if<MessageReceived>(&events[i]);
    if (!m) continue;
    auto packet = codec::decode_packet(m->packet);
    if (packet && packet->has_position()) indices[m->sender].push_back(packet->position().index());
  }
  const auto present_at_start = crowd.world.tut().all<Connected>().front().peers;
  int measured = 0;
  for (const auto& peer : present_at_start) {
    if (churned.contains(peer)) continue;
    ++measured;
    const auto& seen = indices[peer];
    // Documented: one Position per 100 ms while walking (the kernel's SimulationRoom: 60 ms).
    const double per_second = static_cast<double>(seen.size()) / 10.0;
    if (per_second < 9.0 || per_second > 17.5) {
      return fail(peer + " sent " + std::to_string(seen.size()) +
                  " Positions in 10 s; expected about 100 (10 Hz), at most 167 (the kernel's 60 ms)");
    }
    for (std::size_t k = 1; k < seen.size(); ++k) {
      if (seen[k] <= seen[k - 1])
        return fail(peer + "'s Position index went from " + std::to_string(seen[k - 1]) + " to " + std::to_string(seen[k]));
    }
  }
  if (measured == 0) return unsupported("no peer stayed in the room for the whole window with this seed");
  return pass(std::to_string(measured) + " walkers each sent Positions at 9-17.5 Hz with increasing index");
}

// The transport's events, step by step, as text: what "the same event sequence" compares.
std::vector<std::string> transcript(CaseContext& context, const std::string& uri, std::string& error) {
  Crowd crowd(context, uri);
  if (!crowd.error.empty()) {
    error = crowd.error;
    return {};
  }
  std::vector<std::string> lines;
  std::size_t seen = 0;
  for (int step = 0; step < 100; ++step) {  // 10 s in 100 ms steps: timing is part of the sequence
    crowd.world.run_for(100ms);
    const auto& events = crowd.world.tut().events;
    for (; seen < events.size(); ++seen) lines.push_back(std::to_string(step) + " " + event_json(events[seen]));
  }
  return lines;
}

CaseOutcome same_seed_same_events(CaseContext& context) {
  const auto uri = crowd_uri(context, 4, "walker:1,chatter:1,emoter:1");
  std::string error;
  const auto first = transcript(context, uri, error);
  if (!error.empty()) return fail(error);
  const auto second = transcript(context, uri, error);
  if (!error.empty()) return fail(error);
  if (first.size() < 10) return fail("only " + std::to_string(first.size()) + " events in 10 s: nothing to compare");
  for (std::size_t i = 0; i < std::min(first.size(), second.size()); ++i) {
    if (first[i] != second[i])
      return fail("the same URI diverged at event #" + std::to_string(i) + ": '" + first[i] + "' then '" + second[i] + "'");
  }
  if (first.size() != second.size()) {
    return fail("the same URI gave " + std::to_string(first.size()) + " then " + std::to_string(second.size()) + " events");
  }
  const auto other = transcript(context, crowd_uri(context, 4, "walker:1,chatter:1,emoter:1", 1), error);
  if (!error.empty()) return fail(error);
  if (other == first) return fail("a different seed gave the very same events: the seed is ignored");
  return pass(std::to_string(first.size()) + " events identical for the same URI, different for another seed");
}

CaseOutcome disconnect_stops_events(CaseContext& context) {
  Crowd crowd(context, crowd_uri(context, 5, "walker:1,chatter:1"));
  if (!crowd.error.empty()) return fail(crowd.error);
  crowd.world.run_for(3s);
  crowd.world.tut().transport->disconnect();
  if (!crowd.world.run_until([&] { return crowd.world.tut().disconnected(); }, 5s))
    return fail("no Disconnected within 5 s of disconnect()");
  const std::size_t at_disconnect = crowd.world.tut().events.size();
  crowd.world.run_for(30s);
  const auto& events = crowd.world.tut().events;
  if (events.size() != at_disconnect) {
    return fail(std::to_string(events.size() - at_disconnect) + " events after Disconnected, the first a " +
                std::string(transport::event_name(events[at_disconnect])));
  }
  if (!std::holds_alternative<Disconnected>(events.back())) return fail("events continued after Disconnected");
  codec::Packet chat;
  chat.mutable_chat()->set_message("anyone?");
  const auto status = crowd.world.tut().transport->send(codec::encode_packet(chat), {});
  // The crowd lives inside the transport: an answer to the late send would be an event after
  // Disconnected, which the check above already rules out. What is left is the refusal, where declared.
  crowd.world.run_for(1s);
  if (events.size() != at_disconnect)
    return fail("a send after Disconnected produced " + std::string(transport::event_name(events[at_disconnect])));
  if (auto problem = check_send_after_disconnect(status, 0, context.transport().capabilities.typed_send_refusals)) return fail(*problem);
  return pass();
}

CaseOutcome nothing_on_harness_network(CaseContext& context) {
  Crowd crowd(context, crowd_uri(context, 5, "walker:1,chatter:1"));
  if (!crowd.error.empty()) return fail(crowd.error);
  const auto peers = crowd.world.tut().all<Connected>().front().peers;
  // Ask a present peer for its profile (upper-case hex: addresses compare case-insensitively):
  // the answer comes from inside the crowd, after 0-100 ms (spec §7.2).
  std::string asked;
  if (!peers.empty()) {
    asked = peers.front();
    std::string shouted = asked;
    for (std::size_t i = 2; i < shouted.size(); ++i) shouted[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(shouted[i])));
    codec::Packet request;
    request.mutable_profile_request()->set_address(shouted);
    if (!crowd.world.tut().transport->send(codec::encode_packet(request), {})) return fail("the ProfileRequest was refused");
  }
  crowd.world.run_for(10s);
  if (crowd.world.tut_connection_attempts() != 0)
    return fail("the transport opened " + std::to_string(crowd.world.tut_connection_attempts()) + " connections on the harness's network");
  const auto& stats = crowd.world.simulation().stats();
  if (stats.messages_sent != 0 || stats.datagrams_sent != 0) {
    return fail("the harness's network carried " + std::to_string(stats.messages_sent) + " messages and " +
                std::to_string(stats.datagrams_sent) + " datagrams");
  }
  if (asked.empty()) return pass("no peer present to ask for a profile; nothing on the harness's network");
  for (const auto& m : crowd.world.tut().all<MessageReceived>()) {
    auto packet = codec::decode_packet(m.packet);
    if (m.sender == asked && packet && packet->has_profile_response()) {
      if (packet->profile_response().base_url() != "https://peer.decentraland.org") {
        return fail("the ProfileResponse names base_url '" + packet->profile_response().base_url() +
                    "', expected https://peer.decentraland.org");
      }
      return pass("nothing on the harness's network; the ProfileRequest was answered from inside the crowd");
    }
  }
  return fail("a ProfileRequest for " + asked + " (present) got no ProfileResponse from it within 10 s");
}

}  // namespace

void add_simulator_cases(std::vector<Case>& cases) {
  cases.push_back({"simulator.connect.connected", Level::must,
                   "connect() gives Connected listing distinct virtual peers by lowercase address.", s72, "simulator",
                   connect_gives_connected});
  cases.push_back({"simulator.peers.join_and_leave", Level::must,
                   "Virtual explorers arrive and leave over time as PeerJoined / PeerLeft consistent with who is present.", s72,
                   "simulator", join_and_leave});
  cases.push_back({"simulator.packets.decodable_from_present_peers", Level::must,
                   "Every packet is a decodable RFC-4 Packet attributed to a peer the transport has said is present.", s72 + ", §8.1",
                   "simulator", packets_decode_from_present_peers});
  cases.push_back({"simulator.positions.documented_rate", Level::should,
                   "Walking peers send Positions at the documented 10 Hz (the kernel's 16.7 Hz at most) with increasing index.", s72,
                   "simulator", positions_at_documented_rate});
  cases.push_back({"simulator.determinism.same_seed_same_events", Level::must,
                   "The same URI and seed give the same event sequence at the same times; another seed gives another.", s72, "simulator",
                   same_seed_same_events});
  cases.push_back({"simulator.lifecycle.disconnect_stops_events", Level::must,
                   "After disconnect() and its Disconnected, no event follows and a send is refused or dropped.", s72 + ", §1.2",
                   "simulator", disconnect_stops_events});
  cases.push_back({"simulator.network.nothing_on_harness_network", Level::must,
                   "The crowd lives inside the transport: nothing goes on the harness's network, and ProfileRequests are answered locally.",
                   s72, "simulator", nothing_on_harness_network});
}

}  // namespace dclcomms::conformance
