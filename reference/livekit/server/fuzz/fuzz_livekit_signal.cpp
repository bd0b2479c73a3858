// libFuzzer target for LiveKit's signal messages on both sides: the room server's SignalServerCore
// (with its WebRTC side, so offers and answers reach the SDP parser) and our client's RtcClientCore.
// Built only with -DDCLCOMMS_FUZZ=ON and clang.
//
//   fuzz_livekit_signal -max_len=4096
//
// The first byte picks the side; the rest is one message. Invariants: no crash or sanitizer report;
// the server keeps serving (a second participant still joins and gets its JoinResponse after any
// input from the first); the client core ends in a defined state.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "dclcomms/livekit_rtc/rtc_client_core.hpp"
#include "dclcomms/livekit_server/signal_server_core.hpp"

namespace {

using namespace std::chrono_literals;

constexpr std::int64_t now_s = 1'800'000'000;
const dclcomms::livekit::ApiCredentials credentials{"devkey", "secret-secret-secret-secret-secret"};

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

std::string token(const std::string& identity) {
  dclcomms::livekit::LivekitClaims claims;
  claims.issuer = credentials.api_key;
  claims.identity = identity;
  claims.not_before = now_s - 10;
  claims.expires_at = now_s + 3600;
  dclcomms::livekit::VideoGrant grant;
  grant.room_join = true;
  grant.room = "fuzz";
  claims.video = grant;
  return dclcomms::livekit::mint_livekit_token(claims, credentials.api_secret);
}

const std::shared_ptr<const dclcomms::webrtc::DtlsIdentity>& identity() {
  static const auto made = dclcomms::webrtc::DtlsIdentity::generate().value();
  return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dclcomms;
  if (size == 0) return 0;
  const std::span<const std::uint8_t> message(data + 1, size - 1);
  const core::TimePoint now{1000s};
  if (data[0] & 1) {
    static const std::string first = "/rtc?access_token=" + token("first"), second = "/rtc?access_token=" + token("second");
    livekit_server::SignalServerCore server{livekit_server::SignalServerConfig{
        .credentials = credentials,
        .relay = livekit_server::DataRelayConfig{.identity = identity(), .udp_address = {"10.0.0.1", 7882}, .seed = 1}}};
    server.handle_open(1, first, "", now, now_s * 1000);
    server.handle_message(1, message, now, now_s * 1000);
    server.handle_datagram(message, {"10.0.1.1", 5000}, now);
    server.handle_timeout(now + 1s);
    while (server.poll_transmit()) {
    }
    while (server.poll_close()) {
    }
    server.handle_open(2, second, "", now, now_s * 1000);
    bool joined = false;
    while (auto transmit = server.poll_transmit()) joined = joined || transmit->connection == 2;
    require(joined, "a second participant got no JoinResponse after the input");
  } else {
    livekit_rtc::RtcClientCore client({.identity = identity(), .seed = 1}, now);
    client.handle_signal_frame(message, now);
    client.handle_datagram(livekit_rtc::PeerConnectionRole::publisher, message, {"10.0.0.1", 7882}, now);
    client.handle_timeout(now + 20s);
    require(client.state() == dclcomms::livekit::ClientState::closed, "the client is not closed after its join timeout");
    while (client.poll_signal()) {
    }
    while (client.poll_datagram()) {
    }
    while (client.poll_event()) {
    }
  }
  return 0;
}
