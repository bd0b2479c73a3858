// offline cases (spec §7.1, offline_transport.hpp): connect and disconnect succeed with the
// lifecycle pair of events and nothing else, sends are accepted and discarded, nothing ever touches
// a network, and after disconnect a transport that declares typed_send_refusals refuses to send
// (transport.hpp: not_connected; the kernel's OfflineAdapter discards every send, §7.1).
#include "cases.hpp"

#include "../src/arbitrary_packets.hpp"
#include "../src/delivery_checks.hpp"
#include "../src/room_world.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/prng.hpp"
#include "dclcomms/sim/weather.hpp"

namespace dclcomms::conformance {
namespace {

using namespace std::chrono_literals;
using transport::Connected;
using transport::Disconnected;

// A world (with a ws-room server and a login endpoint nobody should call) and an offline transport.
struct OfflineWorld {
  RoomWorld world;
  std::optional<std::string> error;

  explicit OfflineWorld(CaseContext& context) : world(context, RoomWorld::ServerKind::scripted, *sim::weather_profile("lan")) {
    if (auto refused = world.create_tut("offline:offline")) error = "the factory refused 'offline:offline': " + *refused;
  }
  Endpoint& tut() { return world.tut(); }
  /// Empty when nothing went onto any network, else what did.
  std::optional<std::string> network_used() {
    if (world.tut_connection_attempts() != 0) return "opened " + std::to_string(world.tut_connection_attempts()) + " websocket(s)";
    if (world.tut_http_requests() != 0) return "sent " + std::to_string(world.tut_http_requests()) + " HTTP request(s)";
    if (!world.scripted().opened.empty() || !world.login().requests().empty()) return "a server of the world saw a connection";
    return std::nullopt;
  }
  std::string events() {
    std::string out;
    for (const auto& e : tut().events) out += (out.empty() ? "" : ", ") + std::string(transport::event_name(e));
    return out.empty() ? "none" : out;
  }
};

CaseOutcome connect_gives_connected_alone(CaseContext& context) {
  OfflineWorld w(context);
  if (w.error) return fail(*w.error);
  if (auto status = w.tut().transport->connect(); !status) return fail("connect() refused: " + status.error().message);
  if (!w.tut().events.empty()) return fail("an event was delivered inside connect() (events must come from the runtime's loop)");
  w.world.run_for(5s);
  if (w.tut().events.size() != 1 || !w.tut().connected()) return fail("expected exactly one event, Connected; got: " + w.events());
  if (!w.tut().all<Connected>().front().peers.empty()) return fail("Connected lists peers; offline has none");
  if (auto used = w.network_used()) return fail("offline " + *used);
  return pass();
}

CaseOutcome sends_discarded_silently(CaseContext& context) {
  OfflineWorld w(context);
  if (w.error) return fail(*w.error);
  (void)w.tut().transport->connect();
  if (!w.world.run_until([&] { return w.tut().connected(); }, 5s)) return fail("no Connected within 5 s; events: " + w.events());
  core::Prng prng = core::Prng::derive(context.seed(), "offline-sends");
  constexpr int count = 40;
  ArbitraryPackets packets(context.seed(), "offline-sends");
  for (int i = 0; i < count; ++i) {
    const auto bytes = codec::encode_packet(packets.next(count).value());
    const auto reliability = prng.uniform_below(2) == 1 ? transport::Reliability::unreliable : transport::Reliability::reliable;
    if (auto status = w.tut().transport->send(bytes, {reliability, {}}); !status) {
      return fail("send #" + std::to_string(i) + " refused while connected: " + status.error().message);
    }
  }
  w.world.run_for(5s);
  if (w.tut().events.size() != 1) return fail("sends produced events (offline sends are discarded silently); events: " + w.events());
  if (auto used = w.network_used()) return fail("offline " + *used);
  return pass(std::to_string(count) + " sends accepted, no event, nothing on the network");
}

CaseOutcome disconnect_not_kicked(CaseContext& context) {
  OfflineWorld w(context);
  if (w.error) return fail(*w.error);
  (void)w.tut().transport->connect();
  if (!w.world.run_until([&] { return w.tut().connected(); }, 5s)) return fail("no Connected within 5 s; events: " + w.events());
  w.tut().transport->disconnect();
  w.world.run_for(5s);
  if (w.tut().events.size() != 2 || !w.tut().disconnected()) return fail("expected Connected then Disconnected; got: " + w.events());
  if (w.tut().all<Disconnected>().front().kicked) return fail("disconnect() was reported as a kick");
  return pass();
}

CaseOutcome after_disconnect(CaseContext& context) {
  OfflineWorld w(context);
  if (w.error) return fail(*w.error);
  (void)w.tut().transport->connect();
  w.world.run_until([&] { return w.tut().connected(); }, 5s);
  w.tut().transport->disconnect();
  w.world.run_until([&] { return w.tut().disconnected(); }, 5s);
  const std::vector<std::uint8_t> packet{0x2a, 0x00};
  const auto status = w.tut().transport->send(packet, {});
  // offline has nobody to deliver to: what is left to check is the refusal, where declared.
  if (auto problem = check_send_after_disconnect(status, 0, context.transport().capabilities.typed_send_refusals)) return fail(*problem);
  if (!status.ok() && status.error().code != transport::TransportErrorCode::not_connected) {
    return fail("send after disconnect() refused with " + std::string(transport::to_string(status.error().code)) +
                ", expected not_connected");
  }
  w.tut().transport->disconnect();  // a second disconnect: no second Disconnected
  w.world.run_for(5s);
  if (w.tut().events.size() != 2) return fail("expected only Connected and one Disconnected; got: " + w.events());
  if (auto used = w.network_used()) return fail("offline " + *used);
  return pass();
}

}  // namespace

void add_offline_cases(std::vector<Case>& cases) {
  const std::string s71 = "comms-transports.md §7.1";
  const std::string type = "offline";
  cases.push_back({"offline.connect.connected_without_peers", Level::must,
                   "connect() gives exactly one event, Connected with no peers, and touches no network.",
                   s71 + ", §1.2 (connect() resolves)", type, connect_gives_connected_alone});
  cases.push_back({"offline.send.discarded_silently", Level::must,
                   "Sends while connected are accepted and discarded: no event, nothing on any network.", s71, type,
                   sends_discarded_silently});
  cases.push_back({"offline.disconnect.not_kicked", Level::must,
                   "disconnect() gives Disconnected with kicked=false, after Connected and nothing else.", s71 + ", §1.2", type,
                   disconnect_not_kicked});
  cases.push_back({"offline.lifecycle.after_disconnect", Level::must,
                   "After disconnect() a send is discarded (refused with not_connected under typed_send_refusals) and a second "
                   "disconnect() gives no second event.",
                   s71 + " (send discards: kernel, bevy, godot), §1.2", type, after_disconnect});
}

}  // namespace dclcomms::conformance
