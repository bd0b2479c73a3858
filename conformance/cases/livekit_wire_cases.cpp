// LiveKit wire-mode cases (docs/wire-mode.md, docs/livekit.md): the transport under test against
// our LiveKit room server on real loopback sockets — signal websocket, ICE, DTLS, SCTP data
// channels — with reference participants on our real-protocol client. For a transport built on a
// LiveKit SDK of its own: its driver declares virtual_time: false and joins the URI it is given.
// Real time, run once; every wait is bounded far above what a loaded machine needs.
#include "cases.hpp"

#include "../src/delivery_checks.hpp"
#include "../src/livekit_wire_world.hpp"
#include "dclcomms/codec/codec.hpp"

namespace dclcomms::conformance {
namespace livekit_wire_cases {

using namespace std::chrono_literals;
using transport::Connected;
using transport::Disconnected;
using transport::MessageReceived;
using transport::PeerLeft;

constexpr core::Duration hang_limit = 30s;

codec::Bytes numbered_chat(const std::string& tag, int i) {
  codec::Packet p;
  p.mutable_chat()->set_message(tag + " #" + std::to_string(i));
  p.mutable_chat()->set_timestamp(i);
  return codec::encode_packet(p);
}

// A reference participant first, then the transport under test; both see each other.
std::optional<std::string> join_room(LivekitWireWorld& world, Participant*& peer_out) {
  if (world.error()) return *world.error();
  Participant& peer = world.add_participant();
  peer_out = &peer;
  if (!world.run_until([&] { return peer.joined() || peer.closed; }, hang_limit) || !peer.joined()) {
    return "the reference participant could not join our room server (a harness problem)";
  }
  if (auto refused = world.create_tut()) return "the factory refused a valid livekit URI: " + *refused;
  world.connect_tut();
  const auto tut_address = world.tut().address;
  const auto joined = [&] {
    return world.tut().connected() && std::find(peer.saw_join.begin(), peer.saw_join.end(), tut_address) != peer.saw_join.end();
  };
  if (!world.run_until([&] { return joined() || world.tut().disconnected(); }, hang_limit) || !joined()) {
    if (world.tut().disconnected()) return "joining ended in Disconnected: " + world.tut().all<Disconnected>().front().reason;
    return "no Connected (and the participant saw no join) within 30 s of connect()";
  }
  return std::nullopt;
}

CaseOutcome joins_and_exchanges_data(CaseContext& context) {
  LivekitWireWorld world(context);
  Participant* peer = nullptr;
  if (auto problem = join_room(world, peer)) return fail(*problem);
  const auto peers = world.tut().all<Connected>().front().peers;
  if (peers != std::vector<std::string>{peer->identity}) {
    return fail("Connected.peers lists " + std::to_string(peers.size()) + " identities; the room held exactly " + peer->identity);
  }
  constexpr int count = 20;
  std::vector<codec::Bytes> from_tut, from_peer;
  for (int i = 0; i < count; ++i) {
    from_tut.push_back(numbered_chat("from the transport", i));
    if (auto sent = world.tut().transport->send(from_tut.back(), {transport::Reliability::reliable, {}}); !sent) {
      return fail("send() of a reliable packet on a connected transport was refused: " + sent.error().message);
    }
    from_peer.push_back(numbered_chat("from the participant", i));
    peer->session->publish_data(from_peer.back(), livekit::DataKind::reliable, {});
  }
  const auto all_arrived = [&] {
    return peer->received.size() >= static_cast<std::size_t>(count) &&
           world.tut().all<MessageReceived>().size() >= static_cast<std::size_t>(count);
  };
  world.run_until(all_arrived, hang_limit);
  world.run_for(200ms);  // anything extra (a duplicate) would arrive now
  std::vector<codec::Bytes> got_by_peer;
  for (const auto& data : peer->received) {
    if (data.sender != world.tut().address) return fail("the participant got data from " + data.sender + ", not from the transport");
    if (data.kind != livekit::DataKind::reliable) return fail("a reliable send arrived as lossy data");
    got_by_peer.push_back(data.payload);
  }
  if (got_by_peer != from_tut) {
    return fail("the participant got " + std::to_string(got_by_peer.size()) + " packets of the " + std::to_string(count) +
                " the transport sent reliably (all, in order, byte-identical expected)");
  }
  if (auto problem = check_reliable(from_peer, world.tut().all<MessageReceived>(), peer->identity, false, "the transport")) {
    return fail(*problem);
  }
  return pass("joined over signal + WebRTC, listed the participant present, and " + std::to_string(count) +
              " reliable packets each way arrived byte-identical and in order");
}

CaseOutcome leave_is_reported(CaseContext& context) {
  LivekitWireWorld world(context);
  Participant* peer = nullptr;
  if (auto problem = join_room(world, peer)) return fail(*problem);
  peer->session->leave();
  const auto left = [&] { return !world.tut().all<PeerLeft>().empty(); };
  if (!world.run_until(left, hang_limit)) return fail("the participant left, and no PeerLeft within 30 s");
  if (world.tut().all<PeerLeft>().front().address != peer->identity) {
    return fail("PeerLeft names " + world.tut().all<PeerLeft>().front().address + ", not " + peer->identity);
  }
  if (world.tut().disconnected()) return fail("another participant's leave ended the transport's own session");
  return pass("the participant's leave arrived as PeerLeft{" + peer->identity + "}");
}

CaseOutcome duplicate_identity_kicks(CaseContext& context) {
  LivekitWireWorld world(context);
  Participant* peer = nullptr;
  if (auto problem = join_room(world, peer)) return fail(*problem);
  world.add_participant(world.tut().address);  // the same identity joins again: the server evicts the older session
  if (!world.run_until([&] { return world.tut().disconnected(); }, hang_limit)) {
    return fail("a second session with the transport's identity joined, and no Disconnected within 30 s");
  }
  const auto disconnected = world.tut().all<Disconnected>().front();
  if (!disconnected.kicked) return fail("evicted for DUPLICATE_IDENTITY, but Disconnected.kicked is false (" + disconnected.reason + ")");
  world.run_for(2s);
  if (world.tut().all<Connected>().size() != 1) return fail("the transport joined again after the kick");
  return pass("kicked: " + disconnected.reason);
}

}  // namespace livekit_wire_cases

void add_livekit_wire_cases(std::vector<Case>& cases) {
  const std::string s6 = "comms-transports.md §6";
  const auto add = [&](std::string id, std::string proves, std::string spec, std::function<CaseOutcome(CaseContext&)> run) {
    cases.push_back({std::move(id), Level::must, std::move(proves), std::move(spec), "livekit", std::move(run), /*real_time=*/true,
                     /*needs_virtual_time=*/false});
  };
  add("wire.livekit.joins_and_exchanges_data",
      "Over LiveKit's real protocol (signal websocket, ICE, DTLS, SCTP data channels) to our room server, the transport joins listing "
      "the participant present, and reliable packets arrive byte-identical and in order both ways with the right sender.",
      s6 + ".2, §6.3", livekit_wire_cases::joins_and_exchanges_data);
  add("wire.livekit.leave_is_reported", "Over the real protocol, a participant's leave reaches the transport as PeerLeft.", s6 + ".4",
      livekit_wire_cases::leave_is_reported);
  add("wire.livekit.duplicate_identity_kicks",
      "Over the real protocol, a second session with the transport's identity evicts it: Disconnected with kicked set, no rejoin.",
      s6 + ".4 (DUPLICATE_IDENTITY), §9.1", livekit_wire_cases::duplicate_identity_kicks);
}

}  // namespace dclcomms::conformance
