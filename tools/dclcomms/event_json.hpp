#pragma once
// Transport events as JSON lines, and JSON lines as packets to send: the text protocol of
// `dclcomms connect`, made to be read by people and by scripts.

#include <nlohmann/json.hpp>
#include <string>

#include "dclcomms/codec/codec_error.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/transport/transport.hpp"

namespace dclcomms::cli {

/// {"event":"connected","peers":[...]}, {"event":"message","from":"0x…","packet":{…proto3 JSON…}}
/// (or "packet_hex" + "decode_error" when the bytes are not a valid Packet), {"event":"peer_joined",
/// "address"}, {"event":"peer_left","address"}, {"event":"disconnected","reason","kicked"},
/// {"event":"error","code","message"}.
nlohmann::json event_to_json(const transport::TransportEvent& event);

/// One line to send: either a Packet in proto3 JSON, or an envelope
/// {"packet": {…}, "reliable": true|false, "targets": ["0x…"]} (reliable by default).
struct OutgoingPacket {
  transport::PacketBytes bytes;
  transport::SendOptions options;
};
core::Result<OutgoingPacket, codec::CodecError> parse_outgoing_line(const std::string& line);

}  // namespace dclcomms::cli
