#include "dclcomms/simulator_transport/peer_packets.hpp"

#include "dclcomms/simulator_transport/crowd_config.hpp"
#include "dclcomms/simulator_transport/fixed_trig.hpp"

namespace dclcomms::simulator_transport {
namespace {

codec::Packet stamped() {
  codec::Packet packet;
  packet.set_protocol_version(protocol_version);
  return packet;
}

// Yaw quaternion (0, sin(yaw/2), 0, cos(yaw/2)) straight from the heading vector by the half-angle
// identities, so no angle (and no libm) is needed.
struct YawQuaternion {
  double y = 0.0;
  double w = 1.0;
};
YawQuaternion yaw_quaternion(const Pose& pose) {
  const double cos_yaw = pose.heading_z;
  const double half_cos = square_root((1.0 + cos_yaw) / 2.0 > 0 ? (1.0 + cos_yaw) / 2.0 : 0.0);
  const double half_sin_abs = square_root((1.0 - cos_yaw) / 2.0 > 0 ? (1.0 - cos_yaw) / 2.0 : 0.0);
  return YawQuaternion{.y = pose.heading_x < 0 ? -half_sin_abs : half_sin_abs, .w = half_cos};
}

}  // namespace

codec::Bytes position_packet(std::uint32_t index, const Pose& pose) {
  auto packet = stamped();
  auto* position = packet.mutable_position();
  position->set_index(index);
  position->set_position_x(static_cast<float>(pose.x));
  position->set_position_y(static_cast<float>(pose.y));
  position->set_position_z(static_cast<float>(pose.z));
  const auto q = yaw_quaternion(pose);
  position->set_rotation_x(0.0F);
  position->set_rotation_y(static_cast<float>(q.y));
  position->set_rotation_z(0.0F);
  position->set_rotation_w(static_cast<float>(q.w));
  return codec::encode_packet(packet);
}

codec::Bytes movement_packet(float timestamp_s, const Pose& pose, double velocity_x, double velocity_z, float blend) {
  auto packet = stamped();
  auto* movement = packet.mutable_movement();
  movement->set_timestamp(timestamp_s);
  movement->set_position_x(static_cast<float>(pose.x));
  movement->set_position_y(static_cast<float>(pose.y));
  movement->set_position_z(static_cast<float>(pose.z));
  movement->set_velocity_x(static_cast<float>(velocity_x));
  movement->set_velocity_z(static_cast<float>(velocity_z));
  movement->set_movement_blend_value(blend);
  movement->set_is_grounded(true);
  movement->set_rotation_y(static_cast<float>(heading_degrees(pose.heading_x, pose.heading_z)));
  return codec::encode_packet(packet);
}

codec::Bytes announce_packet(std::uint32_t profile_version) {
  auto packet = stamped();
  packet.mutable_profile_version()->set_profile_version(profile_version);
  return codec::encode_packet(packet);
}

std::string profile_json(std::string_view address, std::uint32_t index, std::uint32_t version) {
  // Hand-written in a fixed key order: the bytes must not depend on a JSON library's choices.
  const std::string a(address);
  const std::string name = "SimPeer" + std::to_string(index);
  return R"({"avatars":[{"userId":")" + a + R"(","ethAddress":")" + a + R"(","name":")" + name +
         R"(","hasClaimedName":false,"description":"dclcomms simulated peer","version":)" + std::to_string(version) +
         R"(,"tutorialStep":0,"avatar":{"bodyShape":"urn:decentraland:off-chain:base-avatars:)" +
         (index % 2 == 0 ? "BaseMale" : "BaseFemale") +
         R"(","wearables":["urn:decentraland:off-chain:base-avatars:eyebrows_00","urn:decentraland:off-chain:base-avatars:mouth_00"],)"
         R"("eyes":{"color":{"r":0.23,"g":0.62,"b":0.31}},"hair":{"color":{"r":0.1,"g":0.1,"b":0.1}},)"
         R"("skin":{"color":{"r":0.8,"g":0.6,"b":0.46}}}}]})";
}

codec::Bytes profile_response_packet(std::string_view address, std::uint32_t index, std::uint32_t version) {
  auto packet = stamped();
  auto* response = packet.mutable_profile_response();
  response->set_serialized_profile(profile_json(address, index, version));
  response->set_base_url(std::string(profile_base_url));
  return codec::encode_packet(packet);
}

codec::Bytes chat_packet(std::string_view text, double timestamp_s) {
  auto packet = stamped();
  packet.mutable_chat()->set_message(std::string(text));
  packet.mutable_chat()->set_timestamp(timestamp_s);
  return codec::encode_packet(packet);
}

codec::Bytes scene_packet(std::string_view scene_id, std::string_view text) {
  auto packet = stamped();
  packet.mutable_scene()->set_scene_id(std::string(scene_id));
  std::string data(1, '\x01');  // message type 1: a UTF-8 string (SDK MessageBus)
  data += text;
  packet.mutable_scene()->set_data(std::move(data));
  return codec::encode_packet(packet);
}

codec::Bytes emote_packet(std::uint32_t incremental_id, std::string_view urn, float timestamp_s) {
  auto packet = stamped();
  auto* emote = packet.mutable_player_emote();
  emote->set_incremental_id(incremental_id);
  emote->set_urn(std::string(urn));
  emote->set_timestamp(timestamp_s);
  return codec::encode_packet(packet);
}

}  // namespace dclcomms::simulator_transport
