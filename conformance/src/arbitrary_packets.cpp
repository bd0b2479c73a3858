#include "arbitrary_packets.hpp"

#include "dclcomms/codec/arbitrary_messages.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/prng.hpp"

namespace dclcomms::conformance {
namespace {

// RapidCheck's generator takes a 256-bit key; ours comes from the case's seed and the stream name.
rc::Random::Key key_for(std::uint64_t seed, std::string_view stream) {
  core::Prng prng = core::Prng::derive(seed, "arbitrary-packets:" + std::string(stream));
  return {prng.next_u64(), prng.next_u64(), prng.next_u64(), prng.next_u64()};
}

}  // namespace

ArbitraryPackets::ArbitraryPackets(std::uint64_t seed, std::string_view stream) : random_(key_for(seed, stream)) {}

rc::Shrinkable<codec::Packet> ArbitraryPackets::next(int count) {
  const int size = count <= 1 ? rc::kNominalSize : index_ * rc::kNominalSize / (count - 1);
  ++index_;
  return rc::gen::arbitrary<codec::Packet>()(random_.split(), std::min(size, rc::kNominalSize));
}

std::string describe(const ShrinkResult& result, bool same_failure) {
  const auto bytes = codec::encode_packet(result.packet);
  return "; shrunk (" + std::to_string(result.steps) + " steps, " + std::to_string(result.attempts) + " candidates tried" +
         (same_failure ? ", each failing the same way" : "") + ") to the minimal failing packet " + codec::to_json(result.packet) + " (" +
         std::to_string(bytes.size()) + " bytes" + (bytes.empty() ? "" : ": " + core::to_hex(bytes)) + ")";
}

ShrinkResult shrink(const rc::Shrinkable<codec::Packet>& failing, const std::function<bool(const codec::Packet&)>& still_fails,
                    int attempts_max) {
  rc::Shrinkable<codec::Packet> current = failing;
  ShrinkResult result{current.value(), 0, 0};
  bool progress = true;
  while (progress && result.attempts < attempts_max) {
    progress = false;
    auto candidates = current.shrinks();
    while (auto candidate = candidates.next()) {
      if (result.attempts >= attempts_max) break;
      ++result.attempts;
      codec::Packet packet = candidate->value();
      if (still_fails(packet)) {
        current = std::move(*candidate);
        result.packet = std::move(packet);
        ++result.steps;
        progress = true;
        break;
      }
    }
  }
  return result;
}

}  // namespace dclcomms::conformance
