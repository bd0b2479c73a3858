// Runs fixtures/uris/{reject,accept}.jsonl through parse_transport_uri(): every reject must fail
// with exactly its error code and a message that contains the line's "mentions" text (so the
// message names what was wrong, not just that something was); every accept must give its type
// and endpoint. See fixtures/uris/README.md for the file format.

#include <gtest/gtest.h>

#include <cstddef>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dclcomms/registry/reference_transports.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::transport {
namespace {

using registry::parse_transport_uri;

struct CorpusLine {
  std::size_t line_number = 0;
  nlohmann::json json;
};

std::vector<CorpusLine> read_jsonl(const std::string& name) {
  const std::string path = std::string(DCLCOMMS_SOURCE_DIR) + "/fixtures/uris/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<CorpusLine> lines;
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.empty()) continue;
    auto json = nlohmann::json::parse(text, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << name << ":" << number << " is not JSON";
    if (!json.is_discarded()) lines.push_back({number, std::move(json)});
  }
  return lines;
}

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::string uri_of(const nlohmann::json& line) {
  if (line.contains("uri_hex")) return from_hex(line.at("uri_hex").get<std::string>()).value_or("");
  return line.at("uri").get<std::string>();
}

// Every code a connection string can be rejected with, in enum order.
const std::vector<UriErrorCode> all_codes = {UriErrorCode::empty,
                                             UriErrorCode::too_long,
                                             UriErrorCode::invalid_utf8,
                                             UriErrorCode::control_character,
                                             UriErrorCode::whitespace,
                                             UriErrorCode::missing_separator,
                                             UriErrorCode::bad_type,
                                             UriErrorCode::unsupported_type,
                                             UriErrorCode::empty_params,
                                             UriErrorCode::bad_url,
                                             UriErrorCode::bad_scheme,
                                             UriErrorCode::missing_host,
                                             UriErrorCode::bad_host,
                                             UriErrorCode::bad_port,
                                             UriErrorCode::bad_path,
                                             UriErrorCode::userinfo_not_allowed,
                                             UriErrorCode::fragment_not_allowed,
                                             UriErrorCode::missing_token,
                                             UriErrorCode::bad_token,
                                             UriErrorCode::bad_parameter,
                                             UriErrorCode::unknown_parameter,
                                             UriErrorCode::duplicate_parameter};

TEST(TransportUriCorpus, EveryRejectFailsWithItsCodeAndASpecificMessage) {
  const auto lines = read_jsonl("reject.jsonl");
  ASSERT_GE(lines.size(), 220u);
  std::map<std::string, int> per_code;
  std::set<std::string> seen_uris;
  for (const auto& [number, line] : lines) {
    ASSERT_TRUE(line.contains("error") && line.contains("why") && line.contains("mentions")) << "reject.jsonl:" << number;
    const std::string uri = uri_of(line);
    const std::string expected = line.at("error").get<std::string>();
    const std::string mentions = line.at("mentions").get<std::string>();
    EXPECT_TRUE(seen_uris.insert(uri).second) << "reject.jsonl:" << number << " repeats an earlier line";
    ++per_code[expected];
    const auto parsed = parse_transport_uri(uri);
    if (parsed.ok()) {
      ADD_FAILURE() << "reject.jsonl:" << number << " was accepted (" << line.at("why") << ")";
      continue;
    }
    EXPECT_EQ(to_string(parsed.error().code), expected)
        << "reject.jsonl:" << number << " (" << line.at("why") << "): " << parsed.error().message;
    EXPECT_FALSE(parsed.error().message.empty()) << "reject.jsonl:" << number;
    EXPECT_NE(parsed.error().message.find(mentions), std::string::npos)
        << "reject.jsonl:" << number << ": message \"" << parsed.error().message << "\" does not mention \"" << mentions << "\"";
  }
  for (const UriErrorCode code : all_codes) {
    EXPECT_GE(per_code[std::string(to_string(code))], 1) << "no reject line for " << to_string(code);
  }
}

TEST(TransportUriCorpus, EveryAcceptGivesItsTypeAndEndpoint) {
  const auto lines = read_jsonl("accept.jsonl");
  ASSERT_GE(lines.size(), 40u);
  std::set<std::string> types;
  for (const auto& [number, line] : lines) {
    const std::string uri = uri_of(line);
    const auto parsed = parse_transport_uri(uri);
    if (!parsed.ok()) {
      ADD_FAILURE() << "accept.jsonl:" << number << " rejected: " << to_string(parsed.error().code) << ": " << parsed.error().message;
      continue;
    }
    EXPECT_EQ(parsed->type, line.at("type").get<std::string>()) << "accept.jsonl:" << number;
    EXPECT_EQ(parsed->endpoint, line.at("endpoint").get<std::string>()) << "accept.jsonl:" << number;
    EXPECT_EQ(uri.substr(parsed->type.size() + 1), parsed->params) << "accept.jsonl:" << number;
    types.insert(parsed->type);
    // An accepted string stays accepted by the generic parser too.
    EXPECT_TRUE(parse_transport_uri_generic(uri).ok()) << "accept.jsonl:" << number;
  }
  for (const std::string_view type : standard_transport_types) {
    EXPECT_TRUE(types.count(std::string(type))) << "no accept line for " << type;
  }
}

// The endpoint of every accepted URL-based line is itself accepted, unchanged (normalising twice
// changes nothing), when put back behind its type.
TEST(TransportUriCorpus, AcceptedEndpointsAreFixedPoints) {
  for (const auto& [number, line] : read_jsonl("accept.jsonl")) {
    const std::string type = line.at("type").get<std::string>();
    if (type != "ws-room" && type != "signed-login") continue;
    const auto again = parse_transport_uri(type + ":" + line.at("endpoint").get<std::string>());
    ASSERT_TRUE(again.ok()) << "accept.jsonl:" << number << ": " << again.error().message;
    EXPECT_EQ(again->endpoint, line.at("endpoint").get<std::string>()) << "accept.jsonl:" << number;
  }
}

}  // namespace
}  // namespace dclcomms::transport
