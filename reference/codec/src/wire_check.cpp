#include "dclcomms/codec/wire_check.hpp"

#include <google/protobuf/descriptor.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/assert.hpp"
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

// What the walk needs of one field, looked up once per schema instead of per field on the wire
// (Descriptor::FindFieldByNumber and its type queries were a quarter of every decode).
struct FieldPlan;
// Field numbers up to this are indexed directly; higher ones (legal up to 2^29 - 1) go in a map so
// that one odd schema cannot make a table of millions of slots.
constexpr int dense_number_max = 1024;
struct MessagePlan {
  const Descriptor* descriptor = nullptr;
  std::vector<const FieldPlan*> by_number;           // index = field number; null: unknown (only framed)
  std::map<std::uint64_t, const FieldPlan*> sparse;  // numbers above dense_number_max (none of ours)
  const FieldPlan* find(std::uint64_t number) const {
    if (number < by_number.size()) return by_number[static_cast<std::size_t>(number)];
    if (sparse.empty()) return nullptr;
    const auto it = sparse.find(number);
    return it == sparse.end() ? nullptr : it->second;
  }
};
struct FieldPlan {
  const FieldDescriptor* field = nullptr;  // for messages, which name the field
  int expected_wire_type = varint;
  bool packable = false;
  bool utf8 = false;                     // a string: checked
  const MessagePlan* message = nullptr;  // a sub-message: walked
};

// Every message type reachable from one root, each planned once (recursive schemas included).
class SchemaPlan {
 public:
  explicit SchemaPlan(const Descriptor& root) { root_ = plan(root); }
  const MessagePlan& root() const { return *root_; }

 private:
  const MessagePlan* plan(const Descriptor& descriptor) {
    if (const auto it = messages_.find(&descriptor); it != messages_.end()) return it->second.get();
    auto& message = *messages_.emplace(&descriptor, std::make_unique<MessagePlan>()).first->second;
    message.descriptor = &descriptor;
    for (int i = 0; i < descriptor.field_count(); ++i) {
      const FieldDescriptor& field = *descriptor.field(i);
      auto& planned = *fields_.emplace_back(std::make_unique<FieldPlan>());
      planned.field = &field;
      planned.expected_wire_type = expected_wire_type(field);
      planned.packable = field.is_packable();
      planned.utf8 = field.type() == FieldDescriptor::TYPE_STRING;
      if (field.type() == FieldDescriptor::TYPE_MESSAGE) planned.message = plan(*field.message_type());
      const auto number = static_cast<std::size_t>(field.number());
      if (number > dense_number_max) {
        message.sparse.emplace(number, &planned);
        continue;
      }
      if (number >= message.by_number.size()) message.by_number.resize(number + 1);
      message.by_number[number] = &planned;
    }
    return &message;
  }

  std::map<const Descriptor*, std::unique_ptr<MessagePlan>> messages_;
  std::vector<std::unique_ptr<FieldPlan>> fields_;
  const MessagePlan* root_ = nullptr;
};

// One plan per root type for the program's life. The last roots a thread used are remembered
// without a lock (a ws-room client alternates WsPacket and Packet); a miss takes the lock.
const MessagePlan& plan_for(const Descriptor& root) {
  struct Recent {
    const Descriptor* root = nullptr;
    const MessagePlan* plan = nullptr;
  };
  thread_local std::array<Recent, 4> recent{};
  thread_local std::size_t next_slot = 0;
  for (const auto& entry : recent) {
    if (entry.root == &root) return *entry.plan;
  }
  static std::mutex mutex;
  static std::map<const Descriptor*, std::unique_ptr<SchemaPlan>> plans;
  const MessagePlan* plan = nullptr;
  {
    std::lock_guard lock(mutex);
    auto& slot = plans[&root];
    if (!slot) slot = std::make_unique<SchemaPlan>(root);
    plan = &slot->root();
  }
  recent[next_slot] = Recent{&root, plan};
  next_slot = (next_slot + 1) % recent.size();
  return *plan;
}

// What a read was for, named only when it fails: the walk builds no string for well-formed bytes
// (the decoder runs this on every packet).
struct Reading {
  enum Part : std::uint8_t { tag, value, length } part;
  std::uint64_t number = 0;  // the field, for value and length

  std::string name() const {
    if (part == tag) return "field tag";
    return "field " + std::to_string(number) + (part == value ? " value" : " length");
  }
  std::string field() const { return "field " + std::to_string(number); }
};

// Walks one message's bytes. Positions in messages are absolute offsets into the outermost buffer
// so that a user can find the byte in a hex dump. Each step returns false once it has recorded a
// problem in problem_: the well-formed path moves no strings and no optionals.
class WireWalker {
 public:
  explicit WireWalker(ByteView whole) : whole_(whole) {}

  bool walk(std::size_t begin, std::size_t end, const MessagePlan& message, std::size_t depth) {
    if (depth > wire_depth_max) {
      return fail(CodecErrorCode::too_deep, begin, "messages nested deeper than " + std::to_string(wire_depth_max));
    }
    std::size_t pos = begin;
    while (pos < end) {
      const std::size_t tag_pos = pos;
      std::uint64_t tag = 0;
      if (!read_varint(pos, end, Reading{Reading::tag}, tag)) return false;
      const std::uint64_t number = tag >> 3;
      const int wire_type = static_cast<int>(tag & 7);
      if (number == 0 || number > field_number_max) {
        return fail(CodecErrorCode::invalid_field_number, tag_pos,
                    "field number " + std::to_string(number) + " is out of range 1.." + std::to_string(field_number_max));
      }
      if (wire_type == group_start || wire_type == group_end || wire_type > fixed32) {
        return fail(CodecErrorCode::invalid_wire_type, tag_pos,
                    "field " + std::to_string(number) + " uses wire type " + std::to_string(wire_type) + " (" +
                        std::string(wire_type_name(wire_type)) + "), which these schemas never use");
      }
      const FieldPlan* field = message.find(number);
      if (field != nullptr && wire_type != field->expected_wire_type && !(field->packable && wire_type == length_delimited)) {
        return fail(CodecErrorCode::wrong_wire_type, tag_pos,
                    "field " + std::to_string(number) + " (" + field->field->full_name() + ", " + field->field->type_name() +
                        ") arrived as " + std::string(wire_type_name(wire_type)) + ", expected " +
                        std::string(wire_type_name(field->expected_wire_type)));
      }
      if (!skip_value(pos, end, number, wire_type, field, depth)) return false;
    }
    return true;
  }

  std::optional<CodecError>& problem() { return problem_; }

 private:
  bool skip_value(std::size_t& pos, std::size_t end, std::uint64_t number, int wire_type, const FieldPlan* field, std::size_t depth) {
    switch (wire_type) {
      case varint: {
        std::uint64_t ignored = 0;
        return read_varint(pos, end, Reading{Reading::value, number}, ignored);
      }
      case fixed64: return skip_fixed(pos, end, 8, number);
      case fixed32: return skip_fixed(pos, end, 4, number);
      default: break;
    }
    // Length-delimited.
    const std::size_t length_pos = pos;
    std::uint64_t length = 0;
    if (!read_varint(pos, end, Reading{Reading::length, number}, length)) return false;
    if (length > end - pos) {
      return fail(CodecErrorCode::truncated, length_pos,
                  Reading{Reading::value, number}.field() + " declares " + std::to_string(length) + " bytes but only " +
                      std::to_string(end - pos) + " remain");
    }
    const std::size_t value_begin = pos;
    pos += static_cast<std::size_t>(length);
    if (field == nullptr) return true;
    if (field->utf8) {
      const std::string_view text(reinterpret_cast<const char*>(whole_.data() + value_begin), static_cast<std::size_t>(length));
      if (const auto bad = core::find_invalid_utf8(text)) {
        return fail(CodecErrorCode::invalid_utf8, value_begin + *bad,
                    Reading{Reading::value, number}.field() + " (" + field->field->full_name() + ") is not valid UTF-8");
      }
    } else if (field->message) {
      return walk(value_begin, pos, *field->message, depth + 1);
    }
    return true;
  }

  bool skip_fixed(std::size_t& pos, std::size_t end, std::size_t size, std::uint64_t number) {
    if (end - pos < size) {
      return fail(CodecErrorCode::truncated, pos,
                  Reading{Reading::value, number}.field() + " needs " + std::to_string(size) + " bytes but only " +
                      std::to_string(end - pos) + " remain");
    }
    pos += size;
    return true;
  }

  bool read_varint(std::size_t& pos, std::size_t end, Reading reading, std::uint64_t& value) {
    if (pos < end && whole_[pos] < 0x80) [[likely]] {  // most tags, lengths and small numbers: one byte
      value = whole_[pos++];
      return true;
    }
    return read_long_varint(pos, end, reading, value);
  }

  [[gnu::noinline]] bool read_long_varint(std::size_t& pos, std::size_t end, Reading reading, std::uint64_t& value) {
    const std::size_t start = pos;
    value = 0;
    for (std::size_t i = 0; i < varint_bytes_max; ++i) {
      if (pos >= end) return fail(CodecErrorCode::truncated, start, reading.name() + " ends mid-varint");
      const std::uint8_t b = whole_[pos++];
      if (i == varint_bytes_max - 1 && b > 1) {
        return fail(CodecErrorCode::malformed_varint, start, reading.name() + " overflows 64 bits");
      }
      value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) return true;
    }
    return fail(CodecErrorCode::malformed_varint, start, reading.name() + " is longer than 10 bytes");
  }

  // Records the first problem; always false, so that `return fail(…)` ends the step.
  [[gnu::cold, gnu::noinline]] bool fail(CodecErrorCode code, std::size_t offset, const std::string& message) {
    DCL_ASSERT(!problem_.has_value());
    problem_ = CodecError{code, message + " (at byte " + std::to_string(offset) + ")"};
    return false;
  }

  ByteView whole_;
  std::optional<CodecError> problem_;
};

}  // namespace

std::optional<CodecError> check_wire(ByteView bytes, const Descriptor& descriptor) {
  WireWalker walker(bytes);
  if (walker.walk(0, bytes.size(), plan_for(descriptor), 0)) return std::nullopt;
  DCL_ASSERT(walker.problem().has_value());
  return std::move(walker.problem());
}

}  // namespace dclcomms::codec
