#pragma once
// Typed errors of the codec layer.

#include <cstdint>
#include <string_view>

#include "dclcomms/core/result.hpp"

namespace dclcomms::codec {

enum class CodecErrorCode : std::uint8_t {
  oversized,             // more bytes than the configured limit; nothing was parsed
  truncated,             // the input ends inside a tag, a value or a length-delimited field
  malformed_varint,      // a varint longer than 10 bytes or overflowing 64 bits
  invalid_field_number,  // field number 0 or above 2^29 - 1
  invalid_wire_type,     // wire type 6 or 7, or groups (3/4), which these schemas never use
  wrong_wire_type,       // a known field arrived with a wire type its declared type cannot have
  invalid_utf8,          // a string field holds bytes that are not UTF-8
  too_deep,              // nested messages beyond the depth limit
  invalid_json,          // JSON text that does not parse or does not fit the schema
  invalid_hex,           // hex text with an odd length or a non-hex character
  rejected,              // protobuf refused the bytes for another reason
};
std::string_view to_string(CodecErrorCode code);

using CodecError = core::Error<CodecErrorCode>;

}  // namespace dclcomms::codec
