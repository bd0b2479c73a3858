// ws-room cases (spec §3): handshake, membership, kicks, packing across the interface, faults.
#include "cases.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../src/arbitrary_packets.hpp"
#include "../src/delivery_checks.hpp"
#include "../src/one_tick_calls.hpp"
#include "../src/room_lifecycle_checks.hpp"
#include "../src/room_world.hpp"
#include "../src/sized_packets.hpp"
#include "dclcomms/auth/auth_chain.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/prng.hpp"
#include "dclcomms/sim/weather.hpp"
#include "dclcomms/sim_room/clock_origin.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using ServerKind = RoomWorld::ServerKind;
using transport::Connected;
using transport::Disconnected;
using transport::MessageReceived;

const std::string peer_a = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

codec::WsPacket challenge(const std::string& text) {
  codec::WsPacket p;
  p.mutable_challenge_message()->set_challenge_to_sign(text);
  return p;
}
codec::WsPacket welcome(ws_room::Alias alias, std::map<ws_room::Alias, std::string> peers = {}) {
  codec::WsPacket p;
  p.mutable_welcome_message()->set_alias(alias);
  for (const auto& [a, address] : peers) (*p.mutable_welcome_message()->mutable_peer_identities())[a] = address;
  return p;
}
codec::WsPacket update(ws_room::Alias from, const codec::Bytes& body, bool unreliable = false) {
  codec::WsPacket p;
  p.mutable_peer_update_message()->set_from_alias(from);
  p.mutable_peer_update_message()->set_body(body.data(), body.size());
  p.mutable_peer_update_message()->set_unreliable(unreliable);
  return p;
}
codec::WsPacket kicked(const std::string& reason) {
  codec::WsPacket p;
  p.mutable_peer_kicked()->set_reason(reason);
  return p;
}
codec::WsPacket join(ws_room::Alias alias, const std::string& address) {
  codec::WsPacket p;
  p.mutable_peer_join_message()->set_alias(alias);
  p.mutable_peer_join_message()->set_address(address);
  return p;
}
codec::WsPacket leave(ws_room::Alias alias) {
  codec::WsPacket p;
  p.mutable_peer_leave_message()->set_alias(alias);
  return p;
}

// A scripted world with the transport under test connected and its first frame received.
struct Scripted {
  RoomWorld world;
  transport::ServerConnectionId connection = 0;
  std::optional<std::string> error;

  explicit Scripted(CaseContext& context) : world(context, ServerKind::scripted, *sim::weather_profile("lan")) {
    if (auto refused = world.create_tut()) {
      error = "the factory refused a valid ws-room URI: " + *refused;
      return;
    }
    world.connect_tut();
    if (!world.run_until([&] { return !world.scripted().received.empty(); }, 10s)) {
      error = "no frame reached the server within 10 s of connect()";
      return;
    }
    connection = world.scripted().opened.front();
  }
  std::vector<codec::WsPacket>& frames() { return world.scripted().received[connection]; }
  void send(const codec::WsPacket& p) { world.scripted().send(connection, p); }
  bool joined_after_welcome() {
    send(welcome(7, {{3, peer_a}}));
    return world.run_until([&] { return world.tut().connected() || world.tut().disconnected(); }, 10s) && world.tut().connected();
  }
};

CaseOutcome identifies_first(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  const auto& first = s.frames().front();
  if (!first.has_peer_identification()) return fail("the first frame is " + describe(first) + ", not peer_identification");
  const std::string& address = first.peer_identification().address();
  if (ws_room::to_lower_ascii(address) != s.world.tut().address) {
    return fail("identified as '" + address + "', but the identity is " + s.world.tut().address);
  }
  return pass();
}

CaseOutcome signs_dcl_challenge(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  const std::string text = "dcl-0.conformance" + std::to_string(context.seed() % 100000);
  s.send(challenge(text));
  if (!s.world.run_until([&] { return s.frames().size() >= 2; }, 5s)) return fail("no answer to the challenge within 5 s");
  const auto& answer = s.frames()[1];
  if (!answer.has_signed_challenge_for_server()) return fail("answered the challenge with " + describe(answer));
  auto chain = auth::parse_auth_chain(answer.signed_challenge_for_server().auth_chain_json());
  if (!chain) return fail("auth_chain_json is not an AuthChain: " + chain.error().message);
  auto verified = auth::verify_auth_chain(*chain, text, sim_room::clock_origin_unix_ms);
  if (!verified) return fail("the AuthChain does not verify for the challenge: " + verified.error().message);
  if (verified->owner_address != s.world.tut().address) return fail("the chain's owner is " + verified->owner_address);
  if (!s.joined_after_welcome()) return fail("no Connected event after the welcome");
  return pass();
}

CaseOutcome refuses_foreign_challenge(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  s.send(challenge("please sign this transfer of 100 MANA"));
  s.world.run_until([&] { return s.frames().size() >= 2 || s.world.tut().disconnected(); }, 5s);
  for (const auto& frame : s.frames()) {
    if (frame.has_signed_challenge_for_server()) return fail("signed a challenge that does not start with \"dcl-\" (a signing oracle)");
  }
  if (!s.world.tut().disconnected()) return fail("stayed connected after a challenge it must refuse");
  return pass();
}

CaseOutcome welcome_without_challenge(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("a welcome straight after identification did not give Connected");
  const auto peers = s.world.tut().all<Connected>().front().peers;
  if (peers != std::vector<std::string>{peer_a}) return fail("Connected.peers does not list the welcome's member " + peer_a);
  return pass();
}

CaseOutcome handshake_timeout(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.world.run_until([&] { return s.world.tut().disconnected(); }, 30s)) {
    return fail("a server that never answers the identification left the transport waiting for 30 s");
  }
  return pass();
}

CaseOutcome kick_no_reconnect(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  s.send(kicked("Already logged in"));
  if (!s.world.run_until([&] { return s.world.tut().disconnected(); }, 5s)) return fail("no Disconnected after WsKicked");
  const auto disconnected = s.world.tut().all<Disconnected>().front();
  if (!disconnected.kicked) return fail("Disconnected.kicked is false after WsKicked");
  s.world.run_for(30s);
  if (s.world.tut_connection_attempts() > 1) return fail("reconnected after being kicked");
  return pass();
}

CaseOutcome kick_before_welcome(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  // What a full world answers an identification with (spec §3.3): a kick, then the close.
  s.send(kicked("This world is full. Try again later."));
  s.world.scripted().carrier->close(s.connection, "world full");
  if (!s.world.run_until([&] { return s.world.tut().disconnected(); }, 5s))
    return fail("no Disconnected within 5 s of a WsKicked during the handshake");
  s.world.run_for(30s);  // long enough for any retry loop (bevy's, godot's) to show
  if (s.world.tut().connected()) return fail("reported Connected after being kicked during the handshake");
  const auto disconnected = s.world.tut().all<Disconnected>();
  if (disconnected.size() != 1) return fail("Disconnected was reported " + std::to_string(disconnected.size()) + " times for one kick");
  if (!disconnected.front().kicked) {
    return fail(
        "a WsKicked before the welcome was reported with kicked=false (a protocol error, not a kick: the kernel's fall-through, spec "
        "§9.11)");
  }
  if (s.world.tut_connection_attempts() > 1) return fail("reconnected after being kicked during the handshake");
  return pass();
}

// The application calls disconnect() while the handshake is still going; the server carries on
// as if it had not noticed (its welcome crosses the close). `answer_challenge_first`: stop after
// the challenge was answered, instead of right after the identification.
CaseOutcome disconnect_during_handshake(CaseContext& context, bool answer_challenge_first) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  std::string stage = "after the identification";
  if (answer_challenge_first) {
    stage = "after answering the challenge";
    s.send(challenge("dcl-0.disconnecting" + std::to_string(context.seed() % 100000)));
    if (!s.world.run_until([&] { return s.frames().size() >= 2 || s.world.tut().disconnected(); }, 5s) || s.frames().size() < 2) {
      return fail("no answer to the challenge within 5 s");
    }
  }
  s.world.tut().transport->disconnect();
  s.send(welcome(7, {{3, peer_a}}));
  const auto& closed = s.world.scripted().closed;
  if (!s.world.run_until([&] { return closed.contains(s.connection); }, 5s)) {
    return fail("disconnect() " + stage + " did not close the connection within 5 s (the server still holds it)");
  }
  s.world.run_for(5s);  // a late Connected, a second Disconnected or a reconnection would show now
  if (s.world.tut().connected()) return fail("reported Connected after disconnect() " + stage);
  if (auto problem = check_ended_once(s.world.tut().events, "disconnect() " + stage)) return fail(*problem);
  if (s.world.tut_connection_attempts() > 1) return fail("opened a new connection after disconnect() " + stage);
  return pass();
}

// A member joins (mixed-case address) and leaves again; returns what the transport reported.
struct JoinThenLeave {
  std::vector<transport::PeerJoined> joined;
  std::vector<transport::PeerLeft> left;
  std::string address;  // lowercase
};
// `address` as the server sends it: lowercase, as servers normalise identities (spec §3.3, §4.3),
// unless a case is about a server that does not (mini-comms keys on the identified address, §9).
std::optional<JoinThenLeave> join_then_leave(Scripted& s, const std::string& address = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") {
  if (!s.joined_after_welcome()) return std::nullopt;
  s.send(join(11, address));
  s.send(leave(11));
  s.world.run_until([&] { return !s.world.tut().all<transport::PeerLeft>().empty(); }, 5s);
  return JoinThenLeave{s.world.tut().all<transport::PeerJoined>(), s.world.tut().all<transport::PeerLeft>(),
                       ws_room::to_lower_ascii(address)};
}

CaseOutcome leave_reported(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  const auto seen = join_then_leave(s);
  if (!seen) return fail("could not join");
  if (seen->left.size() != 1 || seen->left[0].address != seen->address) return fail("no PeerLeft with the address of the member that left");
  // PeerJoined is optional (wsroom.peers.join_reported); reported or not, it must name that member.
  for (const auto& j : seen->joined) {
    if (j.address != seen->address) return fail("PeerJoined for '" + j.address + "', but the member that joined is " + seen->address);
  }
  if (seen->joined.size() > 1) return fail("PeerJoined reported " + std::to_string(seen->joined.size()) + " times for one join");
  return pass();
}

// A server that does not normalise (mini-comms, spec §9) announces a member in mixed case: the
// address the application gets is still the lowercase one every comparison uses (§4.3).
CaseOutcome mixed_case_join_lowercased(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  const std::string mixed = "0xBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBb";
  if (!s.joined_after_welcome()) return fail("could not join");
  s.send(join(11, mixed));
  codec::Packet p;
  p.mutable_chat()->set_message("from a mixed-case member");
  const auto bytes = codec::encode_packet(p);
  s.send(update(11, bytes));
  s.send(leave(11));
  s.world.run_until([&] { return !s.world.tut().all<transport::PeerLeft>().empty(); }, 5s);
  const std::string lower = ws_room::to_lower_ascii(mixed);
  for (const auto& m : s.world.tut().all<MessageReceived>()) {
    if (m.sender != lower)
      return fail("a message from the member announced as " + mixed + " was attributed to '" + m.sender + "', not " + lower);
  }
  for (const auto& l : s.world.tut().all<transport::PeerLeft>()) {
    if (l.address != lower) return fail("PeerLeft for '" + l.address + "', not the lowercase " + lower);
  }
  for (const auto& j : s.world.tut().all<transport::PeerJoined>()) {
    if (j.address != lower) return fail("PeerJoined for '" + j.address + "', not the lowercase " + lower);
  }
  if (s.world.tut().all<MessageReceived>().empty() || s.world.tut().all<transport::PeerLeft>().empty()) {
    return fail("the member's message or leave never surfaced: nothing to judge");
  }
  return pass();
}

CaseOutcome join_reported(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  const auto seen = join_then_leave(s);
  if (!seen) return fail("could not join");
  if (seen->joined.size() != 1 || seen->joined[0].address != seen->address) return fail("no PeerJoined with the member's address");
  // The join must come before the leave of the same member.
  const auto& events = s.world.tut().events;
  const auto joined_at =
      std::find_if(events.begin(), events.end(), [](const auto& e) { return std::holds_alternative<transport::PeerJoined>(e); });
  const auto left_at =
      std::find_if(events.begin(), events.end(), [](const auto& e) { return std::holds_alternative<transport::PeerLeft>(e); });
  if (left_at < joined_at) {
    return fail("PeerLeft was reported before PeerJoined");
  }
  return pass();
}

CaseOutcome stale_leave_and_unknown_alias(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  codec::Packet chat;
  chat.mutable_chat()->set_message("from nowhere");
  s.send(leave(999));                               // a leave for an alias never seen (mini-comms does this)
  s.send(update(998, codec::encode_packet(chat)));  // an update from an alias never announced
  s.world.run_for(1s);
  if (s.world.tut().disconnected()) return fail("disconnected on a stale leave or an unknown alias");
  if (!s.world.tut().all<transport::PeerLeft>().empty()) return fail("reported PeerLeft for an alias it never saw");
  for (const auto& m : s.world.tut().all<MessageReceived>()) {
    return fail("surfaced an update from an unknown alias as coming from '" + m.sender + "'");
  }
  return pass();
}

CaseOutcome unknown_packet_types_ignored(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  s.send(challenge("dcl-late"));
  s.send(codec::WsPacket{});
  s.world.scripted().carrier->send(s.connection, *core::from_hex("f20601ff"));  // field 110: a future packet type
  s.world.run_for(1s);
  if (s.world.tut().disconnected()) return fail("closed on a packet type it does not know (RFC-5 says ignore)");
  return pass();
}

CaseOutcome undecodable_frame_after_welcome(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  // Field 1 (the welcome) announces 5 bytes and carries 1: no protobuf decoder can read it.
  s.world.scripted().carrier->send(s.connection, *core::from_hex("0a05ab"));
  codec::Packet chat;
  chat.mutable_chat()->set_message("after the bad frame");
  const auto body = codec::encode_packet(chat);
  s.send(update(3, body));
  const auto delivered = [&] {
    const auto got = s.world.tut().all<MessageReceived>();
    return std::any_of(got.begin(), got.end(), [&](const MessageReceived& m) { return m.sender == peer_a && m.packet == body; });
  };
  s.world.run_until([&] { return delivered() || s.world.tut().disconnected(); }, 5s);
  s.world.run_for(1s);  // a second Disconnected would show now
  if (s.world.tut().disconnected()) {
    // The choice the server makes for its side (spec §3.4): close. Then it must be a clean end.
    const auto disconnected = s.world.tut().all<Disconnected>();
    if (disconnected.size() != 1)
      return fail("an undecodable frame gave " + std::to_string(disconnected.size()) + " Disconnected events, not one");
    if (disconnected.front().kicked) return fail("an undecodable frame was reported as a kick");
    if (!s.world.run_until([&] { return s.world.scripted().closed.contains(s.connection); }, 5s)) {
      return fail("reported Disconnected after an undecodable frame but left the socket open for 5 s");
    }
    return pass("closed cleanly on the undecodable frame (Disconnected, not a kick)");
  }
  if (!delivered()) {
    return fail(
        "after an undecodable frame it neither disconnected nor delivered the valid update that followed (everything after the frame is "
        "lost)");
  }
  return pass("ignored the undecodable frame; the update after it arrived");
}

// Shrinks a packet that broke a packing case through its RapidCheck shrink tree: each candidate runs
// alone in a fresh scripted world under a scratch context, so the case's own transcript and digest
// stay those of the real run. Returns the text to append to the failure.
std::string shrunk(CaseContext& context, const rc::Shrinkable<codec::Packet>& failing,
                   const std::function<bool(Scripted&, const codec::Packet&)>& breaks) {
  const auto result = shrink(failing, [&](const codec::Packet& candidate) {
    CaseContext scratch(context.transport(), context.seed());
    Scripted s(scratch);
    if (s.error || !s.joined_after_welcome()) return false;
    return breaks(s, candidate);
  });
  return describe(result);
}

std::vector<codec::rfc5::WsPeerUpdate> updates_received(Scripted& s) {
  std::vector<codec::rfc5::WsPeerUpdate> updates;
  for (const auto& f : s.frames()) {
    if (f.has_peer_update_message()) updates.push_back(f.peer_update_message());
  }
  return updates;
}

// Why one outbound packet was framed wrong, or "" when it was framed right.
std::string outbound_mismatch(const codec::Bytes& sent, bool unreliable, const codec::rfc5::WsPeerUpdate& update) {
  if (update.body() != std::string(sent.begin(), sent.end())) {
    return "arrived altered: sent " + core::to_hex(sent) + ", framed " +
           core::to_hex(std::vector<std::uint8_t>(update.body().begin(), update.body().end()));
  }
  if (update.unreliable() != unreliable) {
    return std::string("was sent ") + (unreliable ? "unreliable" : "reliable") +
           " but framed with unreliable=" + (update.unreliable() ? "true" : "false");
  }
  return "";
}

CaseOutcome outbound_byte_identical(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  core::Prng prng = core::Prng::derive(context.seed(), "outbound");
  ArbitraryPackets packets(context.seed(), "outbound");
  const bool lossy_capable = context.transport().capabilities.unreliable;
  struct Sent {
    rc::Shrinkable<codec::Packet> packet;
    codec::Bytes bytes;
    bool unreliable;
  };
  std::vector<Sent> sent;
  constexpr int count = 40;
  for (int i = 0; i < count; ++i) {
    auto packet = packets.next(count);
    const codec::Bytes bytes = codec::encode_packet(packet.value());
    const bool unreliable = lossy_capable && prng.uniform_below(2) == 1;
    auto status =
        s.world.tut().transport->send(bytes, {unreliable ? transport::Reliability::unreliable : transport::Reliability::reliable, {}});
    if (!status) return fail("send #" + std::to_string(i) + " refused: " + status.error().message);
    sent.push_back({std::move(packet), bytes, unreliable});
  }
  s.world.run_until([&] { return s.frames().size() >= 1 + sent.size(); }, 10s);
  const auto updates = updates_received(s);
  if (updates.size() != sent.size())
    return fail("sent " + std::to_string(sent.size()) + " packets, the server got " + std::to_string(updates.size()) + " updates");
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const std::string mismatch = outbound_mismatch(sent[i].bytes, sent[i].unreliable, updates[i]);
    if (mismatch.empty()) continue;
    const bool unreliable = sent[i].unreliable;
    return fail(
        "packet #" + std::to_string(i) + " " + mismatch +
        shrunk(context, sent[i].packet, [unreliable](Scripted& alone, const codec::Packet& p) {
          const auto bytes = codec::encode_packet(p);
          if (!alone.world.tut().transport->send(bytes,
                                                 {unreliable ? transport::Reliability::unreliable : transport::Reliability::reliable, {}}))
            return true;
          alone.world.run_until([&] { return !updates_received(alone).empty(); }, 5s);
          const auto got = updates_received(alone);
          return got.size() != 1 || !outbound_mismatch(bytes, unreliable, got[0]).empty();
        }));
  }
  return pass(std::to_string(sent.size()) + " packets framed as WsPeerUpdate, byte-identical");
}

CaseOutcome inbound_byte_identical(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  core::Prng prng = core::Prng::derive(context.seed(), "inbound");
  ArbitraryPackets arbitrary(context.seed(), "inbound");
  std::vector<rc::Shrinkable<codec::Packet>> packets;
  std::vector<codec::Bytes> sent;
  std::vector<bool> unreliable;
  constexpr int count = 40;
  for (int i = 0; i < count; ++i) {
    packets.push_back(arbitrary.next(count));
    sent.push_back(codec::encode_packet(packets.back().value()));
    unreliable.push_back(prng.uniform_below(2) == 1);
    s.send(update(3, sent.back(), unreliable.back()));
  }
  s.world.run_until([&] { return s.world.tut().all<MessageReceived>().size() >= sent.size(); }, 10s);
  const auto got = s.world.tut().all<MessageReceived>();
  if (got.size() != sent.size())
    return fail("the server sent " + std::to_string(sent.size()) + " updates, the application got " + std::to_string(got.size()));
  for (std::size_t i = 0; i < sent.size(); ++i) {
    std::string mismatch;
    if (got[i].sender != peer_a) mismatch = "attributed to '" + got[i].sender + "', not " + peer_a;
    if (mismatch.empty() && got[i].packet != sent[i]) mismatch = "surfaced altered: " + core::to_hex(got[i].packet);
    if (mismatch.empty()) continue;
    const bool lossy = unreliable[i];
    return fail("update #" + std::to_string(i) + " " + mismatch +
                shrunk(context, packets[i], [lossy](Scripted& alone, const codec::Packet& p) {
                  const auto bytes = codec::encode_packet(p);
                  alone.send(update(3, bytes, lossy));
                  alone.world.run_until([&] { return !alone.world.tut().all<MessageReceived>().empty(); }, 5s);
                  const auto surfaced = alone.world.tut().all<MessageReceived>();
                  return surfaced.size() != 1 || surfaced[0].packet != bytes || surfaced[0].sender != peer_a;
                }));
  }
  return pass();
}

// Several members sending interleaved, one joining mid-stream: each update must surface with its
// own member's address, and each member's updates in the order sent. A transport that resolves
// aliases through anything but the update's own from_alias (a cached last sender, a lookup
// refreshed only on joins) attributes right with one sender and wrong with three.
CaseOutcome interleaved_senders_attributed(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  const std::map<ws_room::Alias, std::string> members = {{3, peer_a}, {4, "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}};
  const std::pair<ws_room::Alias, std::string> late = {5, "0xcccccccccccccccccccccccccccccccccccccccc"};  // lowercase, as servers send
  s.send(welcome(7, members));
  if (!s.world.run_until([&] { return s.world.tut().connected() || s.world.tut().disconnected(); }, 10s) || !s.world.tut().connected()) {
    return fail("could not join");
  }
  std::map<std::string, std::vector<codec::Bytes>> sent_by;  // lowercase address -> packets, in order
  std::map<ws_room::Alias, std::string> present = members;
  core::Prng prng = core::Prng::derive(context.seed(), "interleaved");
  constexpr int count = 60;
  for (int i = 0; i < count; ++i) {
    if (i == count / 3) {
      s.send(join(late.first, late.second));
      present[late.first] = late.second;
    }
    auto it = present.begin();
    std::advance(it, static_cast<long>(prng.uniform_below(present.size())));
    codec::Packet p;
    p.mutable_chat()->set_message("from alias " + std::to_string(it->first) + " #" + std::to_string(i));
    const auto bytes = codec::encode_packet(p);
    sent_by[it->second].push_back(bytes);
    s.send(update(it->first, bytes));
  }
  s.world.run_until([&] { return s.world.tut().all<MessageReceived>().size() >= count; }, 10s);
  std::map<std::string, std::vector<codec::Bytes>> got_by;
  for (const auto& m : s.world.tut().all<MessageReceived>()) got_by[m.sender].push_back(m.packet);
  for (const auto& [address, packets] : got_by) {
    if (!sent_by.contains(address)) return fail(std::to_string(packets.size()) + " updates attributed to '" + address + "', who sent none");
  }
  for (const auto& [address, packets] : sent_by) {
    if (got_by[address] != packets) {
      return fail(address + " sent " + std::to_string(packets.size()) + " updates interleaved with " + std::to_string(sent_by.size() - 1) +
                  " other members; the application got " + std::to_string(got_by[address].size()) + " attributed to it" +
                  (got_by[address].size() == packets.size() ? ", not the same ones in order" : ""));
    }
  }
  return pass(std::to_string(count) + " updates from " + std::to_string(sent_by.size()) + " members, each attributed and in order");
}

CaseOutcome targeted_send_not_broadcast(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  codec::Packet whisper;
  whisper.mutable_chat()->set_message("for peer A only");
  const auto status = s.world.tut().transport->send(codec::encode_packet(whisper), {transport::Reliability::reliable, {peer_a}});
  s.world.run_for(1s);
  if (!updates_received(s).empty()) {
    return fail("a send addressed to one peer went out as a WsPeerUpdate to the whole room (ws-room cannot target)");
  }
  if (status.ok()) {
    if (!context.transport().capabilities.typed_send_refusals)
      return pass("dropped without an error (the transport does not declare typed_send_refusals)");
    return fail(
        "a targeted send was accepted and silently dropped; the transport declares typed_send_refusals, so expected an unsupported error");
  }
  if (status.error().code != transport::TransportErrorCode::unsupported) {
    return fail("refused with " + std::string(transport::to_string(status.error().code)) + ", expected unsupported");
  }
  return pass();
}

// The upstream-encoded RFC-4 golden packets (fixtures/golden/rfc4, made by @dcl/protocol), by name.
std::vector<std::pair<std::string, codec::Bytes>> golden_packets() {
  const std::filesystem::path dir = std::filesystem::path(DCLCOMMS_SOURCE_DIR) / "fixtures" / "golden" / "rfc4";
  std::vector<std::pair<std::string, codec::Bytes>> golden;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    const auto file = nlohmann::json::parse(in, nullptr, false);
    if (!file.is_object()) continue;
    const auto bytes = core::from_hex(file["upstream_hex"].get<std::string>());
    if (bytes && bytes->size() <= 16 * 1024) golden.emplace_back(file["name"].get<std::string>(), *bytes);
  }
  std::sort(golden.begin(), golden.end());  // directory order is the file system's: not deterministic
  return golden;
}

CaseOutcome golden_inbound(CaseContext& context) {
  const auto golden = golden_packets();
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  for (const auto& [name, bytes] : golden) s.send(update(3, bytes));
  s.world.run_until([&] { return s.world.tut().all<MessageReceived>().size() >= golden.size(); }, 10s);
  const auto got = s.world.tut().all<MessageReceived>();
  if (got.size() != golden.size())
    return fail("got " + std::to_string(got.size()) + " of " + std::to_string(golden.size()) + " golden packets");
  for (std::size_t i = 0; i < golden.size(); ++i) {
    if (got[i].packet != golden[i].second)
      return fail("golden packet '" + golden[i].first + "' (upstream bytes) surfaced re-encoded or altered");
  }
  return pass(std::to_string(golden.size()) + " upstream-encoded packets passed through untouched");
}

CaseOutcome golden_outbound(CaseContext& context) {
  const auto golden = golden_packets();
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  for (const auto& [name, bytes] : golden) {
    if (auto status = s.world.tut().transport->send(bytes, {}); !status)
      return fail("golden packet '" + name + "' refused: " + status.error().message);
  }
  s.world.run_until([&] { return updates_received(s).size() >= golden.size(); }, 10s);
  const auto updates = updates_received(s);
  if (updates.size() != golden.size())
    return fail("sent " + std::to_string(golden.size()) + " golden packets, the server got " + std::to_string(updates.size()));
  for (std::size_t i = 0; i < golden.size(); ++i) {
    const auto& bytes = golden[i].second;
    if (updates[i].body() != std::string(bytes.begin(), bytes.end()))
      return fail("golden packet '" + golden[i].first + "' left re-encoded or altered");
  }
  return pass(std::to_string(golden.size()) + " upstream-encoded packets left untouched");
}

CaseOutcome oversize_is_refused_cleanly(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  // A Level::capability case: it runs only when a limit is declared.
  const std::size_t limit = *context.transport().capabilities.payload_bytes_max;
  const codec::Bytes huge(limit + 1, 0x00);
  auto status = s.world.tut().transport->send(huge, {});
  if (status.ok() && context.transport().capabilities.typed_send_refusals) {
    return fail("a packet of " + std::to_string(huge.size()) +
                " bytes (over the declared maximum) was accepted; the transport declares typed_send_refusals");
  }
  if (!status.ok() && status.error().code != transport::TransportErrorCode::packet_too_large) {
    return fail("refused with " + std::string(transport::to_string(status.error().code)) + ", expected packet_too_large");
  }
  codec::Packet chat;
  chat.mutable_chat()->set_message("still here");
  const auto bytes = codec::encode_packet(chat);
  if (!s.world.tut().transport->send(bytes, {})) return fail("a normal packet after the refused one was refused too");
  s.world.run_until([&] { return !updates_received(s).empty(); }, 5s);
  s.world.run_for(1s);  // the oversize packet, had it been sent late, would show now
  std::vector<std::string> bodies;
  for (const auto& update : updates_received(s)) bodies.push_back(update.body());
  if (bodies != std::vector<std::string>{std::string(bytes.begin(), bytes.end())}) {
    return fail("expected exactly the one normal packet on the wire after the refused one, got " + std::to_string(bodies.size()) +
                " updates");
  }
  if (s.world.tut().disconnected()) return fail("the refused packet ended the connection");
  return pass(status.ok() ? "dropped without an error, nothing else lost" : "refused with packet_too_large, nothing else lost");
}

// Every size of the ladder up to the declared limit, both ways, byte-identical (a Level::capability
// case: ws-room documents no limit, and ws-room-service keeps uWS's 16 KiB per message).
CaseOutcome sizes_up_to_the_limit(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  const std::size_t limit = *context.transport().capabilities.payload_bytes_max;
  const auto sizes = payload_size_ladder(limit);
  std::vector<codec::Bytes> sent;
  for (const auto size : sizes) {
    sent.push_back(chat_packet_of_size(size));
    if (auto status = s.world.tut().transport->send(sent.back(), {}); !status) {
      return fail("a packet of " + std::to_string(size) + " bytes (the declared limit is " + std::to_string(limit) +
                  ") was refused: " + status.error().message);
    }
    s.send(update(3, sent.back()));
  }
  s.world.run_until([&] { return updates_received(s).size() >= sent.size() && s.world.tut().all<MessageReceived>().size() >= sent.size(); },
                    10s);
  const auto updates = updates_received(s);
  const auto surfaced = s.world.tut().all<MessageReceived>();
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (i >= updates.size() || updates[i].body() != std::string(sent[i].begin(), sent[i].end())) {
      return fail("the packet of " + std::to_string(sizes[i]) + " bytes it sent did not reach the server intact" +
                  (i < updates.size() ? " (" + std::to_string(updates[i].body().size()) + " bytes arrived)" : ""));
    }
    if (i >= surfaced.size() || surfaced[i].packet != sent[i])
      return fail("the update of " + std::to_string(sizes[i]) + " bytes from the server did not surface intact");
  }
  return pass(std::to_string(sizes.size()) + " sizes from " + std::to_string(sizes.front()) + " to " + std::to_string(sizes.back()) +
              " bytes, both ways");
}

// Welcomes every connection of the scripted server at its first frame (no challenge): a server
// that would take the transport in, so one that should stay out is seen if it does not.
struct WelcomingServer {
  ScriptedServer& server;
  std::set<transport::ServerConnectionId> welcomed;  // already welcomed (or not to be)
  ws_room::Alias alias = 7;                          // what each welcome assigns
  void step() {
    for (const auto id : server.opened) {
      if (!welcomed.contains(id) && !server.received[id].empty()) {
        welcomed.insert(id);
        server.send(id, welcome(alias, {{3, peer_a}}));
      }
    }
  }
  std::size_t open_connections() const {
    std::size_t open = 0;
    for (const auto id : server.opened) open += server.closed.contains(id) ? 0 : 1;
    return open;
  }
};

// How many WsPeerUpdates with exactly `body` reached the scripted server, over every connection.
std::size_t copies_at_server(ScriptedServer& server, const codec::Bytes& body) {
  std::size_t copies = 0;
  for (const auto& [id, frames] : server.received) {
    for (const auto& f : frames)
      copies += f.has_peer_update_message() && f.peer_update_message().body() == std::string(body.begin(), body.end());
  }
  return copies;
}

CaseOutcome server_close_is_reported(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  s.world.scripted().carrier->close(s.connection, "server going away");
  if (!s.world.run_until([&] { return s.world.tut().disconnected(); }, 5s)) {
    return fail("the server closed the connection and no Disconnected followed within 5 s");
  }
  if (s.world.tut().all<Disconnected>().front().kicked) return fail("a plain close was reported as a kick");
  codec::Packet late;
  late.mutable_chat()->set_message("after the close");
  const auto packet = codec::encode_packet(late);
  const auto status = s.world.tut().transport->send(packet, {});
  // The server would take the transport back: any connection it opens now is welcomed at once, so
  // a transport that quietly reconnects to deliver the late send gets the chance to (and is caught).
  WelcomingServer server{s.world.scripted(), {s.connection}, 8};
  for (int step = 0; step < 50; ++step) {
    s.world.run_for(100ms);
    server.step();
  }
  if (auto problem = check_send_after_disconnect(status, copies_at_server(s.world.scripted(), packet),
                                                 context.transport().capabilities.typed_send_refusals)) {
    return fail(*problem);
  }
  return pass(status.ok() ? "Disconnected (not a kick); a later send was dropped" : "Disconnected (not a kick); a later send was refused");
}

CaseOutcome sends_before_disconnect_arrive(CaseContext& context) {
  Scripted s(context);
  if (s.error) return fail(*s.error);
  if (!s.joined_after_welcome()) return fail("could not join");
  constexpr int count = 5;
  std::vector<TransportCall> calls;
  for (int i = 0; i < count; ++i) {
    codec::Packet p;
    p.mutable_chat()->set_message("last words " + std::to_string(i));
    calls.push_back(TransportCall::send(codec::encode_packet(p)));
  }
  calls.push_back(TransportCall::disconnect());
  const auto result = call_in_one_tick(*s.world.tut().transport, calls);
  s.world.run_until([&] { return s.world.scripted().closed.contains(s.connection); }, 5s);
  s.world.run_for(2s);  // a second Disconnected, or an event after it, would show now
  std::vector<std::string> accepted;
  for (int i = 0; i < count; ++i) {
    if (result.statuses[i]) accepted.emplace_back(calls[i].packet.begin(), calls[i].packet.end());
  }
  std::vector<std::string> got;
  for (const auto& f : s.frames()) {
    if (f.has_peer_update_message()) got.push_back(f.peer_update_message().body());
  }
  if (got != accepted) {
    return fail(
        std::to_string(count) + " reliable packets were sent in the same tick as disconnect() and " + std::to_string(accepted.size()) +
        " were accepted; the server got " + std::to_string(got.size()) + " updates" +
        (got.size() < accepted.size() ? ": accepted packets were lost without a word" : ", not exactly the accepted ones in order"));
  }
  if (auto problem = check_ended_once(s.world.tut().events, "sends then disconnect() in one tick")) return fail(*problem);
  return passed_in_one_tick(result, accepted.size() == count ? "all " + std::to_string(count) + " arrived before the close"
                                                             : std::to_string(accepted.size()) + " accepted and arrived, the rest refused");
}

CaseOutcome connect_then_disconnect_in_one_tick(CaseContext& context) {
  RoomWorld world(context, ServerKind::scripted, *sim::weather_profile("lan"));
  if (auto refused = world.create_tut()) return fail("the factory refused a valid ws-room URI: " + *refused);
  const std::vector<TransportCall> calls{TransportCall::connect(), TransportCall::disconnect()};
  const auto result = call_in_one_tick(*world.tut().transport, calls);
  WelcomingServer server{world.scripted(), {}};
  world.run_until(
      [&] {
        server.step();
        return false;
      },
      5s);  // long enough for a connection that outlived the disconnect() to open and join
  if (world.tut().connected()) return fail("reported Connected after connect() and disconnect() in one tick");
  if (const auto open = server.open_connections(); open > 0) {
    return fail("connect() and disconnect() in one tick, yet the server still holds " + std::to_string(open) +
                " open connection(s) 5 s later");
  }
  if (world.tut_connection_attempts() > 1) return fail("opened " + std::to_string(world.tut_connection_attempts()) + " connections");
  if (auto problem = check_ended_once(world.tut().events, "connect() and disconnect() in one tick")) return fail(*problem);
  return passed_in_one_tick(result, world.tut_connection_attempts() == 0 ? "opened nothing; one Disconnected"
                                                                         : "the connection it opened was closed; one Disconnected");
}

CaseOutcome send_before_connected(CaseContext& context) {
  RoomWorld world(context, ServerKind::scripted, *sim::weather_profile("lan"));
  if (auto refused = world.create_tut()) return fail("the factory refused a valid ws-room URI: " + *refused);
  codec::Packet early;
  early.mutable_chat()->set_message("too early");
  const auto packet = codec::encode_packet(early);
  const std::vector<TransportCall> calls{TransportCall::connect(), TransportCall::send(packet)};
  const auto result = call_in_one_tick(*world.tut().transport, calls);
  if (!result.statuses[0]) return fail("connect() refused: " + result.statuses[0].error().message);
  WelcomingServer server{world.scripted(), {}};
  const bool settled = world.run_until(
      [&] {
        server.step();
        return world.tut().connected() || world.tut().disconnected();
      },
      10s);
  if (!settled || !world.tut().connected())
    return fail("a send before Connected kept the transport from joining (no Connected within 10 s)");
  world.run_for(2s);  // a queued packet goes out now
  std::string how;
  if (auto problem = check_send_before_connected(result.statuses[1], copies_at_server(world.scripted(), packet),
                                                 context.transport().capabilities.typed_send_refusals, how)) {
    return fail(*problem);
  }
  return passed_in_one_tick(result, how);
}

// The application's own disconnect() after joining, seen from everywhere: one Disconnected and
// nothing after it, the server no longer holding the connection, the other member seeing it
// leave, and a later send refused or dropped, never delivered.
CaseOutcome disconnect_leaves_room(CaseContext& context) {
  RoomWorld world(context, ServerKind::reference, *sim::weather_profile("lan"));
  if (auto refused = world.create_tut()) return fail("the factory refused a valid ws-room URI: " + *refused);
  world.connect_tut();
  Endpoint& peer = world.add_peer();
  if (!world.run_until([&] { return world.tut().connected() && peer.connected(); }, 10s)) return fail("could not join");
  if (auto problem = check_disconnect_leaves_room(context, world, peer, "disconnect() after joining")) return fail(*problem);
  return pass();
}

CaseOutcome no_echo(CaseContext& context) {
  RoomWorld world(context, ServerKind::reference, *sim::weather_profile("lan"));
  if (auto refused = world.create_tut()) return fail("the factory refused a valid ws-room URI: " + *refused);
  world.connect_tut();
  Endpoint& peer = world.add_peer();
  if (!world.run_until([&] { return world.tut().connected() && peer.connected(); }, 10s)) return fail("could not join");
  codec::Packet p;
  p.mutable_chat()->set_message("mine");
  (void)world.tut().transport->send(codec::encode_packet(p), {});
  world.run_until([&] { return !peer.all<MessageReceived>().empty(); }, 5s);
  world.run_for(1s);
  for (const auto& m : world.tut().all<MessageReceived>()) return fail("its own packet came back as a message from '" + m.sender + "'");
  return pass();
}

}  // namespace

void add_ws_room_cases(std::vector<Case>& cases) {
  const std::string s3 = "comms-transports.md §3";
  const std::string type = "ws-room";
  cases.push_back({"wsroom.handshake.identifies_first", Level::must, "The first frame is WsIdentification with the identity's address.",
                   s3 + ".3", type, identifies_first});
  cases.push_back({"wsroom.handshake.signs_dcl_challenge", Level::must,
                   "A \"dcl-\" challenge is answered with an AuthChain that verifies to the identity.", s3 + ".3, §4.4", type,
                   signs_dcl_challenge});
  cases.push_back({"wsroom.handshake.refuses_foreign_challenge", Level::should,
                   "A challenge without the \"dcl-\" prefix is never signed (anti signing-oracle).",
                   s3 + ".3 (a client check, not a protocol rule: bevy and godot refuse such a challenge, the digest names no other "
                        "client that does, and no server sends one; good practice against a signing oracle, so SHOULD)",
                   type, refuses_foreign_challenge});
  cases.push_back({"wsroom.handshake.welcome_without_challenge", Level::must,
                   "A welcome straight after identification joins the room with the listed peers.",
                   s3 + ".3 (clients must tolerate a skipped challenge: kernel, hammurabi)", type, welcome_without_challenge});
  cases.push_back({"wsroom.handshake.timeout", Level::must,
                   "A server that never answers the identification does not leave the transport waiting forever: the attempt ends "
                   "with Disconnected within 30 s.",
                   s3 + ".3 (the digest sets no client limit, but every client it describes has one — the kernel waits 1000 ms per "
                        "step, godot retries after 1 s, bevy retries 3 times — and an application relies on connect() ending; 30 s "
                        "leaves any of them room, so MUST)",
                   type, handshake_timeout});
  cases.push_back({"wsroom.kick.no_reconnect", Level::must, "WsKicked ends the session with kicked=true and no reconnection.",
                   s3 + ".5, §1.2 (DISCONNECTION.kicked: do not retry), §9.1", type, kick_no_reconnect});
  cases.push_back({"wsroom.handshake.kicked_before_welcome", Level::must,
                   "A WsKicked answering the identification (a full world) ends the attempt with one Disconnected, kicked=true, no "
                   "Connected and no reconnection.",
                   s3 + ".3 (kicked at identification), §3.5 (proto: a kicked client does not reconnect; godot: DisconnectReason::Kicked), "
                        "§9.11 (the kernel's kicked=false here is a known bug)",
                   type, kick_before_welcome});
  for (const bool after_challenge : {false, true}) {
    const std::string stage = after_challenge ? "challenge" : "identification";
    cases.push_back({"wsroom.lifecycle.disconnect_after_" + stage, Level::must,
                     "disconnect() after the " + stage + (after_challenge ? " is answered" : "") +
                         ", before the welcome, closes the socket and gives exactly one Disconnected (not a kick) and never a Connected, "
                         "even when the welcome crosses the close.",
                     "comms-transports.md §1.2 (disconnect() closes; DISCONNECTION: our own connection ended), §3.3", type,
                     [after_challenge](CaseContext& context) { return disconnect_during_handshake(context, after_challenge); }});
  }
  cases.push_back(
      {"wsroom.peers.leave_reported", Level::must,
       "WsPeerLeave becomes PeerLeft with the member's address; a PeerJoined, if reported at all, names the member that joined.",
       s3 + ".4, §1.2 (PEER_DISCONNECTED), §1.4", type, leave_reported});
  cases.push_back(Case{.id = "wsroom.peers.join_reported",
                       .level = Level::capability,
                       .proves = "WsPeerJoin becomes one PeerJoined with the member's address, before that member's PeerLeft.",
                       .spec = "comms-transports.md §1.1 (join/leave events are an expected addition), §1.2 (the reference shape has no "
                               "PEER_CONNECTED: the kernel records a peer from its first message), §3.4",
                       .requires_type = type,
                       .run = join_reported,
                       .capability = Capability::peer_joined_events});
  cases.push_back({"wsroom.peers.mixed_case_join_lowercased", Level::should,
                   "A member a server announces in mixed case surfaces with the lowercase address, in messages and PeerLeft.",
                   "comms-transports.md §4.3 (all address comparisons are lowercase; servers normalise to lowercase), §9 (mini-comms "
                   "keys the room on the identified address as given); the digest's interface sketch (§1.4) reports lowercase — a "
                   "conformant server never sends mixed case, so SHOULD",
                   type, mixed_case_join_lowercased});
  cases.push_back({"wsroom.peers.stale_leave_and_unknown_alias", Level::must,
                   "A leave or update for an unknown alias is tolerated and never misattributed.",
                   "comms-transports.md §1.4 (kernel and bevy drop updates from unknown aliases), §3.4", type,
                   stale_leave_and_unknown_alias});
  cases.push_back({"wsroom.unknown_packet_types_ignored", Level::must,
                   "Packet types it does not expect after the handshake are ignored, not fatal.",
                   s3 + ".4 (accept unknown messages for extensibility), §3.2", type, unknown_packet_types_ignored});
  cases.push_back({"wsroom.undecodable_frame_after_welcome", Level::must,
                   "An undecodable frame after the welcome ends the session cleanly (one Disconnected, not a kick, socket closed) "
                   "or is skipped with the next update delivered; it never wedges the session silently.",
                   s3 + ".4 (the server closes on a frame that fails decoding), §1.2 (DISCONNECTION, or a non-fatal error event); "
                        "the digest is silent on clients: both endings are allowed",
                   type, undecodable_frame_after_welcome});
  cases.push_back({"wsroom.pack.outbound_byte_identical", Level::must,
                   "Arbitrary Packets leave as WsPeerUpdate bodies, byte-identical, with the right unreliable flag.",
                   s3 + ".4, §1.1 (bare Packet bytes cross the interface)", type, outbound_byte_identical});
  cases.push_back({"wsroom.pack.inbound_byte_identical", Level::must,
                   "Arbitrary Packets from a member surface byte-identical with the member's address.", s3 + ".4, §1.4", type,
                   inbound_byte_identical});
  cases.push_back({"wsroom.pack.interleaved_senders_attributed", Level::must,
                   "Updates from several members, interleaved (one joining mid-stream), each surface with their own member's lowercase "
                   "address, every member's in the order sent.",
                   s3 + ".4 (the server stamps from_alias), §1.4 (alias → address from the welcome and WsPeerJoin)", type,
                   interleaved_senders_attributed});
  cases.push_back({"wsroom.pack.targeted_send_not_broadcast", Level::must,
                   "A send addressed to some peers is never broadcast to the room (RFC-5 has no targets); with typed_send_refusals it is "
                   "refused with unsupported.",
                   "comms-transports.md §1.2 (send broadcasts to every peer), §3.2 (WsPeerUpdate has no destination)", type,
                   targeted_send_not_broadcast});
  cases.push_back({"wsroom.pack.golden_outbound", Level::must, "Packets encoded by the upstream codecs leave untouched (no re-encoding).",
                   "comms-transports.md §1.1, §8.1 (fixtures/golden)", type, golden_outbound});
  cases.push_back({"wsroom.pack.golden_inbound", Level::must, "Packets encoded by the upstream codecs surface untouched (no re-encoding).",
                   "comms-transports.md §1.1, §8.1 (fixtures/golden)", type, golden_inbound});
  cases.push_back(
      Case{.id = "wsroom.oversize_refused_cleanly",
           .level = Level::capability,
           .proves = "A packet over the declared limit is never sent (refused with packet_too_large, or dropped) and nothing else is lost.",
           .spec = "comms-transports.md §3.4 (ws-room documents no size limit; the explorer's send() checks none), §8.4, §9.2",
           .requires_type = type,
           .run = oversize_is_refused_cleanly,
           .capability = Capability::payload_limit});
  cases.push_back(
      Case{.id = "wsroom.pack.sizes_up_to_the_limit",
           .level = Level::capability,
           .proves = "Packets from 16 KiB up to the declared limit (exactly it, and one byte under) go both ways byte-identical.",
           .spec = "comms-transports.md §3.4 (no documented limit; ws-room-service keeps uWS's 16 KiB per message), §8.4",
           .requires_type = type,
           .run = sizes_up_to_the_limit,
           .capability = Capability::payload_limit});
  cases.push_back(
      {"wsroom.lifecycle.server_close_is_reported", Level::must,
       "A close by the server ends the session with Disconnected (not a kick); a later send is refused or dropped, never delivered.",
       s3 + ".5 (socket close: DISCONNECTION{kicked:false}, kernel), §1.2", type, server_close_is_reported});
  cases.push_back({"wsroom.lifecycle.sends_before_disconnect_arrive", Level::must,
                   "Reliable packets sent in the same tick as disconnect() reach the server before the close, or are refused; none is lost "
                   "without a word.",
                   s3 +
                       ".4, §1.2 (send on a connected adapter; reliable delivery); the explorer's adapter loses them (its write waits on a "
                       "promise that disconnect() overtakes)",
                   type, sends_before_disconnect_arrive});
  cases.push_back(
      {"wsroom.lifecycle.connect_then_disconnect_in_one_tick", Level::must,
       "connect() and disconnect() in one tick: no Connected ever, no connection left open, exactly one Disconnected (not a kick).",
       "comms-transports.md §1.2 (disconnect() closes; DISCONNECTION: our own connection ended), §3.3", type,
       connect_then_disconnect_in_one_tick});
  cases.push_back({"wsroom.lifecycle.send_before_connected", Level::must,
                   "A send in the tick of connect(), before Connected, is refused or queued and delivered once; with typed_send_refusals "
                   "it is never accepted and lost.",
                   "comms-transports.md §1.2 (connect() resolves when the adapter can send: earlier sends are outside the contract, so "
                   "refusing them is fine; godot's send_rfc4 answers false), §3.4",
                   type, send_before_connected});
  cases.push_back({"wsroom.lifecycle.disconnect_leaves_room", Level::must,
                   "disconnect() after joining: exactly one Disconnected (not a kick) and nothing after it, the server no longer "
                   "holds the connection, the other member sees it leave, and a later send is refused or dropped, never delivered.",
                   "comms-transports.md §1.2 (disconnect() closes; DISCONNECTION: our own connection ended), §3.4 (a closed socket "
                   "becomes WsPeerLeave for the others)",
                   type, disconnect_leaves_room});
  cases.push_back(
      {"wsroom.no_echo", Level::must, "The transport never surfaces its own packets as messages.", s3 + ".4 (no echo)", type, no_echo});
}

}  // namespace dclcomms::conformance
