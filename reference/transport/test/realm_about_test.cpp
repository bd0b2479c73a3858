// Realm /about -> adapter: prefixes, precedence, defaults and typed errors.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>

#include "dclcomms/transport/realm_about.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::transport {
namespace {

using std::nullopt;

RealmAdapter resolved(std::optional<std::string_view> adapter, std::optional<std::string_view> fixed_adapter) {
  auto result = resolve_realm_adapter(adapter, fixed_adapter);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(result).value() : RealmAdapter{};
}

RealmAdapter from_about(std::string_view json) {
  auto result = resolve_realm_adapter_from_about(json);
  EXPECT_TRUE(result.ok()) << json << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(result).value() : RealmAdapter{};
}

RealmAboutErrorCode about_error(std::string_view json) {
  auto result = resolve_realm_adapter_from_about(json);
  EXPECT_FALSE(result.ok()) << json;
  if (result.ok()) return RealmAboutErrorCode::no_adapter;
  EXPECT_FALSE(result.error().message.empty());
  return result.error().code;
}

TEST(RealmAbout, StripsFixedAdapterPrefix) {
  const auto adapter =
      resolved("fixed-adapter:signed-login:https://worlds-content-server.decentraland.org/worlds/x.dcl.eth/comms", nullopt);
  EXPECT_EQ(adapter.kind, AdapterKind::fixed_adapter);
  EXPECT_EQ(adapter.connection_string, "signed-login:https://worlds-content-server.decentraland.org/worlds/x.dcl.eth/comms");
  EXPECT_EQ(resolved("fixed-adapter:offline:offline", nullopt), (RealmAdapter{AdapterKind::fixed_adapter, "offline:offline"}));
}

TEST(RealmAbout, StripsOneArchipelagoPrefix) {
  const auto adapter = resolved("archipelago:archipelago:wss://peer.decentraland.zone/archipelago/ws", nullopt);
  EXPECT_EQ(adapter.kind, AdapterKind::archipelago);
  EXPECT_EQ(adapter.connection_string, "archipelago:wss://peer.decentraland.zone/archipelago/ws");
}

TEST(RealmAbout, BareStringsArePlain) {
  EXPECT_EQ(resolved(nullopt, "ws-room:mini-comms.decentraland.org/rooms/test-room"),
            (RealmAdapter{AdapterKind::plain, "ws-room:mini-comms.decentraland.org/rooms/test-room"}));
  EXPECT_EQ(resolved("livekit:wss://h?access_token=x", nullopt).kind, AdapterKind::plain);
}

TEST(RealmAbout, AdapterWinsOverFixedAdapter) {
  EXPECT_EQ(resolved("fixed-adapter:offline:offline", "ws-room:wss://h/r").connection_string, "offline:offline");
  // A broken adapter is an error, not a silent fall-back.
  EXPECT_FALSE(resolve_realm_adapter("fixed-adapter:", "ws-room:wss://h/r").ok());
}

TEST(RealmAbout, TypedErrors) {
  EXPECT_EQ(resolve_realm_adapter(nullopt, nullopt).error().code, RealmAboutErrorCode::no_adapter);
  EXPECT_EQ(resolve_realm_adapter("", nullopt).error().code, RealmAboutErrorCode::empty_connection_string);
  EXPECT_EQ(resolve_realm_adapter("fixed-adapter:", nullopt).error().code, RealmAboutErrorCode::empty_connection_string);
  EXPECT_EQ(resolve_realm_adapter("archipelago:", nullopt).error().code, RealmAboutErrorCode::empty_connection_string);
  EXPECT_EQ(resolve_realm_adapter("fixed-adapter:fixed-adapter:offline:offline", nullopt).error().code, RealmAboutErrorCode::nested_prefix);
  const auto bad = resolve_realm_adapter(nullopt, "offline");  // the kernel's colon-less "offline"
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, RealmAboutErrorCode::bad_connection_string);
  EXPECT_NE(bad.error().message.find("missing_separator"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("comms.fixedAdapter"), std::string::npos) << bad.error().message;
  EXPECT_EQ(resolve_realm_adapter("fixed-adapter: offline:offline", nullopt).error().code, RealmAboutErrorCode::bad_connection_string);
}

TEST(RealmAbout, FromAboutJson) {
  EXPECT_EQ(from_about(R"({"comms":{"adapter":"archipelago:archipelago:wss://peer.decentraland.zone/archipelago/ws",
                                   "fixedAdapter":"offline:offline"}})")
                .kind,
            AdapterKind::archipelago);
  EXPECT_EQ(from_about(R"({"comms":{"fixedAdapter":"signed-login:https://w.example.org/get-comms-adapter/x"}})"),
            (RealmAdapter{AdapterKind::plain, "signed-login:https://w.example.org/get-comms-adapter/x"}));
  EXPECT_EQ(from_about(R"({"comms":{"adapter":null,"fixedAdapter":"offline:offline"}})").connection_string, "offline:offline");
}

TEST(RealmAbout, FromAboutDefaultsToOffline) {
  const RealmAdapter offline{AdapterKind::plain, "offline:offline"};
  EXPECT_EQ(from_about("{}"), offline);
  EXPECT_EQ(from_about(R"({"comms":null})"), offline);
  EXPECT_EQ(from_about(R"({"comms":{}})"), offline);
  EXPECT_EQ(from_about(R"({"comms":{"protocol":"v3","adapter":null}})"), offline);
  EXPECT_EQ(from_about(R"({"healthy":true,"configurations":{"realmName":"main"},"comms":{"healthy":false}})"), offline);
}

TEST(RealmAbout, FromAboutErrors) {
  EXPECT_EQ(about_error("not json"), RealmAboutErrorCode::bad_json);
  EXPECT_EQ(about_error("[]"), RealmAboutErrorCode::bad_json);
  EXPECT_EQ(about_error(""), RealmAboutErrorCode::bad_json);
  EXPECT_EQ(about_error(R"({"comms":"offline:offline"})"), RealmAboutErrorCode::bad_field_type);
  EXPECT_EQ(about_error(R"({"comms":{"adapter":42}})"), RealmAboutErrorCode::bad_field_type);
  EXPECT_EQ(about_error(R"({"comms":{"fixedAdapter":["offline:offline"]}})"), RealmAboutErrorCode::bad_field_type);
  EXPECT_EQ(about_error(R"({"comms":{"adapter":""}})"), RealmAboutErrorCode::empty_connection_string);
  EXPECT_EQ(about_error(std::string(realm_about_bytes_max + 1, ' ')), RealmAboutErrorCode::too_large);
}

TEST(RealmAbout, Names) {
  EXPECT_EQ(to_string(AdapterKind::fixed_adapter), "fixed_adapter");
  EXPECT_EQ(to_string(AdapterKind::archipelago), "archipelago");
  EXPECT_EQ(to_string(AdapterKind::plain), "plain");
  EXPECT_EQ(to_string(RealmAboutErrorCode::bad_connection_string), "bad_connection_string");
  EXPECT_EQ(to_string(RealmAboutErrorCode::nested_prefix), "nested_prefix");
}

RC_GTEST_PROP(RealmAboutProperty, ArbitraryTextGivesAValueOrAnError, (const std::string& text)) {
  const auto from_json = resolve_realm_adapter_from_about(text);
  if (!from_json.ok()) RC_ASSERT(!from_json.error().message.empty());
  const auto from_field = resolve_realm_adapter(text, std::nullopt);
  if (from_field.ok()) {
    RC_ASSERT(parse_transport_uri_generic(from_field->connection_string).ok());
  } else {
    RC_ASSERT(!from_field.error().message.empty());
  }
}

}  // namespace
}  // namespace dclcomms::transport
