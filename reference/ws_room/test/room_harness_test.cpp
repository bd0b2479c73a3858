// Properties of a whole room: client and server cores back to back (RapidCheck).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "room_harness.hpp"

namespace dclcomms::ws_room {
namespace {

std::string address_of(int i) {
  std::string hex = std::to_string(i);
  return "0x" + std::string(40 - hex.size(), 'a') + hex;
}

// Every packet sent reliably reaches every other member exactly once, in each sender's order,
// attributed to its sender, and never comes back to the sender. (Between different senders there is
// no order to keep: their frames race to the server.)
RC_GTEST_PROP(RoomProperties, EveryoneElseGetsEverythingInOrder, ()) {
  const int members = *rc::gen::inRange(2, 7);
  testing::RoomHarness h;
  std::vector<ConnectionId> ids;
  for (int i = 0; i < members; ++i) ids.push_back(h.connect(address_of(i), "room"));
  const auto sends = *rc::gen::container<std::vector<std::pair<int, std::uint8_t>>>(
      rc::gen::pair(rc::gen::inRange(0, members), rc::gen::arbitrary<std::uint8_t>()));
  // receiver -> sender address -> values in order
  std::map<ConnectionId, std::map<std::string, std::vector<std::uint8_t>>> expected;
  for (const auto& [sender, value] : sends) {
    const std::vector<std::uint8_t> packet{value};
    RC_ASSERT(h.clients.at(ids[sender]).core->send(packet, false, h.now).ok());
    for (int r = 0; r < members; ++r) {
      if (r != sender) expected[ids[r]][address_of(sender)].push_back(value);
    }
    if (*rc::gen::arbitrary<bool>()) h.drive();  // interleave delivery with sending
  }
  h.drive();
  for (int r = 0; r < members; ++r) {
    std::map<std::string, std::vector<std::uint8_t>> got;
    for (const auto& m : h.events_of<MessageReceived>(ids[r])) got[m.address].push_back(m.body.at(0));
    RC_ASSERT(got == expected[ids[r]]);
  }
}

}  // namespace
}  // namespace dclcomms::ws_room
