#pragma once
// SDP for data-only peer connections (RFC 8866 lines; JSEP, RFC 8829; data channels, RFC 8841):
// what a WebRTC endpoint needs from the peer's description — ICE credentials, the DTLS fingerprint
// and setup role, the SCTP port and maximum message size, host candidates, and which media sections
// exist — and the descriptions we send. Audio and video sections of an offer are rejected in the
// answer (port 0, as JSEP §5.3.1 rejects an m= section), so the peer sees its tracks refused cleanly.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/webrtc/socket_address.hpp"

namespace dclcomms::webrtc {

enum class SdpErrorCode : std::uint8_t {
  malformed,          // not SDP (a line is not <letter>=<value>, or v= is not first)
  no_data_section,    // no m=application … webrtc-datachannel section
  missing_attribute,  // ice-ufrag, ice-pwd, fingerprint or setup absent (the message names it)
  bad_attribute,      // an attribute's value is not what its RFC says (the message names it)
};
std::string_view to_string(SdpErrorCode code);
using SdpError = core::Error<SdpErrorCode>;

struct SdpMediaSection {
  std::string kind;  // "audio", "video", "application"
  std::uint16_t port = 0;
  std::string protocol;  // "UDP/DTLS/SCTP", "UDP/TLS/RTP/SAVPF"
  std::string formats;   // the rest of the m= line
  std::string mid;
};

struct SdpCandidate {
  std::string foundation;
  std::uint32_t priority = 0;
  SocketAddress address;
  std::string type;  // host, srflx, relay, prflx
};

/// What a peer's description says (session-level attributes apply to sections without their own).
struct SessionDescription {
  std::vector<SdpMediaSection> media;  // in order
  std::size_t data_section = 0;        // index into media of the data-channel section
  std::string ice_ufrag, ice_pwd;
  std::string fingerprint_algorithm;  // "sha-256"
  std::string fingerprint;            // "AB:CD:…" uppercase hex pairs
  std::string setup;                  // "actpass", "active", "passive"
  std::uint16_t sctp_port = 5000;
  std::uint64_t max_message_size = 65536;  // RFC 8841 §6: 64 KiB when absent
  bool ice_lite = false;
  std::vector<SdpCandidate> candidates;  // UDP candidates of the data section, in order
};

core::Result<SessionDescription, SdpError> parse_sdp(std::string_view text);
/// One `a=candidate:` value (with or without the "candidate:" prefix), as trickled ICE carries it.
core::Result<SdpCandidate, SdpError> parse_candidate(std::string_view text);

/// What we put in our own descriptions.
struct LocalDescription {
  std::uint64_t session_id = 1;
  std::string ice_ufrag, ice_pwd;
  std::string fingerprint;  // sha-256, "AB:CD:…"
  bool ice_lite = false;
  std::vector<SocketAddress> host_candidates;  // listed with a=end-of-candidates
  std::uint16_t sctp_port = 5000;
  std::uint64_t max_message_size = 262144;
};

/// An offer with one data section (mid "0"), setup actpass.
std::string build_offer(const LocalDescription& local);
/// The answer to `offer`: its data section accepted with `setup` ("active" or "passive"), every
/// other section rejected (port 0); the data section's mid is kept and bundled.
std::string build_answer(const SessionDescription& offer, const LocalDescription& local, std::string_view setup);

}  // namespace dclcomms::webrtc
