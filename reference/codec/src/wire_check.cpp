#include "dclcomms/codec/wire_check.hpp"

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>

#include "dclcomms/core/utf8.hpp"

namespace dclcomms::codec {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

enum WireType : int { varint = 0, fixed64 = 1, length_delimited = 2, group_start = 3, group_end = 4, fixed32 = 5 };

constexpr std::uint64_t field_number_max = (1u << 29) - 1;
constexpr std::size_t varint_bytes_max = 10;

std::string_view wire_type_name(int wire_type) {
  switch (wire_type) {
    case varint: return "varint";
    case fixed64: return "fixed64";
    case length_delimited: return "length-delimited";
    case group_start: return "group start";
    case group_end: return "group end";
    case fixed32: return "fixed32";
    default: return "invalid";
  }
}

int expected_wire_type(const FieldDescriptor& field) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64: return fixed64;
    case FieldDescriptor::TYPE_FLOAT:
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32: return fixed32;
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
    case FieldDescriptor::TYPE_MESSAGE: return length_delimited;
    case FieldDescriptor::TYPE_GROUP: return group_start;
    default: return varint;  // int32/64, uint32/64, sint32/64, bool, enum
  }
}

// Walks one message's bytes. Positions in messages are absolute offsets into the outermost buffer
// so that a user can find the byte in a hex dump.
class WireWalker {
 public:
  explicit WireWalker(ByteView whole) : whole_(whole) {}

  std::optional<CodecError> walk(std::size_t begin, std::size_t end, const Descriptor* descriptor,
                                 std::size_t depth) {
    if (depth > wire_depth_max) {
      return error(CodecErrorCode::too_deep, begin,
                   "messages nested deeper than " + std::to_string(wire_depth_max));
    }
    std::size_t pos = begin;
    while (pos < end) {
      const std::size_t tag_pos = pos;
      std::uint64_t tag = 0;
      if (auto e = read_varint(pos, end, "field tag", tag)) return e;
      const std::uint64_t number = tag >> 3;
      const int wire_type = static_cast<int>(tag & 7);
      if (number == 0 || number > field_number_max) {
        return error(CodecErrorCode::invalid_field_number, tag_pos,
                     "field number " + std::to_string(number) + " is out of range 1.." +
                         std::to_string(field_number_max));
      }
      if (wire_type == group_start || wire_type == group_end || wire_type > fixed32) {
        return error(CodecErrorCode::invalid_wire_type, tag_pos,
                     "field " + std::to_string(number) + " uses wire type " +
                         std::to_string(wire_type) + " (" + std::string(wire_type_name(wire_type)) +
                         "), which these schemas never use");
      }
      const FieldDescriptor* field =
          descriptor ? descriptor->FindFieldByNumber(static_cast<int>(number)) : nullptr;
      if (field != nullptr && wire_type != expected_wire_type(*field) &&
          !(field->is_packable() && wire_type == length_delimited)) {
        return error(CodecErrorCode::wrong_wire_type, tag_pos,
                     "field " + std::to_string(number) + " (" + field->full_name() + ", " +
                         field->type_name() + ") arrived as " +
                         std::string(wire_type_name(wire_type)) + ", expected " +
                         std::string(wire_type_name(expected_wire_type(*field))));
      }
      if (auto e = skip_value(pos, end, number, wire_type, field, depth)) return e;
    }
    return std::nullopt;
  }

 private:
  std::optional<CodecError> skip_value(std::size_t& pos, std::size_t end, std::uint64_t number,
                                       int wire_type, const FieldDescriptor* field, std::size_t depth) {
    const std::string what = "field " + std::to_string(number);
    switch (wire_type) {
      case varint: {
        std::uint64_t ignored = 0;
        return read_varint(pos, end, what + " value", ignored);
      }
      case fixed64: return skip_fixed(pos, end, 8, what);
      case fixed32: return skip_fixed(pos, end, 4, what);
      default: break;
    }
    // Length-delimited.
    const std::size_t length_pos = pos;
    std::uint64_t length = 0;
    if (auto e = read_varint(pos, end, what + " length", length)) return e;
    if (length > end - pos) {
      return error(CodecErrorCode::truncated, length_pos,
                   what + " declares " + std::to_string(length) + " bytes but only " +
                       std::to_string(end - pos) + " remain");
    }
    const std::size_t value_begin = pos;
    pos += static_cast<std::size_t>(length);
    if (field == nullptr) return std::nullopt;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      const std::string_view text(reinterpret_cast<const char*>(whole_.data() + value_begin),
                                  static_cast<std::size_t>(length));
      if (const auto bad = core::find_invalid_utf8(text)) {
        return error(CodecErrorCode::invalid_utf8, value_begin + *bad,
                     what + " (" + field->full_name() + ") is not valid UTF-8");
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      return walk(value_begin, pos, field->message_type(), depth + 1);
    }
    return std::nullopt;
  }

  std::optional<CodecError> skip_fixed(std::size_t& pos, std::size_t end, std::size_t size,
                                       const std::string& what) {
    if (end - pos < size) {
      return error(CodecErrorCode::truncated, pos,
                   what + " needs " + std::to_string(size) + " bytes but only " +
                       std::to_string(end - pos) + " remain");
    }
    pos += size;
    return std::nullopt;
  }

  std::optional<CodecError> read_varint(std::size_t& pos, std::size_t end, const std::string& what,
                                        std::uint64_t& value) {
    const std::size_t start = pos;
    value = 0;
    for (std::size_t i = 0; i < varint_bytes_max; ++i) {
      if (pos >= end) return error(CodecErrorCode::truncated, start, what + " ends mid-varint");
      const std::uint8_t b = whole_[pos++];
      if (i == varint_bytes_max - 1 && b > 1) {
        return error(CodecErrorCode::malformed_varint, start, what + " overflows 64 bits");
      }
      value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return std::nullopt;
    }
    return error(CodecErrorCode::malformed_varint, start, what + " is longer than 10 bytes");
  }

  static CodecError error(CodecErrorCode code, std::size_t offset, const std::string& message) {
    return CodecError{code, message + " (at byte " + std::to_string(offset) + ")"};
  }

  ByteView whole_;
};

}  // namespace

std::optional<CodecError> check_wire(ByteView bytes, const Descriptor& descriptor) {
  WireWalker walker(bytes);
  return walker.walk(0, bytes.size(), &descriptor, 0);
}

}  // namespace dclcomms::codec
