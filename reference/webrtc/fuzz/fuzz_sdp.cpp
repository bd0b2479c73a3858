// libFuzzer target for the data-only SDP reader (sdp.hpp). Built only with -DDCLCOMMS_FUZZ=ON and clang.
//
//   fuzz_sdp -max_len=16384
//
// Invariants: no crash or sanitizer report; err => a message; ok => our answer to it parses again
// and keeps the offer's ICE-independent facts (the data section's mid, the section count).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "dclcomms/webrtc/sdp.hpp"

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dclcomms::webrtc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_candidate(text);
  auto offer = parse_sdp(text);
  if (!offer) {
    require(!offer.error().message.empty(), "an error without a message");
    return 0;
  }
  LocalDescription local{.ice_ufrag = "abcd",
                         .ice_pwd = "0123456789abcdefghijkl",
                         .fingerprint = "AA:BB",
                         .host_candidates = {{"127.0.0.1", 7882}}};
  const std::string answer = build_answer(*offer, local, "passive");
  auto reread = parse_sdp(answer);
  require(static_cast<bool>(reread), "our answer does not parse");
  require(reread->media.size() == offer->media.size(), "our answer has another number of sections");
  require(reread->media[reread->data_section].mid == offer->media[offer->data_section].mid, "our answer changed the data section's mid");
  return 0;
}
