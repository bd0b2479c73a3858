// dclcomms packet decode|encode [--schema rfc4|rfc5]
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::cli {
namespace {

struct PacketOptions {
  std::string schema = "rfc4";
  std::string input;
  std::size_t bytes_max = 0;  // 0 = the schema's default
};

std::unique_ptr<google::protobuf::Message> make_message(const std::string& schema) {
  if (schema == "rfc5") return std::make_unique<codec::WsPacket>();
  return std::make_unique<codec::Packet>();
}

std::size_t default_bytes_max(const std::string& schema) {
  return schema == "rfc5" ? codec::ws_packet_bytes_max_default : codec::packet_bytes_max_default;
}

ExitCode decode(const PacketOptions& options) {
  const auto bytes = core::from_hex(argument_or_stdin(options.input));
  if (!bytes) {
    report_error("packet decode", "invalid_hex: the input is not hex (odd digit count or a non-hex character)");
    return ExitCode::bad_input;
  }
  auto message = make_message(options.schema);
  const codec::DecodeLimits limits{options.bytes_max ? options.bytes_max : default_bytes_max(options.schema)};
  const auto status = codec::decode_message(*bytes, limits, *message);
  if (!status) {
    report_error("packet decode", std::string(codec::to_string(status.error().code)) + ": " + status.error().message);
    return ExitCode::bad_input;
  }
  std::cout << codec::to_json(*message) << '\n';
  return ExitCode::ok;
}

ExitCode encode(const PacketOptions& options) {
  auto message = make_message(options.schema);
  const auto status = codec::from_json(argument_or_stdin(options.input), *message);
  if (!status) {
    report_error("packet encode", std::string(codec::to_string(status.error().code)) + ": " + status.error().message);
    return ExitCode::bad_input;
  }
  std::cout << core::to_hex(codec::encode_message(*message)) << '\n';
  return ExitCode::ok;
}

void add_common_options(CLI::App& command, PacketOptions& options) {
  command.add_option("--schema", options.schema, "rfc4 (Packet, the default) or rfc5 (WsPacket)")->check(CLI::IsMember({"rfc4", "rfc5"}));
}

}  // namespace

void register_packet_commands(CLI::App& app, ExitCode& exit_code) {
  auto* packet = app.add_subcommand("packet", "Encode and decode RFC-4 Packets and RFC-5 WsPackets");
  packet->require_subcommand(1);
  auto options = std::make_shared<PacketOptions>();

  auto* decode_cmd =
      packet->add_subcommand("decode", "Hex bytes -> standard proto3 JSON (one line). Exit 2 with the error class on bad bytes");
  add_common_options(*decode_cmd, *options);
  decode_cmd->add_option("hex", options->input, "Hex bytes, or - to read stdin")->required();
  decode_cmd->add_option("--bytes-max", options->bytes_max, "Size limit (default 65535 for rfc4, 65599 for rfc5)");
  decode_cmd->callback([options, &exit_code] { exit_code = decode(*options); });

  auto* encode_cmd = packet->add_subcommand("encode", "Standard proto3 JSON -> hex of the deterministic encoding. Exit 2 on bad JSON");
  add_common_options(*encode_cmd, *options);
  encode_cmd->add_option("json", options->input, "JSON text, or - to read stdin")->required();
  encode_cmd->callback([options, &exit_code] { exit_code = encode(*options); });
  register_packet_bench_command(*packet, exit_code);
}

}  // namespace dclcomms::cli
