// livekit cases (spec §6): joining, participants, data packing and kinds, targeted sends, duplicate
// identity, token time window, payload limit, no echo, reliable data under weather. Each runs in a
// LivekitWorld: our SFU model, reference participants as bare LiveKit sessions (so the data kind
// that arrived is visible), the transport under test on its own host.
#include "cases.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "../src/arbitrary_packets.hpp"
#include "../src/delivery_checks.hpp"
#include "../src/livekit_world.hpp"
#include "../src/one_tick_calls.hpp"
#include "../src/sized_packets.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/sim/weather.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::Connected;
using transport::Disconnected;
using transport::MessageReceived;
using transport::Reliability;

const std::string s6 = "comms-transports.md §6";

sim::LinkFaults lan() { return *sim::weather_profile("lan"); }

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + item;
  return out + "]";
}

std::vector<std::string> sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

std::string lower(std::string text) {
  for (char& c : text) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return text;
}

codec::Bytes chat(const std::string& text) {
  codec::Packet p;
  p.mutable_chat()->set_message(text);
  return codec::encode_packet(p);
}

// How many copies of `payload` reached `peer`.
std::size_t copies_at(const Participant& peer, const codec::Bytes& payload) {
  return static_cast<std::size_t>(
      std::count_if(peer.received.begin(), peer.received.end(), [&](const auto& d) { return d.payload == payload; }));
}

// `count` distinct arbitrary packets (distinct, so that each arrival names the packet it is), each
// with its RapidCheck shrink tree.
struct Arbitrary {
  rc::Shrinkable<codec::Packet> packet;
  codec::Bytes bytes;
};
std::vector<Arbitrary> distinct_arbitrary_packets(std::uint64_t seed, std::string_view stream, std::size_t count) {
  ArbitraryPackets packets(seed, stream);
  std::vector<Arbitrary> out;
  while (out.size() < count) {
    auto packet = packets.next(static_cast<int>(count));
    auto bytes = codec::encode_packet(packet.value());
    const bool seen = std::any_of(out.begin(), out.end(), [&](const Arbitrary& a) { return a.bytes == bytes; });
    if (!seen) out.push_back({std::move(packet), std::move(bytes)});
  }
  return out;
}

// How one packet's delivery went wrong, as a class ("" when it went right): shrinking keeps a
// smaller packet only when it fails in the same way, so the minimal packet shows the same flaw.
std::string delivery_problem(const std::vector<Participant::Data>& got, const codec::Bytes& sent, livekit::DataKind kind,
                             const std::string& sender) {
  if (got.empty()) return "lost";
  if (got.size() > 1) return "twice";
  if (got[0].payload != sent) return "altered";
  if (got[0].sender != sender) return "attributed";
  if (got[0].kind != kind) return "kind";
  return "";
}

// Shrinks a packet that broke an outbound packing case: each candidate is sent alone by a transport
// under test in a fresh world (scratch context: the case's transcript and digest stay its own).
std::string shrunk_outbound(CaseContext& context, const rc::Shrinkable<codec::Packet>& failing, bool unreliable,
                            const std::string& problem) {
  const auto result = shrink(failing, [&](const codec::Packet& candidate) {
    CaseContext scratch(context.transport(), context.seed());
    LivekitWorld world(scratch, lan());
    Participant& peer = world.add_participant();
    if (!world.settle_participants() || !world.join_tut().empty()) return false;
    const auto bytes = codec::encode_packet(candidate);
    if (!world.tut().transport->send(bytes, {unreliable ? Reliability::unreliable : Reliability::reliable, {}})) return false;
    world.run_until([&] { return !peer.received.empty(); }, 5s);
    world.run_for(500ms);
    return delivery_problem(peer.received, bytes, unreliable ? livekit::DataKind::lossy : livekit::DataKind::reliable,
                            world.tut_identity()) == problem;
  });
  return describe(result, true);
}

CaseOutcome connected_lists_participants(CaseContext& context) {
  LivekitWorld world(context, lan());
  world.add_participant();
  world.add_participant();
  if (!world.settle_participants()) return fail("the reference participants could not join the SFU");
  const auto present = world.deployment().participants(world_livekit_room);
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  const auto peers = world.tut().all<Connected>().front().peers;
  if (sorted(peers) != sorted(present)) {
    return fail("Connected.peers is " + list(peers) + ", but the room held " + list(present) + " when it joined");
  }
  return pass("Connected listed the " + std::to_string(present.size()) + " participants present, not itself");
}

// The transport under test joins, then a participant joins and leaves; what the transport reported.
struct JoinThenLeave {
  std::vector<transport::PeerJoined> joined;
  std::vector<transport::PeerLeft> left;
  std::string identity;
};
std::variant<JoinThenLeave, std::string> participant_joins_then_leaves(LivekitWorld& world) {
  if (auto error = world.join_tut(); !error.empty()) return error;
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return std::string("the reference participant could not join");
  world.run_for(1s);  // a PeerJoined, if the transport reports them, shows now
  peer.session->leave();
  world.run_until([&] { return !world.tut().all<transport::PeerLeft>().empty(); }, 10s);
  return JoinThenLeave{world.tut().all<transport::PeerJoined>(), world.tut().all<transport::PeerLeft>(), peer.identity};
}

CaseOutcome peer_leave_reported(CaseContext& context) {
  LivekitWorld world(context, lan());
  auto outcome = participant_joins_then_leaves(world);
  if (const auto* error = std::get_if<std::string>(&outcome)) return fail(*error);
  const auto& seen = std::get<JoinThenLeave>(outcome);
  if (seen.left.size() != 1 || seen.left[0].address != seen.identity) {
    return fail("expected one PeerLeft for " + seen.identity + " after it left, got " + std::to_string(seen.left.size()) +
                (seen.left.empty() ? "" : " (first: '" + seen.left[0].address + "')"));
  }
  // PeerJoined is optional (livekit.peers.join_reported); reported or not, it must name that participant.
  for (const auto& j : seen.joined) {
    if (j.address != seen.identity) return fail("PeerJoined for '" + j.address + "', but the participant that joined is " + seen.identity);
  }
  if (seen.joined.size() > 1) return fail("PeerJoined reported " + std::to_string(seen.joined.size()) + " times for one participant");
  return pass();
}

CaseOutcome peer_join_reported(CaseContext& context) {
  LivekitWorld world(context, lan());
  auto outcome = participant_joins_then_leaves(world);
  if (const auto* error = std::get_if<std::string>(&outcome)) return fail(*error);
  const auto& seen = std::get<JoinThenLeave>(outcome);
  if (seen.joined.size() != 1 || seen.joined[0].address != seen.identity) {
    return fail("expected one PeerJoined for the participant's identity " + seen.identity + ", got " + std::to_string(seen.joined.size()) +
                (seen.joined.empty() ? "" : " (first: '" + seen.joined[0].address + "')"));
  }
  return pass();
}

CaseOutcome outbound_byte_identical(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  core::Prng prng = core::Prng::derive(context.seed(), "livekit-outbound");
  const bool lossy_capable = context.transport().capabilities.unreliable;
  const auto packets = distinct_arbitrary_packets(context.seed(), "livekit-outbound", 40);
  std::vector<bool> unreliable;
  std::vector<codec::Bytes> reliable_order;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    unreliable.push_back(lossy_capable && prng.uniform_below(2) == 1);
    auto status = world.tut().transport->send(packets[i].bytes, {unreliable[i] ? Reliability::unreliable : Reliability::reliable, {}});
    if (!status) return fail("send #" + std::to_string(i) + " refused: " + status.error().message);
    if (!unreliable[i]) reliable_order.push_back(packets[i].bytes);
  }
  // 'lan' loses nothing, so lossy data arrives too (in any order).
  world.run_until([&] { return peer.received.size() >= packets.size(); }, 10s);
  world.run_for(1s);
  // Each packet's own delivery first: the first one that went wrong is shrunk.
  for (std::size_t i = 0; i < packets.size(); ++i) {
    std::vector<Participant::Data> copies;
    for (const auto& data : peer.received) {
      if (data.payload == packets[i].bytes) copies.push_back(data);
    }
    const auto kind = unreliable[i] ? livekit::DataKind::lossy : livekit::DataKind::reliable;
    const std::string problem = delivery_problem(copies, packets[i].bytes, kind, world.tut_identity());
    if (problem.empty()) continue;
    std::string what = "packet #" + std::to_string(i) + " (sent " + (unreliable[i] ? "unreliable" : "reliable") + ") ";
    if (problem == "lost") what += "never arrived byte-identical on a lossless link (lost or altered)";
    if (problem == "twice") what += "arrived " + std::to_string(copies.size()) + " times";
    if (problem == "attributed") what += "arrived attributed to '" + copies[0].sender + "', not " + world.tut_identity();
    if (problem == "kind")
      what += "arrived as " + std::string(livekit::to_string(copies[0].kind)) + " data (expected " + std::string(livekit::to_string(kind)) +
              ")";
    return fail(what + shrunk_outbound(context, packets[i].packet, unreliable[i], problem));
  }
  if (peer.received.size() != packets.size()) {
    return fail("sent " + std::to_string(packets.size()) + " packets, the participant got " + std::to_string(peer.received.size()) +
                " payloads (some never sent: altered?)");
  }
  std::vector<codec::Bytes> reliable_seen;
  for (const auto& data : peer.received) {
    if (data.kind == livekit::DataKind::reliable) reliable_seen.push_back(data.payload);
  }
  if (reliable_seen != reliable_order) return fail("reliable packets arrived out of order");
  return pass(std::to_string(packets.size()) + " packets arrived byte-identical, " + std::to_string(reliable_order.size()) +
              " as reliable data, the rest as lossy");
}

// How one inbound packet surfaced wrong, as a class ("" when right; see delivery_problem).
std::string surfacing_problem(const std::vector<MessageReceived>& surfaced, const codec::Bytes& sent, const std::string& sender) {
  std::vector<MessageReceived> copies;
  for (const auto& m : surfaced) {
    if (m.packet == sent) copies.push_back(m);
  }
  if (copies.empty()) return "lost";
  if (copies.size() > 1) return "twice";
  if (copies[0].sender != sender) return "attributed";
  return "";
}

// Shrinks a packet that surfaced wrong: each candidate is published alone by a participant to a
// transport under test in a fresh world.
std::string shrunk_inbound(CaseContext& context, const rc::Shrinkable<codec::Packet>& failing, livekit::DataKind kind,
                           const std::string& problem) {
  const auto result = shrink(failing, [&](const codec::Packet& candidate) {
    CaseContext scratch(context.transport(), context.seed());
    LivekitWorld world(scratch, lan());
    if (!world.join_tut().empty()) return false;
    Participant& from = world.add_participant();
    if (!world.settle_participants()) return false;
    const auto bytes = codec::encode_packet(candidate);
    from.session->publish_data(bytes, kind, {});
    world.run_until([&] { return !world.tut().all<MessageReceived>().empty(); }, 5s);
    world.run_for(500ms);
    return surfacing_problem(world.tut().all<MessageReceived>(), bytes, from.identity) == problem;
  });
  return describe(result, true);
}

CaseOutcome inbound_byte_identical(CaseContext& context) {
  LivekitWorld world(context, lan());
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  Participant& a = world.add_participant();
  Participant& b = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participants could not join");
  core::Prng prng = core::Prng::derive(context.seed(), "livekit-inbound");
  const auto packets = distinct_arbitrary_packets(context.seed(), "livekit-inbound", 40);
  std::vector<livekit::DataKind> kinds;
  std::map<std::string, std::vector<codec::Bytes>> reliable_order;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    Participant& from = i % 2 == 0 ? a : b;
    kinds.push_back(prng.uniform_below(2) == 1 ? livekit::DataKind::lossy : livekit::DataKind::reliable);
    from.session->publish_data(packets[i].bytes, kinds[i], {});
    if (kinds[i] == livekit::DataKind::reliable) reliable_order[from.identity].push_back(packets[i].bytes);
  }
  world.run_until([&] { return world.tut().all<MessageReceived>().size() >= packets.size(); }, 10s);
  world.run_for(1s);
  const auto surfaced = world.tut().all<MessageReceived>();
  // Each packet's own surfacing first: the first one that went wrong is shrunk.
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const std::string& sender = (i % 2 == 0 ? a : b).identity;
    const std::string problem = surfacing_problem(surfaced, packets[i].bytes, sender);
    if (problem.empty()) continue;
    std::string what = "packet #" + std::to_string(i) + " from " + sender + " ";
    if (problem == "lost") what += "never surfaced byte-identical on a lossless link (lost or altered)";
    if (problem == "twice") what += "surfaced more than once";
    if (problem == "attributed") {
      for (const auto& m : surfaced) {
        if (m.packet == packets[i].bytes) what += "surfaced attributed to '" + m.sender + "'";
      }
    }
    return fail(what + shrunk_inbound(context, packets[i].packet, kinds[i], problem));
  }
  if (surfaced.size() != packets.size()) {
    return fail("two participants published " + std::to_string(packets.size()) + " packets, the application got " +
                std::to_string(surfaced.size()) + " (some no participant sent: altered?)");
  }
  std::map<std::string, std::vector<codec::Bytes>> reliable_seen;
  for (const auto& m : surfaced) {
    const auto& order = reliable_order[m.sender];
    if (std::find(order.begin(), order.end(), m.packet) != order.end()) reliable_seen[m.sender].push_back(m.packet);
  }
  for (const auto& [identity, order] : reliable_order) {
    if (reliable_seen[identity] != order) return fail("reliable packets from " + identity + " surfaced out of order");
  }
  return pass(std::to_string(packets.size()) + " packets from two participants surfaced byte-identical with their senders");
}

CaseOutcome targeted_sends(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& p1 = world.add_participant();
  Participant& p2 = world.add_participant();
  Participant& p3 = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participants could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  const auto to_p2 = chat("only for " + p2.identity);
  const auto to_p1_p3 = chat("for " + p1.identity + " and " + p3.identity);
  const auto to_all = chat("for everyone");  // last, reliable: once it is in, the rest had its chance
  if (!world.tut().transport->send(to_p2, {Reliability::reliable, {p2.identity}})) return fail("the targeted reliable send was refused");
  if (!world.tut().transport->send(to_p1_p3, {Reliability::unreliable, {p1.identity, p3.identity}}))
    return fail("the targeted unreliable send was refused");
  if (!world.tut().transport->send(to_all, {Reliability::reliable, {}})) return fail("the broadcast send was refused");
  const auto got = [](const Participant& p, const codec::Bytes& bytes) {
    return std::count_if(p.received.begin(), p.received.end(), [&](const auto& d) { return d.payload == bytes; });
  };
  world.run_until([&] { return got(p1, to_all) && got(p2, to_all) && got(p3, to_all); }, 10s);
  world.run_for(1s);
  const std::vector<std::pair<const Participant*, std::vector<bool>>> expected{{&p1, {false, true, true}},
                                                                               {&p2, {true, false, true}},
                                                                               {&p3, {false, true, true}}};
  const std::vector<std::pair<std::string, const codec::Bytes*>> packets{{"the reliable packet targeted at " + p2.name, &to_p2},
                                                                         {"the unreliable packet targeted at peer-1 and peer-3", &to_p1_p3},
                                                                         {"the broadcast", &to_all}};
  for (const auto& [participant, wants] : expected) {
    for (std::size_t i = 0; i < packets.size(); ++i) {
      const auto count = got(*participant, *packets[i].second);
      if (wants[i] && count != 1)
        return fail(participant->name + " got " + packets[i].first + " " + std::to_string(count) + " times, expected once");
      if (!wants[i] && count != 0) return fail(participant->name + " got " + packets[i].first + ", which was not addressed to it");
    }
  }
  return pass();
}

CaseOutcome duplicate_identity_no_reconnect(CaseContext& context) {
  LivekitWorld world(context, lan());
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  Participant& twin = world.add_participant(world.tut_identity());  // the same identity, elsewhere
  if (!world.run_until([&] { return world.tut().disconnected(); }, 10s)) {
    return fail("the same identity joined from another host and the transport stayed connected (LiveKit evicts the older session)");
  }
  const auto disconnected = world.tut().all<Disconnected>().front();
  if (!disconnected.kicked)
    return fail("evicted for DUPLICATE_IDENTITY, but Disconnected.kicked is false (reason: " + disconnected.reason + ")");
  world.run_for(30s);
  if (world.tut_join_attempts() != 1)
    return fail("joined " + std::to_string(world.tut_join_attempts()) + " times: it reconnected after the eviction");
  if (world.tut().all<Connected>().size() != 1) return fail("Connected again after the eviction");
  if (twin.closed) return fail("the newer session with the same identity was evicted in turn (the transport fought back)");
  return pass();
}

// A token outside its validity window: refused with an error naming the problem, and no join.
CaseOutcome token_outside_window(CaseContext& context, bool expired) {
  LivekitWorld world(context, lan());
  Participant& witness = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  const auto now = world.deployment().unix_seconds_now();
  const auto token = expired ? world_livekit_token(world.tut_identity(), now - 600, now - 60)
                             : world_livekit_token(world.tut_identity(), now + 600, now + 900);
  const std::vector<std::string> words = expired ? std::vector<std::string>{"expir"}
                                                 : std::vector<std::string>{"not yet valid", "not_yet_valid", "nbf", "not before"};
  const auto names_problem = [&](const std::string& text) {
    return std::any_of(words.begin(), words.end(), [&](const auto& w) { return lower(text).find(w) != std::string::npos; });
  };
  const std::string what = expired ? "an expired token" : "a token not valid yet";
  std::string error;
  if (auto refused = world.create_tut(LivekitDeployment::uri(token))) {
    error = *refused;  // refusing at creation is earlier still
  } else {
    auto status = world.tut().transport->connect();
    if (!status) error = status.error().message;
    world.run_until([&] { return world.tut().connected() || world.tut().disconnected(); }, 20s);
    if (world.tut().connected()) return fail("joined the room with " + what);
    if (error.empty() && world.tut().disconnected()) error = world.tut().all<Disconnected>().front().reason;
    if (error.empty()) return fail("connect() with " + what + " neither failed nor ended in Disconnected within 20 s");
  }
  world.run_for(1s);
  if (world.deployment().joins() != 1) return fail("the SFU admitted a session with " + what);
  if (!witness.saw_join.empty()) return fail("a participant saw " + witness.saw_join.front() + " join with " + what);
  if (!names_problem(error)) return fail("refused, but the error does not say why (expected it to name the token's time window): " + error);
  return pass("refused: " + error);
}

// LiveKit's data channel carries at most 64 KiB - 1 per packet (its negotiated SCTP maximum): a larger
// packet closes the channel (spec §9.2), which is why every client keeps a limit of its own.
constexpr std::size_t livekit_sctp_payload_bytes_max = 65535;

CaseOutcome oversize_refused_cleanly(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  const auto& capabilities = context.transport().capabilities;
  // Without a declared limit, the channel's own is the one no client may cross (the kernel drops
  // above 65000 bytes, hammurabi above 30000: a packet at the channel's limit need not arrive).
  const std::size_t limit = capabilities.payload_bytes_max.value_or(livekit_sctp_payload_bytes_max);
  const auto before = chat("before");
  const auto after = chat("after");
  std::vector<codec::Bytes> expected{before};
  if (!world.tut().transport->send(before, {})) return fail("a small packet was refused");
  if (capabilities.payload_bytes_max) {
    const auto at_limit = chat_packet_of_size(limit);
    if (!world.tut().transport->send(at_limit, {}))
      return fail("a packet of exactly the declared maximum (" + std::to_string(limit) + " bytes) was refused");
    expected.push_back(at_limit);
  }
  const codec::Bytes huge(limit + 1, 0x00);
  auto status = world.tut().transport->send(huge, {});
  if (status.ok() && capabilities.typed_send_refusals) {
    return fail("a packet of " + std::to_string(huge.size()) +
                " bytes (over the maximum) was accepted; the transport declares typed_send_refusals");
  }
  if (!status.ok() && status.error().code != transport::TransportErrorCode::packet_too_large) {
    return fail("refused with " + std::string(transport::to_string(status.error().code)) + ", expected packet_too_large");
  }
  if (!world.tut().transport->send(after, {})) return fail("a small packet after the refused one was refused too");
  expected.push_back(after);
  world.run_until([&] { return peer.received.size() >= expected.size(); }, 10s);
  world.run_for(1s);
  std::vector<codec::Bytes> got;
  for (const auto& d : peer.received) got.push_back(d.payload);
  if (got != expected) {
    return fail("expected exactly the " + std::to_string(expected.size()) + " accepted packets in order at the participant, got " +
                std::to_string(got.size()) + " packets");
  }
  if (world.tut().disconnected()) return fail("the refused packet ended the session");
  return pass(std::string(status.ok() ? "dropped without an error" : "refused with packet_too_large") + " over " + std::to_string(limit) +
              " bytes; the packets around it arrived");
}

// Every size of the ladder up to the declared limit, both ways, byte-identical (a Level::capability
// case: without a declared limit, a client may cap lower — hammurabi at 30000 bytes).
CaseOutcome sizes_up_to_the_limit(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  const std::size_t limit = *context.transport().capabilities.payload_bytes_max;
  const auto sizes = payload_size_ladder(std::min(limit, livekit_sctp_payload_bytes_max));
  std::vector<codec::Bytes> sent;
  for (const auto size : sizes) {
    sent.push_back(chat_packet_of_size(size));
    if (auto status = world.tut().transport->send(sent.back(), {Reliability::reliable, {}}); !status) {
      return fail("a packet of " + std::to_string(size) + " bytes (the declared limit is " + std::to_string(limit) +
                  ") was refused: " + status.error().message);
    }
    peer.session->publish_data(sent.back(), livekit::DataKind::reliable, {});
  }
  world.run_until([&] { return peer.received.size() >= sent.size() && world.tut().all<MessageReceived>().size() >= sent.size(); }, 10s);
  std::vector<codec::Bytes> at_peer, at_tut;
  for (const auto& d : peer.received) at_peer.push_back(d.payload);
  for (const auto& m : world.tut().all<MessageReceived>()) at_tut.push_back(m.packet);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (i >= at_peer.size() || at_peer[i] != sent[i])
      return fail("the packet of " + std::to_string(sizes[i]) + " bytes it sent did not reach the participant intact");
    if (i >= at_tut.size() || at_tut[i] != sent[i])
      return fail("the packet of " + std::to_string(sizes[i]) + " bytes published to it did not surface intact");
  }
  return pass(std::to_string(sizes.size()) + " sizes from " + std::to_string(sizes.front()) + " to " + std::to_string(sizes.back()) +
              " bytes, both ways");
}

CaseOutcome no_echo(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  (void)world.tut().transport->send(chat("mine, reliable"), {Reliability::reliable, {}});
  (void)world.tut().transport->send(chat("mine, unreliable"), {Reliability::unreliable, {}});
  world.run_until([&] { return peer.received.size() >= 2; }, 5s);
  world.run_for(1s);
  for (const auto& m : world.tut().all<MessageReceived>()) return fail("its own packet came back as a message from '" + m.sender + "'");
  if (peer.received.empty()) return fail("nothing reached the participant either: the check proves nothing");
  return pass();
}

CaseOutcome cut_off_is_reported(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  const sim::HostId sfu = world.deployment().sfu_host();
  const sim::HostId tut = world.tut().host;
  // A path that silently drops everything: only the signal channel's pings can tell.
  world.simulation().partition(std::span(&sfu, 1), std::span(&tut, 1));
  if (!world.run_until([&] { return world.tut().disconnected(); }, 60s)) {
    return fail("cut off from the SFU, the transport reported nothing within 60 s (the session's ping timeout is 15 s)");
  }
  const auto disconnected = world.tut().all<Disconnected>();
  if (disconnected.size() != 1) return fail("Disconnected was reported " + std::to_string(disconnected.size()) + " times");
  if (disconnected.front().kicked) return fail("a lost connection was reported as a kick");
  if (!world.run_until([&] { return !peer.saw_leave.empty(); }, 30s)) return fail("the room never saw the silent participant leave");
  // The path heals: a transport that rejoined behind the application's back would now deliver a
  // late send to the participant.
  world.simulation().heal();
  const auto late = chat("into the void");
  const auto status = world.tut().transport->send(late, {});
  world.run_for(10s);
  if (auto problem = check_send_after_disconnect(status, copies_at(peer, late), context.transport().capabilities.typed_send_refusals))
    return fail(*problem);
  return pass();
}

CaseOutcome disconnect_leaves_room(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  world.tut().transport->disconnect();
  world.run_until([&] { return world.tut().disconnected() && !peer.saw_leave.empty(); }, 10s);
  if (!world.tut().disconnected()) return fail("disconnect() was not followed by Disconnected within 10 s");
  world.run_for(2s);  // a second Disconnected, or an event after it, would show now
  if (auto problem = check_ended_once(world.tut().events, "disconnect()")) return fail(*problem);
  if (peer.saw_leave != std::vector<std::string>{world.tut_identity()}) {
    return fail("the other participant did not see " + world.tut_identity() + " leave (saw " + list(peer.saw_leave) + ")");
  }
  if (const auto present = world.deployment().participants(world_livekit_room); present != std::vector<std::string>{peer.identity}) {
    return fail("after the leave the room lists " + list(present) + ", expected only " + peer.identity);
  }
  return pass();
}

CaseOutcome sends_before_disconnect_arrive(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto error = world.join_tut(); !error.empty()) return fail(error);
  constexpr int count = 5;
  std::vector<TransportCall> calls;
  for (int i = 0; i < count; ++i)
    calls.push_back(TransportCall::send(chat("last words " + std::to_string(i)), {Reliability::reliable, {}}));
  calls.push_back(TransportCall::disconnect());
  const auto result = call_in_one_tick(*world.tut().transport, calls);
  world.run_until([&] { return !peer.saw_leave.empty(); }, 10s);
  world.run_for(2s);
  std::vector<codec::Bytes> accepted, got;
  for (int i = 0; i < count; ++i) {
    if (result.statuses[i]) accepted.push_back(calls[i].packet);
  }
  for (const auto& d : peer.received) got.push_back(d.payload);
  if (got != accepted) {
    return fail(
        std::to_string(count) + " reliable packets were sent in the same tick as disconnect() and " + std::to_string(accepted.size()) +
        " were accepted; the participant got " + std::to_string(got.size()) +
        (got.size() < accepted.size() ? ": accepted packets were lost without a word" : ", not exactly the accepted ones in order"));
  }
  if (auto problem = check_ended_once(world.tut().events, "sends then disconnect() in one tick")) return fail(*problem);
  return passed_in_one_tick(result, accepted.size() == count ? "all " + std::to_string(count) + " arrived before the leave"
                                                             : std::to_string(accepted.size()) + " accepted and arrived, the rest refused");
}

CaseOutcome connect_then_disconnect_in_one_tick(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto refused = world.create_tut()) return fail("the factory refused a valid livekit URI: " + *refused);
  const std::vector<TransportCall> calls{TransportCall::connect(), TransportCall::disconnect()};
  const auto result = call_in_one_tick(*world.tut().transport, calls);
  world.run_for(10s);  // long enough for a join that outlived the disconnect() to complete
  if (world.tut().connected()) return fail("reported Connected after connect() and disconnect() in one tick");
  if (const auto present = world.deployment().participants(world_livekit_room); present != std::vector<std::string>{peer.identity}) {
    return fail("connect() and disconnect() in one tick, yet 10 s later the room lists " + list(present) + ", expected only " +
                peer.identity);
  }
  if (world.tut_join_attempts() > 1) return fail("joined " + std::to_string(world.tut_join_attempts()) + " times");
  if (auto problem = check_ended_once(world.tut().events, "connect() and disconnect() in one tick")) return fail(*problem);
  return passed_in_one_tick(result, world.tut_join_attempts() == 0 ? "joined nothing; one Disconnected"
                                                                   : "the join it started was left; one Disconnected");
}

CaseOutcome send_before_connected(CaseContext& context) {
  LivekitWorld world(context, lan());
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return fail("the reference participant could not join");
  if (auto refused = world.create_tut()) return fail("the factory refused a valid livekit URI: " + *refused);
  const auto early = chat("too early");
  const std::vector<TransportCall> calls{TransportCall::connect(), TransportCall::send(early, {Reliability::reliable, {}})};
  const auto result = call_in_one_tick(*world.tut().transport, calls);
  if (!result.statuses[0]) return fail("connect() refused: " + result.statuses[0].error().message);
  if (!world.run_until([&] { return world.tut().connected() || world.tut().disconnected(); }, 10s) || !world.tut().connected()) {
    return fail("a send before Connected kept the transport from joining (no Connected within 10 s)");
  }
  world.run_for(2s);  // a queued packet goes out now
  std::string how;
  if (auto problem = check_send_before_connected(result.statuses[1], copies_at(peer, early),
                                                 context.transport().capabilities.typed_send_refusals, how)) {
    return fail(*problem);
  }
  return passed_in_one_tick(result, how);
}

CaseOutcome reliable_under_weather(CaseContext& context, std::string_view weather) {
  LivekitWorld world(context, *sim::weather_profile(weather));
  Participant& peer = world.add_participant();
  if (!world.settle_participants()) return unsupported("the reference participant could not join under this weather");
  if (auto error = world.join_tut(); !error.empty()) {
    if (!world.tut().disconnected()) return fail(error + " (under " + std::string(weather) + ")");
    // The weather's doing only if the same join succeeds without it (a scratch world, same seed).
    CaseContext scratch(context.transport(), context.seed());
    LivekitWorld clean(scratch, lan());
    if (auto clean_error = clean.join_tut(); !clean_error.empty()) {
      return fail("the join did not finish under this weather, and it does not finish without it either (" + clean_error +
                  "): the weather is not why");
    }
    return unsupported("the join did not finish under this weather (it does without it): " + error);
  }
  constexpr int count = 30;
  std::vector<codec::Bytes> sent;
  for (int i = 0; i < count; ++i) {
    sent.push_back(chat("m" + std::to_string(i)));
    if (!world.tut().transport->send(sent.back(), {Reliability::reliable, {}})) return fail("send refused");
    peer.session->publish_data(sent.back(), livekit::DataKind::reliable, {});
    world.run_for(50ms);
  }
  world.run_until([&] { return world.tut().all<MessageReceived>().size() >= count && peer.received.size() >= count; }, 60s);
  world.run_for(2s);  // room for duplicates to show up
  std::vector<codec::Bytes> at_peer, at_tut;
  for (const auto& d : peer.received) {
    if (d.kind != livekit::DataKind::reliable) return fail("a reliable packet arrived at the participant as lossy data");
    at_peer.push_back(d.payload);
  }
  for (const auto& m : world.tut().all<MessageReceived>()) {
    if (m.sender != peer.identity) return fail("a packet was attributed to '" + m.sender + "'");
    at_tut.push_back(m.packet);
  }
  if (at_peer != sent)
    return fail("the participant got " + std::to_string(at_peer.size()) + " reliable packets, expected the " + std::to_string(count) +
                " sent, once each, in order");
  if (at_tut != sent)
    return fail("the application got " + std::to_string(at_tut.size()) + " reliable packets, expected the " + std::to_string(count) +
                " sent, once each, in order");
  return pass();
}

}  // namespace

void add_livekit_cases(std::vector<Case>& cases) {
  const std::string type = "livekit";
  cases.push_back({"livekit.join.connected_lists_participants", Level::must,
                   "Joining gives Connected listing the participants already in the room (and not itself).",
                   s6 + ".4 (initial list on connect)", type, connected_lists_participants});
  cases.push_back(
      {"livekit.peers.leave_reported", Level::must,
       "A participant leaving becomes PeerLeft carrying its LiveKit identity; a PeerJoined, if reported at all, names that participant.",
       s6 + ".4, §1.2 (PEER_DISCONNECTED), §1.4", type, peer_leave_reported});
  cases.push_back(Case{.id = "livekit.peers.join_reported",
                       .level = Level::capability,
                       .proves = "A participant joining becomes one PeerJoined carrying its LiveKit identity.",
                       .spec = "comms-transports.md §1.1 (join/leave events are an expected addition), §1.2 (the reference shape has no "
                               "PEER_CONNECTED), §6.4 (ParticipantConnected)",
                       .requires_type = type,
                       .run = peer_join_reported,
                       .capability = Capability::peer_joined_events});
  cases.push_back({"livekit.pack.outbound_byte_identical", Level::must,
                   "Arbitrary Packets reach a participant byte-identical as bare payloads: reliable as RELIABLE data, unreliable as LOSSY.",
                   s6 + ".3", type, outbound_byte_identical});
  cases.push_back({"livekit.pack.inbound_byte_identical", Level::must,
                   "Arbitrary Packets published by participants surface byte-identical, attributed to their senders.", s6 + ".3, §1.4",
                   type, inbound_byte_identical});
  cases.push_back(Case{.id = "livekit.targeted.reach_only_targets",
                       .level = Level::capability,
                       .proves = "Sends with targets reach exactly the destination identities, for both data kinds.",
                       .spec = "comms-transports.md §6.3 (destination identities), §1.1 (targeted sends are an expected addition)",
                       .requires_type = type,
                       .run = targeted_sends,
                       .capability = Capability::targeted_sends});
  cases.push_back({"livekit.kick.duplicate_identity_no_reconnect", Level::must,
                   "A second session with the same identity evicts the transport: Disconnected with kicked=true, and no reconnection.",
                   s6 + ".4 (DUPLICATE_IDENTITY), §9.1", type, duplicate_identity_no_reconnect});
  cases.push_back({"livekit.token.expired_refused", Level::must,
                   "An expired access token is refused at connect with an error naming the expiry, and nothing joins.",
                   s6 + ".2 (exp, checked at connect)", type, [](CaseContext& c) { return token_outside_window(c, true); }});
  cases.push_back({"livekit.token.not_yet_valid_refused", Level::must,
                   "An access token not valid yet (nbf in the future) is refused at connect with an error saying so, and nothing joins.",
                   s6 + ".2 (nbf)", type, [](CaseContext& c) { return token_outside_window(c, false); }});
  cases.push_back({"livekit.oversize_refused_cleanly", Level::must,
                   "A packet over the limit (declared, else LiveKit's 65535 bytes) is never sent: refused with packet_too_large or "
                   "dropped; the packets around it all arrive.",
                   s6 + ".3 (kernel drops over 65000 bytes, hammurabi over 30000; SCTP maximum 64 KiB - 1), §9.2", type,
                   oversize_refused_cleanly});
  cases.push_back(
      Case{.id = "livekit.pack.sizes_up_to_the_limit",
           .level = Level::capability,
           .proves = "Packets from 16 KiB up to the declared limit (exactly it, and one byte under) go both ways byte-identical.",
           .spec = s6 + ".3 (LiveKit carries 64 KiB - 1; the kernel caps at 65000 bytes, hammurabi at 30000: only a declared "
                        "limit says what this transport carries), §8.4",
           .requires_type = type,
           .run = sizes_up_to_the_limit,
           .capability = Capability::payload_limit});
  cases.push_back({"livekit.no_echo", Level::must, "The transport never surfaces its own packets as messages.",
                   s6 + ".3, §1.2 (message: a packet from a peer)", type, no_echo});
  cases.push_back({"livekit.lifecycle.disconnect_leaves_room", Level::must,
                   "disconnect() ends the session with Disconnected (not a kick) and the others see the identity leave.", s6 + ".4, §1.2",
                   type, disconnect_leaves_room});
  cases.push_back({"livekit.lifecycle.sends_before_disconnect_arrive", Level::must,
                   "Reliable packets sent in the same tick as disconnect() reach the other participant before the leave, or are refused; "
                   "none is lost without a word.",
                   s6 + ".3 (RELIABLE data), §1.2 (send on a connected adapter)", type, sends_before_disconnect_arrive});
  cases.push_back({"livekit.lifecycle.connect_then_disconnect_in_one_tick", Level::must,
                   "connect() and disconnect() in one tick: no Connected ever, the identity not left in the room, exactly one "
                   "Disconnected (not a kick) and nothing after it.",
                   s6 + ".4, §1.2 (disconnect() closes; DISCONNECTION: our own connection ended)", type,
                   connect_then_disconnect_in_one_tick});
  cases.push_back({"livekit.lifecycle.send_before_connected", Level::must,
                   "A send in the tick of connect(), before Connected, is refused or queued and delivered once; with typed_send_refusals "
                   "it is never accepted and lost.",
                   "comms-transports.md §1.2 (connect() resolves when the adapter can send: earlier sends are outside the contract), §6.3",
                   type, send_before_connected});
  cases.push_back({"livekit.faults.cut_off_is_reported", Level::must,
                   "Cut off from the SFU, the session ends with one Disconnected (not a kick) and the room sees it leave; a later send is "
                   "refused or dropped, never delivered.",
                   s6 + ".4, §1.2", type, cut_off_is_reported});
  for (const char* weather : {"wifi", "congested-venue", "lossy-5pct"}) {
    cases.push_back({std::string("livekit.faults.reliable_exactly_once.") + weather, Level::must,
                     std::string("Reliable data arrives exactly once, in order, both ways, under '") + weather + "' weather.",
                     s6 + ".3 (RELIABLE: ordered, retransmitted)", type,
                     [weather](CaseContext& c) { return reliable_under_weather(c, weather); }});
  }
}

}  // namespace dclcomms::conformance
