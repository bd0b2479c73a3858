#pragma once
// The RFC-4 packets a virtual peer sends (spec §8.1), already encoded, each stamped with
// protocol_version 100 (§8.2). Pure functions of their arguments: no clock, no randomness.

#include <cstdint>
#include <string>
#include <string_view>

#include "dclcomms/codec/codec.hpp"

namespace dclcomms::simulator_transport {

/// ProfileResponse.base_url, as the kernel's SimulationRoom answered (spec §7.2).
inline constexpr std::string_view profile_base_url = "https://peer.decentraland.org";

/// Where an avatar is and which way it faces; heading (hx, hz) is a unit vector in the ground plane
/// (+z = 0 degrees).
struct Pose {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;
  double heading_x = 0.0;
  double heading_z = 1.0;
};

/// Position{index, position, yaw quaternion} — kernel-era movement (unreliable).
codec::Bytes position_packet(std::uint32_t index, const Pose& pose);

/// Movement{timestamp, position, velocity, blend, grounded, rotation_y} — unity-explorer movement
/// (unreliable). `blend` is the movement kind: 0 idle, 1 walk, 2 jog, 3 run.
codec::Bytes movement_packet(float timestamp_s, const Pose& pose, double velocity_x, double velocity_z, float blend);

/// AnnounceProfileVersion (reliable).
codec::Bytes announce_packet(std::uint32_t profile_version);

/// The profile JSON a peer serves: one avatar with its address, a name and `version`.
std::string profile_json(std::string_view address, std::uint32_t index, std::uint32_t version);

/// ProfileResponse{profile_json, profile_base_url} (reliable).
codec::Bytes profile_response_packet(std::string_view address, std::uint32_t index, std::uint32_t version);

/// Chat (reliable). `timestamp` in seconds (ADR-204's unit).
codec::Bytes chat_packet(std::string_view text, double timestamp_s);

/// Scene{scene_id, data = 0x01 + UTF-8 text}: an SDK MessageBus string message (spec §8.4).
codec::Bytes scene_packet(std::string_view scene_id, std::string_view text);

/// PlayerEmote{incremental_id, urn, timestamp} (reliable).
codec::Bytes emote_packet(std::uint32_t incremental_id, std::string_view urn, float timestamp_s);

}  // namespace dclcomms::simulator_transport
