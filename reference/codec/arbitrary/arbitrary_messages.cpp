#include "dclcomms/codec/arbitrary_messages.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace dclcomms::codec::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

template <class Float>
Float arbitrary_float() {
  using L = std::numeric_limits<Float>;
  return *rc::gen::weightedOneOf<Float>({
      {6, rc::gen::arbitrary<Float>()},
      {1, rc::gen::element<Float>(L::quiet_NaN(), L::infinity(), -L::infinity(), Float(-0.0), L::max(), L::lowest(), L::denorm_min(),
                                  L::min())},
  });
}

// Valid UTF-8: code points from ASCII up to the astral planes, never surrogates.
std::string arbitrary_utf8() {
  const auto code_points = *rc::gen::container<std::vector<std::uint32_t>>(rc::gen::weightedOneOf<std::uint32_t>({
      {6, rc::gen::inRange<std::uint32_t>(0, 0x80)},
      {2, rc::gen::inRange<std::uint32_t>(0x80, 0x800)},
      {2, rc::gen::inRange<std::uint32_t>(0x800, 0xd800)},
      {1, rc::gen::inRange<std::uint32_t>(0xe000, 0x10000)},
      {1, rc::gen::inRange<std::uint32_t>(0x10000, 0x110000)},
  }));
  std::string out;
  for (const std::uint32_t cp : code_points) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return out;
}

void set_scalar(Message& m, const FieldDescriptor& f) {
  const Reflection& r = *m.GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: r.SetInt32(&m, &f, *rc::gen::arbitrary<std::int32_t>()); break;
    case FieldDescriptor::CPPTYPE_INT64: r.SetInt64(&m, &f, *rc::gen::arbitrary<std::int64_t>()); break;
    case FieldDescriptor::CPPTYPE_UINT32: r.SetUInt32(&m, &f, *rc::gen::arbitrary<std::uint32_t>()); break;
    case FieldDescriptor::CPPTYPE_UINT64: r.SetUInt64(&m, &f, *rc::gen::arbitrary<std::uint64_t>()); break;
    case FieldDescriptor::CPPTYPE_FLOAT: r.SetFloat(&m, &f, arbitrary_float<float>()); break;
    case FieldDescriptor::CPPTYPE_DOUBLE: r.SetDouble(&m, &f, arbitrary_float<double>()); break;
    case FieldDescriptor::CPPTYPE_BOOL: r.SetBool(&m, &f, *rc::gen::arbitrary<bool>()); break;
    case FieldDescriptor::CPPTYPE_ENUM:
      // proto3 enums are open: unknown numbers must survive a round trip too.
      r.SetEnumValue(&m, &f,
                     *rc::gen::weightedOneOf<int>(
                         {{4, rc::gen::inRange(0, f.enum_type()->value_count())}, {1, rc::gen::arbitrary<int>()}}));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      if (f.type() == FieldDescriptor::TYPE_BYTES) {
        r.SetString(&m, &f, *rc::gen::arbitrary<std::string>());
      } else {
        r.SetString(&m, &f, arbitrary_utf8());
      }
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE: fill_arbitrary(*r.MutableMessage(&m, &f)); break;
  }
}

void fill_map(Message& m, const FieldDescriptor& f) {
  const Reflection& r = *m.GetReflection();
  const auto count = *rc::gen::inRange<std::size_t>(0, 8);
  std::set<std::uint32_t> keys;
  for (std::size_t i = 0; i < count; ++i) keys.insert(*rc::gen::arbitrary<std::uint32_t>());
  for (const std::uint32_t key : keys) {
    Message& entry = *r.AddMessage(&m, &f);
    const Descriptor& d = *entry.GetDescriptor();
    entry.GetReflection()->SetUInt32(&entry, d.map_key(), key);
    set_scalar(entry, *d.map_value());
  }
}

}  // namespace

void fill_arbitrary(Message& message) {
  const Descriptor& d = *message.GetDescriptor();
  for (int i = 0; i < d.real_oneof_decl_count(); ++i) {
    const auto& oneof = *d.oneof_decl(i);  // real oneofs come before synthetic ones
    const int pick = *rc::gen::inRange(-1, oneof.field_count());
    if (pick >= 0) set_scalar(message, *oneof.field(pick));
  }
  for (int i = 0; i < d.field_count(); ++i) {
    const FieldDescriptor& f = *d.field(i);
    if (f.real_containing_oneof() != nullptr) continue;
    if (f.is_map()) {
      fill_map(message, f);
    } else if (*rc::gen::arbitrary<bool>()) {
      set_scalar(message, f);
    }
  }
}

void clear_signed_zeros(Message& message) {
  const Reflection& r = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->is_repeated()) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;  // our schemas: maps only
      for (int i = 0; i < r.FieldSize(message, f); ++i) clear_signed_zeros(*r.MutableRepeatedMessage(&message, f, i));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT && r.GetFloat(message, f) == 0.0f) {
      r.SetFloat(&message, f, 0.0f);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE && r.GetDouble(message, f) == 0.0) {
      r.SetDouble(&message, f, 0.0);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      clear_signed_zeros(*r.MutableMessage(&message, f));
    }
  }
}

bool same_value(const Message& a, const Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

}  // namespace dclcomms::codec::testing
