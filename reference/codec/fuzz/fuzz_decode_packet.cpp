// libFuzzer target: decode_packet() on arbitrary bytes. Invariants: a typed error with a message, or a value
// whose canonical encoding decodes to the same value and re-encodes to the same bytes.
#include <cstddef>
#include <cstdint>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dclcomms::codec;
  auto decoded = decode_packet(ByteView(data, size));
  if (!decoded.ok()) {
    DCL_ASSERT(!decoded.error().message.empty());
    return 0;
  }
  const Bytes canonical = encode_message(*decoded);
  auto again = decode_packet(canonical, DecodeLimits{canonical.size()});
  DCL_ASSERT(again.ok());
  DCL_ASSERT(encode_message(*again) == canonical);
  // The JSON mapping must accept whatever the decoder accepted.
  Packet from_text;
  DCL_ASSERT(from_json(to_json(*decoded), from_text).ok());
  return 0;
}
