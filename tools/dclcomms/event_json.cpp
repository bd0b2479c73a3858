#include "event_json.hpp"

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/utf8.hpp"

namespace dclcomms::cli {
namespace {

struct EventPrinter {
  nlohmann::json operator()(const transport::Connected& e) const {
    return {{"event", "connected"}, {"peers", e.peers}};
  }
  nlohmann::json operator()(const transport::MessageReceived& e) const {
    nlohmann::json out{{"event", "message"}, {"from", core::to_valid_utf8(e.sender)}};
    auto packet = codec::decode_packet(e.packet);
    if (packet.ok()) {
      out["packet"] = nlohmann::json::parse(codec::to_json(*packet));
    } else {
      out["packet_hex"] = core::to_hex(e.packet);
      out["decode_error"] = packet.error().message;
    }
    return out;
  }
  nlohmann::json operator()(const transport::PeerJoined& e) const {
    return {{"event", "peer_joined"}, {"address", core::to_valid_utf8(e.address)}};
  }
  nlohmann::json operator()(const transport::PeerLeft& e) const {
    return {{"event", "peer_left"}, {"address", core::to_valid_utf8(e.address)}};
  }
  nlohmann::json operator()(const transport::Disconnected& e) const {
    return {{"event", "disconnected"}, {"reason", core::to_valid_utf8(e.reason)}, {"kicked", e.kicked}};
  }
  nlohmann::json operator()(const transport::ErrorReported& e) const {
    return {{"event", "error"},
            {"code", std::string(transport::to_string(e.error.code))},
            {"message", core::to_valid_utf8(e.error.message)}};
  }
};

core::Unexpected<codec::CodecError> bad_line(std::string message) {
  return core::fail(codec::CodecErrorCode::invalid_json, std::move(message));
}

}  // namespace

nlohmann::json event_to_json(const transport::TransportEvent& event) {
  return std::visit(EventPrinter{}, event);
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
      out.options.reliability =
          json["reliable"].get<bool>() ? transport::Reliability::reliable : transport::Reliability::unreliable;
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
