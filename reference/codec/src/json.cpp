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
      google::protobuf::util::NewTypeResolverForDescriptorPool(
          std::string(type_url_prefix), google::protobuf::DescriptorPool::generated_pool()));
  return *resolver;
}

}  // namespace

std::string to_json(const google::protobuf::Message& message) {
  // MessageToJsonString prints map entries in hash-map order; going through the deterministic
  // binary encoding gives key order, so equal values always print the same text.
  const Bytes binary = encode_message(message);
  std::string out;
  const auto status = google::protobuf::util::BinaryToJsonString(
      &generated_type_resolver(),
      std::string(type_url_prefix) + "/" + message.GetDescriptor()->full_name(),
      std::string(binary.begin(), binary.end()), &out, google::protobuf::util::JsonPrintOptions{});
  DCL_ASSERT(status.ok());  // Our own encoding of a valid message always converts.
  return out;
}

core::Result<core::Ok, CodecError> from_json(std::string_view json, google::protobuf::Message& message) {
  message.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (!status.ok()) {
    message.Clear();
    return core::fail(CodecErrorCode::invalid_json,
                      "JSON does not fit " + message.GetDescriptor()->full_name() + ": " +
                          std::string(status.message()));
  }
  return core::Ok{};
}

}  // namespace dclcomms::codec
