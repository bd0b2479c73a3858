#include "random_packet.hpp"

#include <google/protobuf/descriptor.h>

#include <cstring>
#include <limits>

namespace dclcomms::conformance {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

template <class Float>
Float random_float(core::Prng& prng) {
  using L = std::numeric_limits<Float>;
  switch (prng.uniform_below(8)) {
    case 0: return L::quiet_NaN();
    case 1: return prng.uniform_below(2) ? L::infinity() : -L::infinity();
    case 2: return Float(-0.0);
    default: {
      // Any bit pattern is a float; reinterpret random bits (NaN payloads included).
      if constexpr (sizeof(Float) == 4) {
        const auto bits = static_cast<std::uint32_t>(prng.next_u64());
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
      } else {
        const std::uint64_t bits = prng.next_u64();
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
      }
    }
  }
}

std::string random_utf8(core::Prng& prng) {
  static constexpr const char* pieces[] = {"a", "Z", "0", " ", "é", "ü", "✓", "世", "界", "🚀", "\n", "\"", "\\", "{}"};
  std::string out;
  const auto count = prng.uniform_below(12);
  for (std::uint64_t i = 0; i < count; ++i) out += pieces[prng.uniform_below(std::size(pieces))];
  return out;
}

void fill(Message& message, core::Prng& prng);

void set_field(Message& m, const FieldDescriptor& f, core::Prng& prng) {
  const auto& r = *m.GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: r.SetInt32(&m, &f, static_cast<std::int32_t>(prng.next_u64())); break;
    case FieldDescriptor::CPPTYPE_INT64: r.SetInt64(&m, &f, static_cast<std::int64_t>(prng.next_u64())); break;
    case FieldDescriptor::CPPTYPE_UINT32: r.SetUInt32(&m, &f, static_cast<std::uint32_t>(prng.next_u64())); break;
    case FieldDescriptor::CPPTYPE_UINT64: r.SetUInt64(&m, &f, prng.next_u64()); break;
    case FieldDescriptor::CPPTYPE_FLOAT: r.SetFloat(&m, &f, random_float<float>(prng)); break;
    case FieldDescriptor::CPPTYPE_DOUBLE: r.SetDouble(&m, &f, random_float<double>(prng)); break;
    case FieldDescriptor::CPPTYPE_BOOL: r.SetBool(&m, &f, prng.uniform_below(2) == 1); break;
    case FieldDescriptor::CPPTYPE_ENUM: r.SetEnumValue(&m, &f, static_cast<int>(prng.uniform_below(6))); break;
    case FieldDescriptor::CPPTYPE_STRING:
      if (f.type() == FieldDescriptor::TYPE_BYTES) {
        std::string bytes(prng.uniform_below(64), '\0');
        for (char& c : bytes) c = static_cast<char>(prng.uniform_below(256));
        r.SetString(&m, &f, std::move(bytes));
      } else {
        r.SetString(&m, &f, random_utf8(prng));
      }
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE: fill(*r.MutableMessage(&m, &f), prng); break;
  }
}

void fill(Message& message, core::Prng& prng) {
  const auto& d = *message.GetDescriptor();
  for (int i = 0; i < d.real_oneof_decl_count(); ++i) {
    const auto& oneof = *d.oneof_decl(i);  // real oneofs come before synthetic ones
    set_field(message, *oneof.field(static_cast<int>(prng.uniform_below(static_cast<std::uint64_t>(oneof.field_count())))), prng);
  }
  for (int i = 0; i < d.field_count(); ++i) {
    const auto& f = *d.field(i);
    if (f.real_containing_oneof() != nullptr || f.is_repeated()) continue;
    if (prng.uniform_below(3) != 0) set_field(message, f, prng);
  }
}

}  // namespace

codec::Packet random_packet(core::Prng& prng) {
  codec::Packet packet;
  fill(packet, prng);
  return packet;
}

}  // namespace dclcomms::conformance
