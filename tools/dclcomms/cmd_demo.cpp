// dclcomms demo: the built-in default job. Walks the foundation end to end — connection strings
// (real-world forms and typical mistakes), every RFC-4 message through the codec, and the offline
// transport through the factory — checking each result as it goes.
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/registry/reference_transports.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::cli {
namespace {

struct Tally {
  int passed = 0;
  int failed = 0;
  void check(bool ok, const std::string& what) {
    if (ok) {
      ++passed;
    } else {
      ++failed;
      std::cout << "  FAILED: " << what << '\n';
    }
  }
};

struct UriExample {
  const char* uri;
  const char* expected;  // "ok" or the expected error code
};

void demo_uris(Tally& tally) {
  std::cout << "== Connection strings (spec §2)\n";
  const UriExample examples[] = {
      {"ws-room:ws-room-service.decentraland.org/rooms/123-room-id", "ok"},
      {"ws-room:ws://127.0.0.1:8000/mini-comms/room-1", "ok"},
      {"livekit:wss://livekit.example.org?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIweDEyMyJ9.c2ln", "ok"},
      {"signed-login:https://worlds-content-server.decentraland.org/worlds/boedo.dcl.eth/comms", "ok"},
      {"offline:offline", "ok"},
      {"simulator:?position=-9,-9&distance=0.05", "ok"},
      {"ws-room:http://example.org/rooms/1", "bad_scheme"},
      {"livekit:wss://livekit.example.org", "missing_token"},
      {"ws-room:wss://example.org:99999/rooms/1", "bad_port"},
      {"p2p:whatever", "unsupported_type"},
      {"offline", "missing_separator"},
  };
  for (const auto& example : examples) {
    const auto parsed = registry::parse_transport_uri(example.uri);
    const std::string verdict = parsed ? "ok" : std::string(transport::to_string(parsed.error().code));
    std::cout << "  " << std::left << std::setw(18) << verdict << example.uri;
    if (parsed) {
      if (!parsed->endpoint.empty())
        std::cout << "\n  " << std::setw(18) << ""
                  << "-> " << parsed->endpoint;
    } else {
      std::cout << "\n  " << std::setw(18) << ""
                << "   " << parsed.error().message;
    }
    std::cout << '\n';
    tally.check(verdict == example.expected, std::string(example.uri) + " gave " + verdict);
  }
}

std::vector<std::pair<std::string, codec::Packet>> sample_packets() {
  std::vector<std::pair<std::string, codec::Packet>> samples;
  auto add = [&](const char* name, auto&& fill) {
    codec::Packet packet;
    fill(packet);
    packet.set_protocol_version(100);
    samples.emplace_back(name, std::move(packet));
  };
  add("position", [](auto& p) {
    p.mutable_position()->set_index(42);
    p.mutable_position()->set_position_x(-160.5f);
    p.mutable_position()->set_rotation_w(1.0f);
  });
  add("profile_version", [](auto& p) { p.mutable_profile_version()->set_profile_version(7); });
  add("profile_request", [](auto& p) {
    p.mutable_profile_request()->set_address("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    p.mutable_profile_request()->set_profile_version(7);
  });
  add("profile_response", [](auto& p) {
    p.mutable_profile_response()->set_serialized_profile("{\"avatars\":[]}");
    p.mutable_profile_response()->set_base_url("https://peer.decentraland.org");
  });
  add("chat", [](auto& p) {
    p.mutable_chat()->set_message("hi ✓");
    p.mutable_chat()->set_timestamp(1700000000.5);
  });
  add("scene", [](auto& p) {
    p.mutable_scene()->set_scene_id("bafkreiscene");
    p.mutable_scene()->set_data("\x01hello");
  });
  add("voice", [](auto& p) {
    p.mutable_voice()->set_encoded_samples(std::string(60, '\x55'));
    p.mutable_voice()->set_index(3);
  });
  add("movement", [](auto& p) {
    p.mutable_movement()->set_timestamp(12.5f);
    p.mutable_movement()->set_velocity_x(3.0f);
    p.mutable_movement()->set_is_grounded(true);
    p.mutable_movement()->set_jump_count(2);
  });
  add("player_emote", [](auto& p) {
    p.mutable_player_emote()->set_incremental_id(9);
    p.mutable_player_emote()->set_urn("urn:decentraland:off-chain:base-avatars:wave");
  });
  add("scene_emote", [](auto& p) {
    p.mutable_scene_emote()->set_scene_entity_id("bafkreiscene");
    p.mutable_scene_emote()->set_source("dance.glb");
  });
  add("movement_compressed", [](auto& p) {
    p.mutable_movement_compressed()->set_temporal_data(-1);
    p.mutable_movement_compressed()->set_movement_data(1234567890123);
  });
  add("look_at_position", [](auto& p) {
    p.mutable_look_at_position()->set_position_y(1.5f);
    p.mutable_look_at_position()->set_target_avatar_wallet_address("0x2b5ad5c4795c026514f8317c7a215e218dccd6cf");
  });
  add("reaction", [](auto& p) {
    p.mutable_reaction()->set_emoji_index(4);
    p.mutable_reaction()->set_count(2);
  });
  add("chat_reaction", [](auto& p) {
    p.mutable_chat_reaction()->set_emoji_index(1);
    p.mutable_chat_reaction()->set_message_id("m-1");
  });
  return samples;
}

void demo_codec(Tally& tally) {
  std::cout << "== RFC-4 packets: encode -> decode -> proto3 JSON\n";
  for (const auto& [name, packet] : sample_packets()) {
    const codec::Bytes bytes = codec::encode_packet(packet);
    const auto decoded = codec::decode_packet(bytes);
    const bool same = decoded.ok() && codec::encode_packet(*decoded) == bytes;
    std::cout << "  " << std::left << std::setw(20) << name << std::right << std::setw(4) << bytes.size() << " B  "
              << codec::to_json(packet) << '\n';
    tally.check(same, name + " did not round-trip");
  }
  const codec::Bytes truncated = *core::from_hex("2a0d0a026869");
  const auto bad = codec::decode_packet(truncated);
  std::cout << "  truncated bytes      -> "
            << (bad ? "accepted!" : std::string(codec::to_string(bad.error().code)) + ": " + bad.error().message) << '\n';
  tally.check(!bad && bad.error().code == codec::CodecErrorCode::truncated, "truncated bytes not reported as truncated");
}

void demo_offline(Tally& tally) {
  std::cout << "== offline transport through the factory\n";
  core::ManualRuntime runtime;
  transport::TransportFactory factory(
      transport::TransportContext{.runtime = &runtime, .identity = {}, .websocket = {}, .websocket_options = {}});
  registry::register_reference_transports(factory);
  auto created = factory.create("offline:offline");
  tally.check(created.ok(), "factory refused offline:offline");
  if (!created) return;
  std::vector<std::string> events;
  (*created)->set_event_handler([&](const transport::TransportEvent& e) { events.emplace_back(transport::event_name(e)); });
  tally.check((*created)->connect().ok(), "connect failed");
  runtime.run_until_idle();
  const auto bytes = codec::encode_packet(sample_packets().front().second);
  tally.check((*created)->send(bytes, {}).ok(), "send failed");
  (*created)->disconnect();
  runtime.run_until_idle();
  std::cout << "  events: ";
  for (const auto& e : events) std::cout << e << ' ';
  std::cout << "(sends are discarded)\n";
  tally.check(events == std::vector<std::string>{"connected", "disconnected"}, "unexpected offline events");
  const auto refused = factory.create("ws-room:wss://example.org/rooms/1");
  std::cout << "  ws-room in this build -> "
            << (refused ? "created" : std::string(transport::to_string(refused.error().code)) + ": " + refused.error().message) << '\n';
}

ExitCode run_demo() {
  Tally tally;
  demo_uris(tally);
  demo_codec(tally);
  demo_offline(tally);
  std::cout << "demo: " << tally.passed << " passed, " << tally.failed << " failed\n";
  return tally.failed == 0 ? ExitCode::ok : ExitCode::failed;
}

}  // namespace

void register_demo_command(CLI::App& app, ExitCode& exit_code) {
  auto* demo = app.add_subcommand("demo", "Run the built-in demo of codec, connection strings and offline transport");
  demo->callback([&exit_code] { exit_code = run_demo(); });
}

}  // namespace dclcomms::cli
