// The data-only SDP reader and writer against descriptions as WebRTC stacks write them.
#include "dclcomms/webrtc/sdp.hpp"

#include <gtest/gtest.h>

namespace dclcomms::webrtc {
namespace sdp_test {

// A publisher offer as LiveKit's Rust/Node SDK (libwebrtc) sends it: one data section.
constexpr std::string_view libwebrtc_offer =
    "v=0\r\n"
    "o=- 4235342337417826437 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host generation 0\r\n"
    "a=candidate:2 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0\r\n"
    "a=ice-ufrag:Xy1z\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 0a:1B:2c:3D:4e:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n";

TEST(Sdp, ReadsALibwebrtcDataOffer) {
  auto offer = parse_sdp(libwebrtc_offer);
  ASSERT_TRUE(offer) << offer.error().message;
  EXPECT_EQ(offer->media.size(), 1u);
  EXPECT_EQ(offer->media[0].mid, "0");
  EXPECT_EQ(offer->ice_ufrag, "Xy1z");
  EXPECT_EQ(offer->ice_pwd, "abcdefghijklmnopqrstuvwx");
  EXPECT_EQ(offer->fingerprint, "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9");
  EXPECT_EQ(offer->setup, "actpass");
  EXPECT_EQ(offer->sctp_port, 5000);
  EXPECT_EQ(offer->max_message_size, 262144u);
  ASSERT_EQ(offer->candidates.size(), 1u);  // the TCP candidate is not ours to use
  EXPECT_EQ(offer->candidates[0].address, (SocketAddress{"192.168.1.20", 54321}));
  EXPECT_FALSE(offer->ice_lite);
}

TEST(Sdp, AnswerAcceptsDataAndRejectsMedia) {
  std::string with_audio(libwebrtc_offer);
  with_audio.replace(with_audio.find("a=group:BUNDLE 0"), 16, "a=group:BUNDLE 0 1");
  with_audio += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendrecv\r\n";
  auto offer = parse_sdp(with_audio);
  ASSERT_TRUE(offer) << offer.error().message;
  LocalDescription local{.session_id = 7,
                         .ice_ufrag = "abcd",
                         .ice_pwd = "0123456789012345678901",
                         .fingerprint = "AA:BB",
                         .ice_lite = true,
                         .host_candidates = {{"127.0.0.1", 7882}}};
  const std::string answer = build_answer(*offer, local, "passive");
  EXPECT_NE(answer.find("a=ice-lite\r\n"), std::string::npos);
  EXPECT_NE(answer.find("a=group:BUNDLE 0\r\n"), std::string::npos);
  EXPECT_NE(answer.find("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\n"), std::string::npos);
  EXPECT_NE(answer.find("a=candidate:1 1 udp 2130706175 127.0.0.1 7882 typ host\r\n"), std::string::npos);
  EXPECT_NE(answer.find("a=setup:passive\r\n"), std::string::npos);
  // Our answer reads back.
  auto parsed = parse_sdp(answer);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->ice_lite);
  EXPECT_EQ(parsed->media.size(), 2u);
  EXPECT_EQ(parsed->media[1].port, 0);
  EXPECT_EQ(parsed->candidates.at(0).address, (SocketAddress{"127.0.0.1", 7882}));
}

TEST(Sdp, NamesWhatIsWrong) {
  EXPECT_EQ(parse_sdp("").error().code, SdpErrorCode::malformed);
  EXPECT_EQ(parse_sdp("hello\r\n").error().code, SdpErrorCode::malformed);
  EXPECT_EQ(parse_sdp("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n").error().code, SdpErrorCode::no_data_section);
  std::string no_pwd(libwebrtc_offer);
  no_pwd.erase(no_pwd.find("a=ice-pwd"), no_pwd.find("a=ice-options") - no_pwd.find("a=ice-pwd"));
  const auto missing = parse_sdp(no_pwd);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, SdpErrorCode::missing_attribute);
  EXPECT_NE(missing.error().message.find("ice-pwd"), std::string::npos);
  std::string bad_setup(libwebrtc_offer);
  bad_setup.replace(bad_setup.find("actpass"), 7, "holdconn");
  EXPECT_EQ(parse_sdp(bad_setup).error().code, SdpErrorCode::bad_attribute);
  EXPECT_EQ(parse_candidate("candidate:1 1 udp 1 1.2.3.4 99999 typ host").error().code, SdpErrorCode::bad_attribute);
}

}  // namespace sdp_test
}  // namespace dclcomms::webrtc
