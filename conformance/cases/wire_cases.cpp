// Wire-mode cases (docs/wire-mode.md): the transport under test on real loopback TCP, through a
// fault-injecting proxy, to our reference ws-room server, with a reference peer in the same room.
// They run in real time (Case::real_time). Every wait ends as soon as what it waits for happens;
// its bound only catches a transport that never gets there, so it is far longer than any loaded CI
// machine needs (the verdicts must not depend on how fast the machine is today). What a case
// measures (join time, how long a reset took to be reported) goes into its detail, not its verdict.
#include "cases.hpp"

#include <algorithm>

#include "../src/delivery_checks.hpp"
#include "../src/wire_world.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/prng.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::Connected;
using transport::Disconnected;
using transport::MessageReceived;
using transport::PeerJoined;

// The bound on every wait of these cases. Loopback takes milliseconds; only a hang takes this long.
constexpr core::Duration hang_limit = 30s;
const std::string hang_limit_text = "30 s";

// A chat Packet whose text names it ("<tag> #<i>") and is padded to vary sizes across the faults.
codec::Bytes numbered_packet(const std::string& tag, int i, std::size_t padding) {
  codec::Packet p;
  p.mutable_chat()->set_message(tag + " #" + std::to_string(i) + " " + std::string(padding, '.'));
  p.mutable_chat()->set_timestamp(i);
  return codec::encode_packet(p);
}

// The peer joins first, then the transport under test through the proxy; both must see each other.
std::optional<std::string> join_room(WireWorld& world, Endpoint*& peer_out) {
  if (world.error()) return *world.error();
  Endpoint& peer = world.add_peer();
  peer_out = &peer;
  if (!world.run_until([&] { return peer.connected() || peer.disconnected(); }, hang_limit) || !peer.connected()) {
    return "the reference peer could not join the reference server (a harness problem)";
  }
  if (auto refused = world.create_tut()) return "the factory refused a valid ws-room URI: " + *refused;
  world.connect_tut();
  const auto joined = [&] { return world.tut().connected() && !peer.all<PeerJoined>().empty(); };
  if (!world.run_until([&] { return joined() || world.tut().disconnected(); }, hang_limit) || !joined()) {
    if (world.tut().disconnected())
      return "the handshake through the proxy ended in Disconnected: " + world.tut().all<Disconnected>().front().reason;
    return "no Connected (and the peer saw no PeerJoined) within " + hang_limit_text + " of connect() through the proxy";
  }
  return std::nullopt;
}

CaseOutcome handshake_through_one_byte_segments(CaseContext& context) {
  WireWorld world(context, wire::FaultSettings{.segment_bytes_max = 1});
  Endpoint* peer = nullptr;
  if (auto problem = join_room(world, peer)) return fail(*problem);
  const auto peers = world.tut().all<Connected>().front().peers;
  if (peers != std::vector<std::string>{peer->address})
    return fail("Connected.peers does not list the member already in the room, " + peer->address);
  if (peer->all<PeerJoined>().front().address != world.tut().address)
    return fail("the room saw someone else join: " + peer->all<PeerJoined>().front().address);
  const auto stats = world.proxy().stats();
  if (stats.largest_write_bytes != 1 || stats.bytes_to_upstream < 100) {
    return fail("the proxy did not fragment the handshake into 1-byte writes (a harness problem): largest write " +
                std::to_string(stats.largest_write_bytes) + " bytes, " + std::to_string(stats.bytes_to_upstream) + " bytes upstream");
  }
  return pass("joined through " + std::to_string(stats.writes) + " one-byte writes");
}

CaseOutcome reliable_through_impaired_link(CaseContext& context) {
  const wire::FaultSettings faults{.latency_ms = 20, .jitter_ms = 30, .segment_bytes_max = 7, .bandwidth_bytes_per_s = 96 * 1024};
  WireWorld world(context, faults);
  Endpoint* peer = nullptr;
  if (auto problem = join_room(world, peer)) return fail(*problem);
  constexpr int count = 30;
  core::Prng prng = core::Prng::derive(context.seed(), "wire:sizes");
  std::vector<codec::Bytes> from_tut, from_peer;
  for (int i = 0; i < count; ++i) {
    from_tut.push_back(numbered_packet("tut", i, prng.uniform_below(1200)));
    from_peer.push_back(numbered_packet("peer", i, prng.uniform_below(1200)));
    if (auto s = world.tut().transport->send(from_tut.back(), {}); !s)
      return fail("send #" + std::to_string(i) + " refused: " + s.error().message);
    if (!peer->transport->send(from_peer.back(), {})) return fail("the reference peer's send was refused (a harness problem)");
    world.run_for(5ms);  // spread the sends so that they meet the jitter as separate chunks
  }
  const auto all_arrived = [&] {
    return world.tut().all<MessageReceived>().size() >= from_peer.size() && peer->all<MessageReceived>().size() >= from_tut.size();
  };
  world.run_until([&] { return all_arrived() || world.tut().disconnected(); }, hang_limit);
  world.run_for(100ms);  // anything duplicated would arrive now
  if (world.tut().disconnected()) return fail("disconnected under latency, jitter, fragmentation and a bandwidth cap");
  if (auto problem = check_reliable(from_tut, peer->all<MessageReceived>(), world.tut().address, false, "the peer")) return fail(*problem);
  if (auto problem = check_reliable(from_peer, world.tut().all<MessageReceived>(), peer->address, false, "the transport"))
    return fail(*problem);
  const auto stats = world.proxy().stats();
  if (stats.largest_write_bytes > faults.segment_bytes_max) return fail("the proxy wrote more than 7 bytes at once (a harness problem)");
  return pass(std::to_string(count) + " packets each way, exactly once and in order, through " + std::to_string(stats.writes) +
              " writes of at most 7 bytes");
}

CaseOutcome stall_then_everything_arrives(CaseContext& context) {
  WireWorld world(context, wire::FaultSettings{.latency_ms = 5});
  Endpoint* peer = nullptr;
  if (auto problem = join_room(world, peer)) return fail(*problem);
  std::vector<codec::Bytes> from_tut, from_peer;
  const auto send_both = [&](int first, int n) -> std::optional<std::string> {
    for (int i = first; i < first + n; ++i) {
      from_tut.push_back(numbered_packet("tut", i, 40));
      from_peer.push_back(numbered_packet("peer", i, 40));
      if (auto s = world.tut().transport->send(from_tut.back(), {}); !s)
        return "send #" + std::to_string(i) + " refused: " + s.error().message;
      if (!peer->transport->send(from_peer.back(), {})) return "the reference peer's send was refused (a harness problem)";
    }
    return std::nullopt;
  };
  const auto arrived = [&] {
    return world.tut().all<MessageReceived>().size() >= from_peer.size() && peer->all<MessageReceived>().size() >= from_tut.size();
  };
  if (auto problem = send_both(0, 5)) return fail(*problem);
  if (!world.run_until(arrived, hang_limit)) return fail("packets sent before the stall did not arrive within " + hang_limit_text);

  // The stall lasts at least 2 s and until the proxy holds bytes of the packets sent during it in
  // both directions (a loaded machine, or a driver process, may take a while to write them): it is
  // open-ended and resumed by the case, so how fast the machine is cannot shorten what it tests.
  constexpr core::Duration stall_min = 2s;
  world.note("stall: at least 2000 ms, until bytes are held both ways");
  world.proxy().stall(24h);
  const core::Duration stall_started = world.elapsed();
  const std::size_t tut_had = world.tut().all<MessageReceived>().size(), peer_had = peer->all<MessageReceived>().size();
  if (auto problem = send_both(5, 10)) return fail(*problem);
  const bool held_both_ways =
      world.run_until([&] { return world.proxy().held_bytes_to_upstream() > 0 && world.proxy().held_bytes_to_downstream() > 0; },
                      hang_limit);
  if (const auto so_far = world.elapsed() - stall_started; so_far < stall_min) world.run_for(stall_min - so_far);
  if (!held_both_ways) {
    if (world.proxy().held_bytes_to_upstream() == 0)
      return fail("nothing the transport sent during the stall reached the proxy within " + hang_limit_text);
    return fail("the proxy held nothing of the peer's packets to the transport (a harness problem)");
  }
  if (world.tut().all<MessageReceived>().size() != tut_had || peer->all<MessageReceived>().size() != peer_had) {
    return fail("packets crossed a stalled link (a harness problem)");
  }
  world.proxy().resume();
  const core::Duration held_for = world.elapsed() - stall_started;
  if (world.tut().disconnected())
    return fail("a " + std::to_string(held_for / 1ms) + " ms stall ended the session: " + world.tut().all<Disconnected>().front().reason);
  if (!world.run_until([&] { return arrived() || world.tut().disconnected(); }, hang_limit) || world.tut().disconnected()) {
    if (world.tut().disconnected())
      return fail("the session ended after a " + std::to_string(held_for / 1ms) +
                  " ms stall: " + world.tut().all<Disconnected>().front().reason);
    return fail("packets held by the stall had not all arrived " + hang_limit_text + " after it ended");
  }
  if (auto problem = send_both(15, 1)) return fail("after the stall: " + *problem);
  world.run_until(arrived, hang_limit);
  world.run_for(100ms);
  if (world.tut().disconnected() || peer->disconnected()) return fail("disconnected after the stall");
  if (auto problem = check_reliable(from_tut, peer->all<MessageReceived>(), world.tut().address, false, "the peer")) return fail(*problem);
  if (auto problem = check_reliable(from_peer, world.tut().all<MessageReceived>(), peer->address, false, "the transport"))
    return fail(*problem);
  return pass("16 packets each way, 10 of them held " + std::to_string(held_for / 1ms) + " ms by the stall, all exactly once and in order");
}

CaseOutcome reset_reports_disconnected(CaseContext& context) {
  WireWorld world(context, wire::FaultSettings{});
  Endpoint* peer = nullptr;
  if (auto problem = join_room(world, peer)) return fail(*problem);
  world.note("reset (RST both sides)");
  world.proxy().reset();
  const core::Duration reset_at = world.elapsed();
  if (!world.run_until([&] { return world.tut().disconnected(); }, hang_limit))
    return fail("no Disconnected within " + hang_limit_text + " of the connection being reset");
  const auto reported_after = world.elapsed() - reset_at;
  world.run_for(200ms);  // a second Disconnected, or a reconnection, would show now
  const auto disconnected = world.tut().all<Disconnected>();
  if (disconnected.size() != 1) return fail("Disconnected was reported " + std::to_string(disconnected.size()) + " times");
  if (disconnected.front().kicked) return fail("a connection reset was reported as a kick (kicked=true)");
  // The server and the peer are still there: a transport that reconnected behind the application's
  // back would deliver this, and the peer would see it.
  const auto late = numbered_packet("after reset", 0, 0);
  const auto status = world.tut().transport->send(late, {});
  world.run_for(500ms);
  const auto at_peer = peer->all<MessageReceived>();
  const auto delivered =
      static_cast<std::size_t>(std::count_if(at_peer.begin(), at_peer.end(), [&](const auto& m) { return m.packet == late; }));
  if (auto problem = check_send_after_disconnect(status, delivered, context.transport().capabilities.typed_send_refusals))
    return fail(*problem);
  return pass("Disconnected after " + std::to_string(reported_after / 1ms) + " ms; a later send " +
              (status.ok() ? std::string("dropped") : "refused with " + std::string(transport::to_string(status.error().code))));
}

CaseOutcome signed_login_through_fragmented_links(CaseContext& context) {
  // Both links of the transport under test cut into 3-byte writes: the signed POST and its answer
  // on one, the room it then joins on the other.
  const wire::FaultSettings three_bytes{.segment_bytes_max = 3};
  WireWorld world(context, three_bytes);
  if (world.error()) return fail(*world.error());
  if (auto problem = world.serve_login(three_bytes)) return fail(*problem);
  Endpoint& peer = world.add_peer();
  if (!world.run_until([&] { return peer.connected() || peer.disconnected(); }, hang_limit) || !peer.connected()) {
    return fail("the reference peer could not join the reference server (a harness problem)");
  }
  if (auto refused = world.create_tut(world.login_uri()))
    return fail("the factory refused the valid URI '" + world.login_uri() + "': " + *refused);
  world.connect_tut();
  const auto joined = [&] { return world.tut().connected() && !peer.all<PeerJoined>().empty(); };
  if (!world.run_until([&] { return joined() || world.tut().disconnected(); }, hang_limit) || !joined()) {
    if (world.tut().disconnected())
      return fail("the login through the proxy ended in Disconnected: " + world.tut().all<Disconnected>().front().reason);
    return fail("no Connected (and the peer saw no PeerJoined) within " + hang_limit_text + " of connect()");
  }
  const auto login = world.login_proxy().stats();
  if (login.bytes_to_upstream < 200 || login.largest_write_bytes > 3) {
    return fail("the signed POST did not cross the login proxy in 3-byte writes (a harness problem): " +
                std::to_string(login.bytes_to_upstream) + " bytes, largest write " + std::to_string(login.largest_write_bytes));
  }
  const auto from_tut = numbered_packet("tut", 0, 300);
  const auto from_peer = numbered_packet("peer", 0, 300);
  if (auto status = world.tut().transport->send(from_tut, {}); !status)
    return fail("send refused after joining: " + status.error().message);
  (void)peer.transport->send(from_peer, {});
  world.run_until([&] { return !world.tut().all<MessageReceived>().empty() && !peer.all<MessageReceived>().empty(); }, hang_limit);
  if (auto problem = check_reliable({from_tut}, peer.all<MessageReceived>(), world.tut().address, false, "the peer")) return fail(*problem);
  if (auto problem = check_reliable({from_peer}, world.tut().all<MessageReceived>(), peer.address, false, "the transport"))
    return fail(*problem);
  return pass("signed in through " + std::to_string(login.writes) + " writes of at most 3 bytes, then joined the room the endpoint named");
}

}  // namespace

void add_wire_cases(std::vector<Case>& cases) {
  const std::string s3 = "comms-transports.md §3";
  const auto add = [&](std::string id, std::string proves, std::string spec, std::function<CaseOutcome(CaseContext&)> run) {
    cases.push_back({std::move(id), Level::must, std::move(proves), std::move(spec), "ws-room", std::move(run), /*real_time=*/true,
                     /*needs_virtual_time=*/false});
  };
  add("wire.wsroom.handshake_through_1_byte_segments",
      "Over real TCP, a handshake whose frames arrive one byte per segment still joins the room with its members.",
      s3 + ".1 (one WsPacket per websocket message), §3.3", handshake_through_one_byte_segments);
  add("wire.wsroom.reliable_exactly_once_impaired_link",
      "Over real TCP with latency, jitter, 7-byte segments and a bandwidth cap, reliable packets arrive exactly once and in order, both "
      "ways.",
      s3 + ".4", reliable_through_impaired_link);
  add("wire.wsroom.stall_then_everything_arrives",
      "A 2 s stall of the TCP stream mid-session loses nothing and ends nothing: the held packets all arrive, in order.", s3 + ".4, §1.2",
      stall_then_everything_arrives);
  add("wire.wsroom.reset_reports_disconnected",
      "An abrupt TCP reset ends the session with one Disconnected (not a kick); a later send is refused or dropped, never delivered.",
      s3 + ".5 (socket error: DISCONNECTION{kicked:false}, kernel), §1.2", reset_reports_disconnected);
  cases.push_back(
      {"wire.signedlogin.login_then_room_through_fragmented_links", Level::must,
       "Over real TCP cut into 3-byte segments, the signed POST to our endpoint is accepted and the transport joins the room it names.",
       "comms-transports.md §5.1, §5.3", "signed-login", signed_login_through_fragmented_links, /*real_time=*/true,
       /*needs_virtual_time=*/false});
}

}  // namespace dclcomms::conformance
