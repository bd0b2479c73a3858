// Our participant <-> SFU framing: round trips, truncation, lossy fragmentation, checksum and
// duplicate suppression.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "dclcomms/livekit/livekit_wire.hpp"

namespace dclcomms::livekit::wire {
namespace {

TEST(LivekitWire, FramesRoundTripAndTruncationsAreRejected) {
  const std::vector<ServerFrame> server{Welcome{7, "0xa", {"0xb", "0xc"}},
                                        Rejected{"invalid token"},
                                        ParticipantJoined{"0xb"},
                                        ParticipantLeft{"0xb"},
                                        DataDown{"0xb", {1, 2, 3}},
                                        Closed{DisconnectReason::duplicate_identity, "again"},
                                        Pong{}};
  for (const auto& frame : server) {
    const auto bytes = encode(frame);
    const auto back = decode_server_frame(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(encode(*back), bytes);
    // Every strict prefix of a frame with length-prefixed fields is refused (data frames end
    // with an open payload, so only prefixes inside the sender can be caught).
    if (!std::holds_alternative<DataDown>(frame)) {
      for (std::size_t n = 0; n < bytes.size(); ++n) {
        EXPECT_FALSE(decode_server_frame(std::span(bytes).first(n))) << n;
      }
    }
  }
  const std::vector<ClientFrame> client{Join{"a.b.c"}, DataUp{{"0xb"}, {4, 5}}, DataUp{{}, {}}, Leave{}, Ping{}};
  for (const auto& frame : client) {
    const auto bytes = encode(frame);
    const auto back = decode_client_frame(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(encode(*back), bytes);
  }
  EXPECT_FALSE(decode_client_frame(encode(ServerFrame{ParticipantJoined{"x"}})));
  EXPECT_FALSE(decode_server_frame(std::vector<std::uint8_t>{'K', 99, 0, 0}));
  EXPECT_FALSE(decode_client_frame(std::vector<std::uint8_t>{'P', 0})) << "a ping carries nothing";
  EXPECT_FALSE(decode_server_frame(std::vector<std::uint8_t>{'O', 0})) << "a pong carries nothing";
}

TEST(LivekitWire, FragmentsStayUnderTheMtu) {
  const Bytes message(65535 + 40, 7);
  const auto datagrams = fragment_lossy(1, 1, message);
  EXPECT_EQ(datagrams.size(), (message.size() + lossy_chunk_bytes_default - 1) / lossy_chunk_bytes_default);
  for (const auto& d : datagrams) EXPECT_LE(d.size(), 1400u);
  LossyReassembler reassembler;
  std::optional<Bytes> out;
  for (auto it = datagrams.rbegin(); it != datagrams.rend(); ++it) out = reassembler.add(*decode_lossy_datagram(*it));
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, message);
}

RC_GTEST_PROP(LivekitWireProperties, AnySingleBitFlipIsDetected, ()) {
  const auto message = *rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>());
  const auto datagrams = fragment_lossy(*rc::gen::arbitrary<std::uint64_t>(), *rc::gen::arbitrary<std::uint64_t>(), message, 100);
  auto datagram = datagrams[*rc::gen::inRange<std::size_t>(0, datagrams.size())];
  const auto bit = *rc::gen::inRange<std::size_t>(0, datagram.size() * 8);
  datagram[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  RC_ASSERT(!decode_lossy_datagram(datagram));
}

RC_GTEST_PROP(LivekitWireProperties, ShuffledDuplicatedFragmentsGiveEachMessageOnce, ()) {
  const auto count = *rc::gen::inRange(1, 20);
  std::vector<Bytes> messages;
  std::vector<Bytes> datagrams;
  for (int s = 0; s < count; ++s) {
    messages.push_back(*rc::gen::container<Bytes>(rc::gen::arbitrary<std::uint8_t>()));
    for (auto& d : fragment_lossy(3, static_cast<std::uint64_t>(s) + 1, messages.back(), 16)) {
      datagrams.push_back(d);
      if (*rc::gen::inRange(0, 4) == 0) datagrams.push_back(d);  // a duplicate
    }
  }
  const auto order = *rc::gen::unique<std::vector<std::size_t>>(datagrams.size(), rc::gen::inRange<std::size_t>(0, datagrams.size()));
  LossyReassembler reassembler;
  std::vector<Bytes> out;
  for (const auto i : order) {
    if (auto m = reassembler.add(*decode_lossy_datagram(datagrams[i]))) out.push_back(std::move(*m));
  }
  // Up to partial_max messages can be incomplete at once, so with 20 interleaved some may be
  // abandoned; none is ever delivered twice or altered. With few messages, all arrive.
  for (const auto& m : out) RC_ASSERT(std::count(out.begin(), out.end(), m) <= std::count(messages.begin(), messages.end(), m));
  if (count <= static_cast<int>(LossyReassembler::partial_max)) RC_ASSERT(out.size() == messages.size());
}

}  // namespace
}  // namespace dclcomms::livekit::wire
