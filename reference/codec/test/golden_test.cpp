// Golden files (fixtures/golden/): bytes produced by the upstream JavaScript codecs of @dcl/protocol
// (tools/golden/generate.js). These tests prove the C++ codec agrees with an implementation we did
// not write; tools/golden/check_upstream_decode.js proves the other direction.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "dclcomms/codec/arbitrary_messages.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::codec {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  fs::path path;
  nlohmann::json file;
};

std::vector<GoldenCase> load_cases(const std::string& schema) {
  std::vector<GoldenCase> cases;
  const fs::path dir = fs::path(DCLCOMMS_SOURCE_DIR) / "fixtures" / "golden" / schema;
  if (!fs::exists(dir)) return cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    cases.push_back({entry.path(), nlohmann::json::parse(in)});
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return cases;
}

std::unique_ptr<google::protobuf::Message> make_message(const std::string& schema) {
  if (schema == "rfc4") return std::make_unique<Packet>();
  return std::make_unique<WsPacket>();
}

Bytes bytes_of(const nlohmann::json& file, const char* key) {
  auto bytes = core::from_hex(file.at(key).get<std::string>());
  EXPECT_TRUE(bytes.has_value()) << key;
  return bytes.value_or(Bytes{});
}

// The value as the golden file states it, in the standard proto3 JSON mapping.
std::unique_ptr<google::protobuf::Message> expected_value(const GoldenCase& c, const std::string& schema) {
  auto value = make_message(schema);
  const auto status = from_json(c.file.at("json").dump(), *value);
  EXPECT_TRUE(status.ok()) << c.path << ": " << (status.ok() ? "" : status.error().message);
  return value;
}

std::unique_ptr<google::protobuf::Message> known_fields_of(const google::protobuf::Message& message) {
  std::unique_ptr<google::protobuf::Message> copy(message.New());
  copy->CopyFrom(message);
  copy->DiscardUnknownFields();
  return copy;
}

void check_case(const GoldenCase& c, const std::string& schema) {
  SCOPED_TRACE(c.path.filename().string());
  ASSERT_EQ(c.file.at("schema"), schema);
  const auto expected = expected_value(c, schema);
  const DecodeLimits limits{1 << 20};

  // 1. Upstream bytes decode to the recorded value (unknown fields aside: JSON cannot hold them;
  //    and -0.0 equal to +0.0, since upstream drops the sign by design: see the order_note).
  auto from_upstream = make_message(schema);
  const Bytes upstream = bytes_of(c.file, "upstream_hex");
  const auto decoded = decode_message(upstream, limits, *from_upstream);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  auto expected_unsigned = known_fields_of(*expected);
  testing::clear_signed_zeros(*expected_unsigned);
  EXPECT_TRUE(testing::same_value(*expected_unsigned, *known_fields_of(*from_upstream)))
      << "decoded " << to_json(*from_upstream) << "\nexpected " << to_json(*expected);

  // 2. Our encoding is the canonical (field-number order) one the golden file records.
  const Bytes canonical = bytes_of(c.file, "canonical_hex");
  if (c.file.contains("unknown_fields_hex")) {
    EXPECT_EQ(core::to_hex(encode_message(*from_upstream)), core::to_hex(canonical))
        << "unknown fields must be preserved and re-encoded after the known ones";
  } else {
    EXPECT_EQ(core::to_hex(encode_message(*expected)), core::to_hex(canonical));
  }

  // 3. The canonical bytes decode to the recorded value too.
  auto from_canonical = make_message(schema);
  ASSERT_TRUE(decode_message(canonical, limits, *from_canonical).ok());
  EXPECT_TRUE(testing::same_value(*expected, *known_fields_of(*from_canonical))) << to_json(*from_canonical);
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, EveryCaseAgreesWithTheUpstreamCodec) {
  const auto cases = load_cases(GetParam());
  ASSERT_GE(cases.size(), 15u) << "golden files missing: run tools/golden/generate.js";
  for (const auto& c : cases) check_case(c, GetParam());
}

TEST_P(Golden, EveryMessageVariantIsCovered) {
  const auto cases = load_cases(GetParam());
  const auto prototype = make_message(GetParam());
  const auto& oneof = *prototype->GetDescriptor()->oneof_decl(0);
  std::set<std::string> seen;
  for (const auto& c : cases) {
    for (auto it = c.file.at("json").begin(); it != c.file.at("json").end(); ++it) seen.insert(it.key());
  }
  for (int i = 0; i < oneof.field_count(); ++i) {
    EXPECT_TRUE(seen.contains(oneof.field(i)->json_name())) << "no golden case for " << oneof.field(i)->name();
  }
}

INSTANTIATE_TEST_SUITE_P(Schemas, Golden, ::testing::Values("rfc4", "rfc5"));

}  // namespace
}  // namespace dclcomms::codec
