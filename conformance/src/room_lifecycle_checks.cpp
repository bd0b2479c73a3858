#include "room_lifecycle_checks.hpp"

#include "delivery_checks.hpp"

namespace dclcomms::conformance {

using namespace std::chrono_literals;

std::optional<std::string> check_disconnect_leaves_room(CaseContext& context, RoomWorld& world, Endpoint& peer, const std::string& where) {
  world.tut().transport->disconnect();
  const auto saw_leave = [&] {
    for (const auto& l : peer.all<transport::PeerLeft>()) {
      if (l.address == world.tut().address) return true;
    }
    return false;
  };
  world.run_until([&] { return world.tut().disconnected() && saw_leave(); }, 10s);
  world.run_for(2s);  // a second Disconnected, or an event after it, would show now
  if (auto problem = check_ended_once(world.tut().events, where)) return problem;
  if (const auto held = world.reference_server()->core().connection_count(); held != 1) {
    return "after " + where + " the room server still holds " + std::to_string(held - 1) + " connection(s) from the transport";
  }
  if (!saw_leave()) return "after " + where + " the other member never saw " + world.tut().address + " leave";
  codec::Packet late;
  late.mutable_chat()->set_message("after my own disconnect");
  const auto packet = codec::encode_packet(late);
  const auto status = world.tut().transport->send(packet, {});
  world.run_for(5s);
  std::size_t copies = 0;
  for (const auto& m : peer.all<transport::MessageReceived>()) copies += m.packet == packet ? 1 : 0;
  return check_send_after_disconnect(status, copies, context.transport().capabilities.typed_send_refusals);
}

}  // namespace dclcomms::conformance
