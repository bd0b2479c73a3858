#include "dclcomms/codec/codec.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

#include <string>

#include "dclcomms/codec/wire_check.hpp"
#include "dclcomms/core/assert.hpp"

namespace dclcomms::codec {

std::string_view to_string(CodecErrorCode code) {
  switch (code) {
    case CodecErrorCode::oversized: return "oversized";
    case CodecErrorCode::truncated: return "truncated";
    case CodecErrorCode::malformed_varint: return "malformed_varint";
    case CodecErrorCode::invalid_field_number: return "invalid_field_number";
    case CodecErrorCode::invalid_wire_type: return "invalid_wire_type";
    case CodecErrorCode::wrong_wire_type: return "wrong_wire_type";
    case CodecErrorCode::invalid_utf8: return "invalid_utf8";
    case CodecErrorCode::too_deep: return "too_deep";
    case CodecErrorCode::invalid_json: return "invalid_json";
    case CodecErrorCode::invalid_hex: return "invalid_hex";
    case CodecErrorCode::rejected: return "rejected";
  }
  return "unknown";
}

Bytes encode_message(const google::protobuf::Message& message) {
  // Straight into the result: sized first, then written once. Plain SerializeToArray is not
  // deterministic for maps (build notes G4); a coded stream with the flag set is.
  const std::size_t size = message.ByteSizeLong();
  if (size == 0) return {};
  Bytes out(size);
  {
    google::protobuf::io::ArrayOutputStream stream(out.data(), static_cast<int>(size));
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&coded);
    // Only fails for messages over 2 GiB (proto3 has no required fields).
    DCL_ASSERT(!coded.HadError() && static_cast<std::size_t>(coded.ByteCount()) == size);
  }
  return out;
}

core::Result<core::Ok, CodecError> decode_message(ByteView bytes, const DecodeLimits& limits, google::protobuf::Message& message) {
  message.Clear();
  const auto& descriptor = *message.GetDescriptor();
  if (bytes.size() > limits.bytes_max) {
    return core::fail(CodecErrorCode::oversized, std::to_string(bytes.size()) + " bytes exceed the limit of " +
                                                     std::to_string(limits.bytes_max) + " for " + descriptor.full_name());
  }
  if (auto problem = check_wire(bytes, descriptor)) {
    return core::Unexpected<CodecError>{std::move(*problem)};
  }
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    message.Clear();
    return core::fail(CodecErrorCode::rejected, "protobuf could not parse the bytes as " + descriptor.full_name());
  }
  return core::Ok{};
}

core::Result<Packet, CodecError> decode_packet(ByteView bytes, DecodeLimits limits) {
  Packet packet;
  auto status = decode_message(bytes, limits, packet);
  if (!status) return core::Unexpected<CodecError>{status.error()};
  return packet;
}

core::Result<WsPacket, CodecError> decode_ws_packet(ByteView bytes, DecodeLimits limits) {
  WsPacket packet;
  auto status = decode_message(bytes, limits, packet);
  if (!status) return core::Unexpected<CodecError>{status.error()};
  return packet;
}

}  // namespace dclcomms::codec
