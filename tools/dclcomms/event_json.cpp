#include "event_json.hpp"

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/driver/protocol.hpp"

namespace dclcomms::cli {
namespace {

core::Unexpected<codec::CodecError> bad_line(std::string message) {
  return core::fail(codec::CodecErrorCode::invalid_json, std::move(message));
}

}  // namespace

nlohmann::json event_to_json(const transport::TransportEvent& event) {
  // The driver protocol's form (one renderer), with a message's packet decoded for people to read.
  nlohmann::json out = driver::event_to_json(event);
  if (const auto* message = std::get_if<transport::MessageReceived>(&event)) {
    const auto packet = codec::decode_packet(message->packet);
    if (packet.ok()) {
      out.erase("packet_hex");
      out["packet"] = nlohmann::json::parse(codec::to_json(*packet));
    } else {
      out["decode_error"] = packet.error().message;
    }
  }
  return out;
}

core::Result<OutgoingPacket, codec::CodecError> parse_outgoing_line(const std::string& line) {
  const auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return bad_line("a line must be one JSON object");
  OutgoingPacket out;
  const nlohmann::json* packet_json = &json;
  if (json.contains("packet")) {
    packet_json = &json["packet"];
    for (auto it = json.begin(); it != json.end(); ++it) {
      if (it.key() != "packet" && it.key() != "reliable" && it.key() != "targets") {
        return bad_line("unknown envelope key '" + it.key() + "' (expected packet, reliable, targets)");
      }
    }
    if (json.contains("reliable")) {
      if (!json["reliable"].is_boolean()) return bad_line("'reliable' must be true or false");
      out.options.reliability = json["reliable"].get<bool>() ? transport::Reliability::reliable : transport::Reliability::unreliable;
    }
    if (json.contains("targets")) {
      if (!json["targets"].is_array()) return bad_line("'targets' must be an array of addresses");
      for (const auto& target : json["targets"]) {
        if (!target.is_string()) return bad_line("'targets' must be an array of addresses");
        out.options.targets.push_back(target.get<std::string>());
      }
    }
  }
  codec::Packet packet;
  auto status = codec::from_json(packet_json->dump(), packet);
  if (!status) return core::Unexpected<codec::CodecError>{status.error()};
  out.bytes = codec::encode_packet(packet);
  return out;
}

}  // namespace dclcomms::cli
