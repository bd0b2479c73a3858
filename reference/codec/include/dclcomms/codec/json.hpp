#pragma once
// The standard proto3 JSON mapping (lowerCamelCase names, int64 as strings, bytes as base64,
// NaN/Infinity as strings), printed deterministically: map entries in key order.

#include <string>
#include <string_view>

#include "dclcomms/codec/codec_error.hpp"
#include "dclcomms/core/result.hpp"

namespace google::protobuf {
class Message;
}

namespace dclcomms::codec {

/// One line of JSON, no spaces; fields at their default value are omitted.
std::string to_json(const google::protobuf::Message& message);

/// Parses JSON into `message` (cleared first). Unknown JSON keys are an error.
core::Result<core::Ok, CodecError> from_json(std::string_view json, google::protobuf::Message& message);

}  // namespace dclcomms::codec
