#include "dclcomms/codec/json.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>
#include <string>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/assert.hpp"

namespace dclcomms::codec {
namespace {

constexpr std::string_view type_url_prefix = "type.googleapis.com";

google::protobuf::util::TypeResolver& generated_type_resolver() {
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(std::string(type_url_prefix),
                                                               google::protobuf::DescriptorPool::generated_pool()));
  return *resolver;
}

bool is_json_delimiter(char c) { return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// protobuf's JSON parser reads the number token -0 as the integer 0 and so loses the sign of an
// explicitly-set -0.0 float (which the binary encoding keeps, and which its own printer prints as
// -0). Rewriting each bare -0 token outside strings as -0.0 makes parse(print(x)) == x.
std::string with_signed_zeros_as_floats(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 8);
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    out += c;
    if (in_string) {
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '-' && i + 1 < json.size() && json[i + 1] == '0' && (i + 2 == json.size() || is_json_delimiter(json[i + 2]))) {
      out += "0.0";
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string to_json(const google::protobuf::Message& message) {
  // MessageToJsonString prints map entries in hash-map order; going through the deterministic
  // binary encoding gives key order, so equal values always print the same text.
  const Bytes binary = encode_message(message);
  std::string out;
  const auto status = google::protobuf::util::BinaryToJsonString(&generated_type_resolver(),
                                                                 std::string(type_url_prefix) + "/" + message.GetDescriptor()->full_name(),
                                                                 std::string(binary.begin(), binary.end()), &out,
                                                                 google::protobuf::util::JsonPrintOptions{});
  DCL_ASSERT(status.ok());  // Our own encoding of a valid message always converts.
  return out;
}

core::Result<core::Ok, CodecError> from_json(std::string_view json, google::protobuf::Message& message) {
  message.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const std::string text = with_signed_zeros_as_floats(json);
  const auto status = google::protobuf::util::JsonStringToMessage(text, &message, options);
  if (!status.ok()) {
    message.Clear();
    return core::fail(CodecErrorCode::invalid_json,
                      "JSON does not fit " + message.GetDescriptor()->full_name() + ": " + std::string(status.message()));
  }
  return core::Ok{};
}

}  // namespace dclcomms::codec
