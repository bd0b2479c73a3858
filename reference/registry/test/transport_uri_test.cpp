// Unit tests, one per rule of registry::parse_transport_uri() (each type's rules, checked through
// the one list of types), then RapidCheck properties over arbitrary and
// generated connection strings. The corpus test (transport_uri_corpus_test.cpp) covers the long
// tail of real-world and malformed strings.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dclcomms/core/utf8.hpp"
#include "dclcomms/livekit/livekit_uri.hpp"
#include "dclcomms/registry/reference_transports.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::transport {
namespace {

using registry::parse_transport_uri;

/// A livekit string's token, which stays out of the generic TransportUri.
std::string token_of(const TransportUri& uri) {
  const auto parsed = livekit::parse_livekit_uri(uri);
  return parsed.ok() ? parsed->access_token : std::string();
}

// A structurally valid JWT: {"alg":"HS256","typ":"JWT"} . {"sub":"0x123"} . "sig".
constexpr std::string_view jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIweDEyMyJ9.c2ln";

/// Messages end up in JSON, which needs strict UTF-8.
using dclcomms::core::is_valid_utf8;

UriErrorCode error_of(std::string_view uri) {
  const auto parsed = parse_transport_uri(uri);
  EXPECT_FALSE(parsed.ok()) << uri << " was accepted";
  if (parsed.ok()) return UriErrorCode::empty;
  EXPECT_FALSE(parsed.error().message.empty()) << uri;
  return parsed.error().code;
}

std::string message_of(std::string_view uri) {
  const auto parsed = parse_transport_uri(uri);
  return parsed.ok() ? std::string() : parsed.error().message;
}

TransportUri accepted(std::string_view uri) {
  auto parsed = parse_transport_uri(uri);
  EXPECT_TRUE(parsed.ok()) << uri << ": " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? std::move(parsed).value() : TransportUri{};
}

std::string livekit(std::string_view url_without_token) {
  return "livekit:" + std::string(url_without_token) + "?access_token=" + std::string(jwt);
}

// ---------------------------------------------------------------------------------------------
// to_string

TEST(UriErrorCodeNames, AreTheSnakeCaseEnumNames) {
  EXPECT_EQ(to_string(UriErrorCode::empty), "empty");
  EXPECT_EQ(to_string(UriErrorCode::too_long), "too_long");
  EXPECT_EQ(to_string(UriErrorCode::invalid_utf8), "invalid_utf8");
  EXPECT_EQ(to_string(UriErrorCode::control_character), "control_character");
  EXPECT_EQ(to_string(UriErrorCode::whitespace), "whitespace");
  EXPECT_EQ(to_string(UriErrorCode::missing_separator), "missing_separator");
  EXPECT_EQ(to_string(UriErrorCode::bad_type), "bad_type");
  EXPECT_EQ(to_string(UriErrorCode::unsupported_type), "unsupported_type");
  EXPECT_EQ(to_string(UriErrorCode::empty_params), "empty_params");
  EXPECT_EQ(to_string(UriErrorCode::bad_url), "bad_url");
  EXPECT_EQ(to_string(UriErrorCode::bad_scheme), "bad_scheme");
  EXPECT_EQ(to_string(UriErrorCode::missing_host), "missing_host");
  EXPECT_EQ(to_string(UriErrorCode::bad_host), "bad_host");
  EXPECT_EQ(to_string(UriErrorCode::bad_port), "bad_port");
  EXPECT_EQ(to_string(UriErrorCode::bad_path), "bad_path");
  EXPECT_EQ(to_string(UriErrorCode::userinfo_not_allowed), "userinfo_not_allowed");
  EXPECT_EQ(to_string(UriErrorCode::fragment_not_allowed), "fragment_not_allowed");
  EXPECT_EQ(to_string(UriErrorCode::missing_token), "missing_token");
  EXPECT_EQ(to_string(UriErrorCode::bad_token), "bad_token");
  EXPECT_EQ(to_string(UriErrorCode::bad_parameter), "bad_parameter");
  EXPECT_EQ(to_string(UriErrorCode::unknown_parameter), "unknown_parameter");
  EXPECT_EQ(to_string(UriErrorCode::duplicate_parameter), "duplicate_parameter");
}

// ---------------------------------------------------------------------------------------------
// Generic grammar

TEST(GenericGrammar, EmptyIsEmpty) { EXPECT_EQ(error_of(""), UriErrorCode::empty); }

TEST(GenericGrammar, LengthLimitIsInclusive) {
  const std::string at_limit = "offline:" + std::string(transport_uri_bytes_max - 8, 'a');
  EXPECT_TRUE(parse_transport_uri(at_limit).ok());
  EXPECT_EQ(error_of(at_limit + "a"), UriErrorCode::too_long);
  EXPECT_NE(message_of(at_limit + "a").find("8193"), std::string::npos);
}

TEST(GenericGrammar, InvalidUtf8IsFoundBeforeControlCharacters) {
  EXPECT_EQ(error_of(std::string("offline:\x01\xff")), UriErrorCode::invalid_utf8);
  EXPECT_NE(message_of(std::string("offline:\x01\xff")).find("byte offset 9"), std::string::npos);
}

TEST(GenericGrammar, RejectsEveryKindOfInvalidUtf8) {
  for (const std::string bad : {"\x80", "\xc0\xaf", "\xc1\x81", "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\xaf",
                                "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xfe", "\xff", "\xe2\x82", "\xf0\x9f\x98", "\xe2x\x82"}) {
    EXPECT_EQ(error_of("offline:" + bad), UriErrorCode::invalid_utf8) << "offline:" << bad;
  }
}

TEST(GenericGrammar, AcceptsValidMultiByteUtf8WhereTheTypeAllowsIt) {
  EXPECT_TRUE(parse_transport_uri("offline:caf\xc3\xa9-\xe2\x9c\x93-\xf0\x9f\x98\x80-\xf4\x8f\xbf\xbf").ok());
}

TEST(GenericGrammar, RejectsC0DelAndC1ControlsWithTheirPosition) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string uri = std::string("offline:a") + static_cast<char>(c);
    EXPECT_EQ(error_of(uri), UriErrorCode::control_character) << c;
    EXPECT_NE(message_of(uri).find("byte offset 9"), std::string::npos) << message_of(uri);
  }
  EXPECT_EQ(error_of("offline:\x7f"), UriErrorCode::control_character);
  for (int c = 0x80; c <= 0x9f; ++c) {
    const std::string uri = std::string("offline:") + static_cast<char>(0xC2) + static_cast<char>(c);
    EXPECT_EQ(error_of(uri), UriErrorCode::control_character) << c;
  }
  EXPECT_NE(message_of("offline:offline\n").find("U+000A"), std::string::npos);
}

TEST(GenericGrammar, RejectsAsciiAndUnicodeWhiteSpace) {
  const char* spaces[] = {" ",
                          "\xc2\xa0",
                          "\xe1\x9a\x80",
                          "\xe1\xa0\x8e",
                          "\xe2\x80\x80",
                          "\xe2\x80\x85",
                          "\xe2\x80\x8a",
                          "\xe2\x80\x8b",
                          "\xe2\x80\xa8",
                          "\xe2\x80\xa9",
                          "\xe2\x80\xaf",
                          "\xe2\x81\x9f",
                          "\xe2\x81\xa0",
                          "\xe3\x80\x80",
                          "\xef\xbb\xbf"};
  for (const char* space : spaces) {
    EXPECT_EQ(error_of(std::string("ws-room:wss://h/") + space + "x"), UriErrorCode::whitespace) << space;
    EXPECT_EQ(error_of(std::string(space) + "offline:offline"), UriErrorCode::whitespace) << space;
  }
  EXPECT_NE(message_of("offline:\xc2\xa0").find("U+00A0"), std::string::npos);
}

TEST(GenericGrammar, MessagesStayValidUtf8WhenQuotesAreCut) {
  std::string type = "x";
  for (int i = 0; i < 60; ++i) type += "\xc3\xa9";  // a long type of 2-byte letters, cut in the quote
  const std::string message = message_of(type + ":x");
  EXPECT_NE(message.find("..."), std::string::npos) << message;
  EXPECT_TRUE(is_valid_utf8(message)) << message;
  std::string no_colon = "x";
  for (int i = 0; i < 60; ++i) no_colon += "\xe2\x9c\x93";
  EXPECT_TRUE(is_valid_utf8(message_of(no_colon)));
  // A quoted slice that splits a character ("%" and the next two bytes) is escaped, not cut raw.
  const std::string split = message_of("ws-room:wss://h/%\xe2\x9c\x93");
  EXPECT_TRUE(is_valid_utf8(split)) << split;
  EXPECT_NE(split.find("'%\\xE2\\x9C'"), std::string::npos) << split;
}

TEST(GenericGrammar, TheFirstOffendingCharacterDecides) {
  EXPECT_EQ(error_of("offline:a b\tc"), UriErrorCode::whitespace);
  EXPECT_EQ(error_of("offline:a\tb c"), UriErrorCode::control_character);
}

TEST(GenericGrammar, MissingSeparator) {
  EXPECT_EQ(error_of("offline"), UriErrorCode::missing_separator);  // the kernel quirk, spec §9.10
  EXPECT_NE(message_of("offline").find("'offline'"), std::string::npos);
  EXPECT_EQ(error_of("offline%3Aoffline"), UriErrorCode::missing_separator);
}

TEST(GenericGrammar, SplitsAtTheFirstColon) {
  const auto uri = accepted("offline:a:b:c");
  EXPECT_EQ(uri.type, "offline");
  EXPECT_EQ(uri.params, "a:b:c");
}

TEST(GenericGrammar, TypeGrammar) {
  EXPECT_EQ(error_of(":x"), UriErrorCode::bad_type);
  EXPECT_EQ(error_of("a:x"), UriErrorCode::bad_type);  // [A-Za-z][A-Za-z0-9-]+ needs two characters
  EXPECT_EQ(error_of("1a:x"), UriErrorCode::bad_type);
  EXPECT_EQ(error_of("-a:x"), UriErrorCode::bad_type);
  EXPECT_EQ(error_of("ws_room:x"), UriErrorCode::bad_type);
  EXPECT_NE(message_of("ws_room:x").find("'_'"), std::string::npos);
  EXPECT_NE(message_of("ws_room:x").find("byte offset 2"), std::string::npos);
  EXPECT_EQ(error_of("w\xc3\xa9:x"), UriErrorCode::bad_type);
  EXPECT_NE(message_of("w\xc3\xa9:x").find("U+00E9"), std::string::npos);
}

TEST(GenericGrammar, GenericParserAcceptsAnyWellFormedType) {
  const auto parsed = parse_transport_uri_generic("my-relay2:whatever?x=1");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->type, "my-relay2");
  EXPECT_EQ(parsed->params, "whatever?x=1");
  EXPECT_TRUE(parsed->endpoint.empty());
  EXPECT_TRUE(parse_transport_uri_generic("ab:").ok());  // empty params: the type decides
  EXPECT_EQ(parse_transport_uri_generic("ws-room:wss://h/ x").error().code, UriErrorCode::whitespace);
}

TEST(GenericGrammar, UnsupportedTypeListsTheSupportedOnes) {
  EXPECT_EQ(error_of("foo:bar"), UriErrorCode::unsupported_type);
  EXPECT_EQ(message_of("foo:bar"), "unsupported transport type 'foo' (supported: ws-room, livekit, signed-login, offline, simulator)");
  EXPECT_NE(message_of("WS-ROOM:wss://h").find("did you mean 'ws-room'"), std::string::npos);
  EXPECT_NE(message_of("wss://h/x").find("prefix missing"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// ws-room

TEST(WsRoom, PrependsWssWhenThereIsNoWebSocketScheme) {
  const auto uri = accepted("ws-room:ws-room-service.decentraland.org/rooms/123-room-id");
  EXPECT_EQ(uri.endpoint, "wss://ws-room-service.decentraland.org/rooms/123-room-id");
  EXPECT_EQ(uri.url.scheme, "wss");
  EXPECT_EQ(uri.url.host, "ws-room-service.decentraland.org");
  EXPECT_EQ(uri.url.port, 0);
  EXPECT_EQ(uri.url.path, "/rooms/123-room-id");
  EXPECT_EQ(accepted("ws-room:localhost:8000/r").endpoint, "wss://localhost:8000/r");
}

TEST(WsRoom, KeepsWsAndWssAndLowercasesSchemeAndHost) {
  EXPECT_EQ(accepted("ws-room:ws://127.0.0.1:8000/mini-comms/room-1").endpoint, "ws://127.0.0.1:8000/mini-comms/room-1");
  EXPECT_EQ(accepted("ws-room:WSS://Host.Example.ORG/Room").endpoint, "wss://host.example.org/Room");
  EXPECT_EQ(accepted("ws-room:wss://h.example.org").url.path, "/");
}

TEST(WsRoom, RejectsEveryOtherScheme) {
  for (const char* uri : {"ws-room:http://h/x", "ws-room:https://h/x", "ws-room:HTTPS://h", "ws-room:ftp://h", "ws-room:file:///x",
                          "ws-room:http:h", "ws-room:wsx://h"}) {
    EXPECT_EQ(error_of(uri), UriErrorCode::bad_scheme) << uri;
  }
}

TEST(WsRoom, HostForms) {
  EXPECT_EQ(accepted("ws-room:wss://[::1]:8000/r").url.host, "::1");
  EXPECT_EQ(accepted("ws-room:wss://[::1]:8000/r").endpoint, "wss://[::1]:8000/r");
  EXPECT_EQ(accepted("ws-room:wss://[2001:db8::1]/r").url.port, 0);
  EXPECT_EQ(accepted("ws-room:wss://192.168.1.10/r").url.host, "192.168.1.10");
  EXPECT_EQ(error_of("ws-room:wss:///r"), UriErrorCode::missing_host);
  EXPECT_EQ(error_of("ws-room:ws:host/r"), UriErrorCode::missing_host);
  EXPECT_EQ(error_of("ws-room:wss://256.0.0.1/r"), UriErrorCode::bad_host);
  EXPECT_EQ(error_of("ws-room:wss://a..b/r"), UriErrorCode::bad_host);
  EXPECT_EQ(error_of("ws-room:wss://-a.b/r"), UriErrorCode::bad_host);
  EXPECT_EQ(error_of("ws-room:wss://[::1/r"), UriErrorCode::bad_host);
  EXPECT_EQ(error_of("ws-room:wss://[v1.a]/r"), UriErrorCode::bad_host);
  EXPECT_EQ(error_of("ws-room:wss://" + std::string(64, 'a') + "/r"), UriErrorCode::bad_host);
  EXPECT_TRUE(parse_transport_uri("ws-room:wss://" + std::string(63, 'a') + "/r").ok());
}

TEST(WsRoom, Ports) {
  EXPECT_EQ(accepted("ws-room:wss://h:1/r").url.port, 1);
  EXPECT_EQ(accepted("ws-room:wss://h:65535/r").url.port, 65535);
  for (const char* uri : {"ws-room:wss://h:0/r", "ws-room:wss://h:65536/r", "ws-room:wss://h:/r", "ws-room:h:", "ws-room:wss://h:x/r",
                          "ws-room:wss://h:1x/r", "ws-room:wss://[::1]:/r", "ws-room:wss://h:99999999999999999999/r"}) {
    EXPECT_EQ(error_of(uri), UriErrorCode::bad_port) << uri;
  }
  EXPECT_NE(message_of("ws-room:wss://h:70000/r").find("'70000'"), std::string::npos);
}

TEST(WsRoom, NoUserinfoNoFragmentQueryAllowed) {
  EXPECT_EQ(error_of("ws-room:wss://u@h/r"), UriErrorCode::userinfo_not_allowed);
  const std::string with_password = message_of("ws-room:wss://u:hunter2@h/r");
  EXPECT_EQ(with_password.find("hunter2"), std::string::npos) << "never echo a password: " << with_password;
  EXPECT_EQ(error_of("ws-room:wss://h/r#x"), UriErrorCode::fragment_not_allowed);
  EXPECT_EQ(error_of("ws-room:wss://h/r#"), UriErrorCode::fragment_not_allowed);
  const auto uri = accepted("ws-room:wss://h/r?a=1&b=x%20y");
  EXPECT_EQ(uri.endpoint, "wss://h/r?a=1&b=x%20y");
  ASSERT_EQ(uri.url.query.size(), 2u);
  EXPECT_EQ(uri.url.query[1], (std::pair<std::string, std::string>{"b", "x y"}));
}

TEST(WsRoom, PathRules) {
  EXPECT_EQ(error_of("ws-room:wss://h/a/../b"), UriErrorCode::bad_path);
  EXPECT_EQ(error_of("ws-room:wss://h/./b"), UriErrorCode::bad_path);
  EXPECT_EQ(error_of("ws-room:wss://h/%2E%2e"), UriErrorCode::bad_path);
  EXPECT_EQ(error_of("ws-room:wss://h/a%00"), UriErrorCode::bad_path);
  EXPECT_EQ(error_of("ws-room:wss://h/a<b"), UriErrorCode::bad_url);
  EXPECT_EQ(error_of("ws-room:wss://h/a%zz"), UriErrorCode::bad_url);
  EXPECT_TRUE(parse_transport_uri("ws-room:wss://h/a/.../b%2F").ok());  // "..." is an ordinary name
}

TEST(WsRoom, EmptyParams) { EXPECT_EQ(error_of("ws-room:"), UriErrorCode::empty_params); }

TEST(WsRoom, PositionsInMessagesCountFromTheStartOfTheConnectionString) {
  // Without a scheme "wss://" is prepended; positions still refer to what the user wrote.
  EXPECT_NE(message_of("ws-room:h/a<b").find("byte offset 11"), std::string::npos) << message_of("ws-room:h/a<b");
  EXPECT_NE(message_of("ws-room:wss://h/a<b").find("byte offset 17"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// livekit

TEST(Livekit, EndpointDropsTheQueryAndKeepsPortAndPath) {
  const auto uri = accepted(livekit("ws://localhost:7880"));
  EXPECT_EQ(uri.endpoint, "ws://localhost:7880");
  EXPECT_EQ(uri.url.port, 7880);
  EXPECT_EQ(token_of(uri), jwt);
  EXPECT_TRUE(uri.url.query.empty());
  const auto with_path = accepted("livekit:wss://LK.example.org/rtc/v1?room=I1&access_token=" + std::string(jwt) + "&x");
  EXPECT_EQ(with_path.endpoint, "wss://lk.example.org/rtc/v1");
  ASSERT_EQ(with_path.url.query.size(), 2u);
  EXPECT_EQ(with_path.url.query[0].first, "room");
  EXPECT_EQ(with_path.url.query[1].first, "x");
}

TEST(Livekit, SchemeIsMandatory) {
  EXPECT_EQ(error_of(livekit("livekit.example.org")), UriErrorCode::bad_scheme);
  EXPECT_EQ(error_of(livekit("https://livekit.example.org")), UriErrorCode::bad_scheme);
  EXPECT_EQ(error_of(livekit("localhost:7880")), UriErrorCode::bad_scheme);
}

TEST(Livekit, Token) {
  EXPECT_EQ(error_of("livekit:wss://lk.example.org"), UriErrorCode::missing_token);
  EXPECT_EQ(error_of("livekit:wss://lk.example.org?access_token="), UriErrorCode::missing_token);
  EXPECT_EQ(error_of("livekit:wss://lk.example.org?token=x"), UriErrorCode::missing_token);
  EXPECT_EQ(error_of("livekit:wss://lk.example.org?access_token=abc"), UriErrorCode::bad_token);
  EXPECT_EQ(error_of(livekit("wss://h") + "&access_token=" + std::string(jwt)), UriErrorCode::bad_token);
  EXPECT_EQ(error_of("livekit:wss://h?access_token=e30.e30.c2ln"), UriErrorCode::bad_token);   // header {} has no alg
  EXPECT_EQ(error_of("livekit:wss://h?access_token=WzFd.e30.c2ln"), UriErrorCode::bad_token);  // header [1]
  EXPECT_EQ(error_of("livekit:wss://h?access_token=eyJhbGciOiJIUzI1NiJ9.MQ.c2ln"),
            UriErrorCode::bad_token);  // payload 1
  EXPECT_EQ(error_of("livekit:wss://h?access_token=eyJhbGciOiJIUzI1NiJ9.e30=.c2ln"), UriErrorCode::bad_token);
  EXPECT_TRUE(parse_transport_uri("livekit:wss://h?access_token=eyJhbGciOiJIUzI1NiJ9.e30.c2ln").ok());
}

TEST(Livekit, TokenIsNeverEchoed) {
  const std::string secretish = "eyJhbGciOiJIUzI1NiJ9.e30.c2VjcmV0X3NpZ25hdHVyZQ&access_token=SECRET";
  const std::string message = message_of("livekit:wss://h?access_token=" + secretish);
  EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
  EXPECT_EQ(message.find("c2VjcmV0"), std::string::npos) << message;
}

TEST(Livekit, HostPortUserinfoFragmentRulesApply) {
  EXPECT_EQ(error_of(livekit("wss://lk..org")), UriErrorCode::bad_host);
  EXPECT_EQ(error_of(livekit("ws://localhost:0")), UriErrorCode::bad_port);
  EXPECT_EQ(error_of(livekit("wss://k:s@lk.org")), UriErrorCode::userinfo_not_allowed);
  EXPECT_EQ(error_of(livekit("wss://lk.org") + "#x"), UriErrorCode::fragment_not_allowed);
  EXPECT_EQ(error_of("livekit:"), UriErrorCode::empty_params);
}

// ---------------------------------------------------------------------------------------------
// signed-login, offline, simulator

TEST(SignedLogin, HttpAndHttpsOnly) {
  const auto uri = accepted("signed-login:https://worlds-content-server.decentraland.org/worlds/boedo.dcl.eth/comms");
  EXPECT_EQ(uri.endpoint, "https://worlds-content-server.decentraland.org/worlds/boedo.dcl.eth/comms");
  EXPECT_EQ(accepted("signed-login:http://localhost:3000/c?x=1").endpoint, "http://localhost:3000/c?x=1");
  EXPECT_EQ(error_of("signed-login:wss://h/c"), UriErrorCode::bad_scheme);
  EXPECT_EQ(error_of("signed-login:h/c"), UriErrorCode::bad_scheme);  // nothing is prepended here
  EXPECT_EQ(error_of("signed-login:https://u@h/c"), UriErrorCode::userinfo_not_allowed);
  EXPECT_EQ(error_of("signed-login:https://h/c#f"), UriErrorCode::fragment_not_allowed);
  EXPECT_EQ(error_of("signed-login:https://h:65536/c"), UriErrorCode::bad_port);
  EXPECT_EQ(error_of("signed-login:"), UriErrorCode::empty_params);
}

TEST(Offline, AnythingGoesEvenNothing) {
  for (const char* uri : {"offline:offline", "offline:", "offline:wss://x#y", "offline:%%%"}) {
    const auto parsed = accepted(uri);
    EXPECT_EQ(parsed.type, "offline");
    EXPECT_TRUE(parsed.endpoint.empty());
  }
  EXPECT_EQ(error_of("offline: "), UriErrorCode::whitespace);  // the generic rules still hold
}

TEST(Simulator, ParametersAreValidatedStrictly) {
  EXPECT_TRUE(parse_transport_uri("simulator:?position=-9,-9&distance=0.05").ok());
  EXPECT_TRUE(parse_transport_uri("simulator:").ok());
  EXPECT_EQ(error_of("simulator:?foo=1"), UriErrorCode::unknown_parameter);
  EXPECT_EQ(error_of("simulator:?seed=1&seed=1"), UriErrorCode::duplicate_parameter);
  EXPECT_EQ(error_of("simulator:?peers=1001"), UriErrorCode::bad_parameter);
}

// ---------------------------------------------------------------------------------------------
// Properties

// Any byte string: no crash, no hang; ok => a well-formed type and the params it was split into;
// error => a message, valid UTF-8 even when the input is not. The generic parser accepts everything the full one
// accepts.
RC_GTEST_PROP(TransportUriProperty, ArbitraryBytesGiveAValueOrAnError, (const std::string& uri)) {
  const auto full = parse_transport_uri(uri);
  const auto generic = parse_transport_uri_generic(uri);
  if (full.ok()) {
    RC_ASSERT(!full->type.empty());
    RC_ASSERT(full->type + ":" + full->params == uri);
    RC_ASSERT(generic.ok());
  } else {
    RC_ASSERT(!full.error().message.empty());
    RC_ASSERT(is_valid_utf8(full.error().message));
  }
  if (!generic.ok()) RC_ASSERT(!generic.error().message.empty());
}

// The same over an alphabet of URL-significant characters behind each standard type, where the
// interesting branches are.
RC_GTEST_PROP(TransportUriProperty, UrlShapedNoiseGivesAValueOrAnError, ()) {
  static const std::string alphabet = "wsthpkl0123456789:/?#[]@%.-_~=&+,;!*'()$<>\\^`{}|eyJEzAa\xc3\xa9";
  const auto type = *rc::gen::elementOf(std::vector<std::string>{"ws-room", "livekit", "signed-login", "offline", "simulator"});
  const auto body = *rc::gen::container<std::string>(rc::gen::elementOf(alphabet));
  const auto prefix = *rc::gen::elementOf(std::vector<std::string>{"", "wss://", "ws://h", "https://h", "?", "wss://h?access_token="});
  const std::string uri = type + ":" + prefix + body;
  const auto parsed = parse_transport_uri(uri);
  if (parsed.ok()) {
    RC_ASSERT(parsed->type == type);
  } else {
    RC_ASSERT(!parsed.error().message.empty());
  }
}

rc::Gen<std::string> gen_label() {
  return rc::gen::exec([] {
    auto label = *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::elementOf(std::string("abcxyz0189-"))));
    label.resize(std::min<std::size_t>(label.size(), 63));
    if (label.front() == '-') label.front() = 'a';  // labels neither start nor end with '-'
    if (label.back() == '-') label.back() = 'z';
    return label;
  });
}

/// A valid host (reg-name ending in a letter label, IPv4 or IPv6) and how it appears in a URL.
struct GeneratedHost {
  std::string in_url;
  std::string host;
};

rc::Gen<GeneratedHost> gen_host() {
  return rc::gen::oneOf(rc::gen::map(rc::gen::container<std::vector<std::string>>(*rc::gen::inRange<std::size_t>(0, 4), gen_label()),
                                     [](std::vector<std::string> labels) {
                                       std::string host;
                                       for (const auto& label : labels) host += label + ".";
                                       host += "example";  // the last label is never all digits
                                       return GeneratedHost{host, host};
                                     }),
                        rc::gen::map(rc::gen::container<std::vector<int>>(4, rc::gen::inRange(0, 256)),
                                     [](const std::vector<int>& octets) {
                                       std::string host;
                                       for (std::size_t i = 0; i < 4; ++i) host += (i ? "." : "") + std::to_string(octets[i]);
                                       return GeneratedHost{host, host};
                                     }),
                        rc::gen::map(rc::gen::elementOf(std::vector<std::string>{"::1", "2001:db8::7", "fe80::1:2", "::ffff:1.2.3.4"}),
                                     [](const std::string& ip) {
                                       return GeneratedHost{"[" + ip + "]", ip};
                                     }));
}

rc::Gen<std::string> gen_path() {
  return rc::gen::exec([] {
    const auto count = *rc::gen::inRange<std::size_t>(0, 4);
    std::string path;
    for (std::size_t i = 0; i < count; ++i) {
      path += "/" + *rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::elementOf(std::string("aZ09-_~!$'()*+,;=:@"))));
    }
    return path;
  });
}

std::string base64url(std::string_view bytes) {
  static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += digits[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += digits[(buffer << (6 - bits)) & 0x3F];
  return out;
}

struct GeneratedUrl {
  std::string type;
  std::string uri;
  std::string endpoint;
  GeneratedHost host;
  int port = 0;
  std::string path;
};

rc::Gen<GeneratedUrl> gen_valid_url_uri() {
  return rc::gen::exec([] {
    GeneratedUrl out;
    out.type = *rc::gen::elementOf(std::vector<std::string>{"ws-room", "livekit", "signed-login"});
    const bool http = out.type == "signed-login";
    const std::string scheme =
        *rc::gen::elementOf(http ? std::vector<std::string>{"http", "https"} : std::vector<std::string>{"ws", "wss"});
    out.host = *gen_host();
    out.port = *rc::gen::oneOf(rc::gen::just(0), rc::gen::inRange(1, 65536));
    out.path = *gen_path();
    const std::string authority = out.host.in_url + (out.port ? ":" + std::to_string(out.port) : "");
    const std::string base = scheme + "://" + authority + out.path;
    if (out.type == "livekit") {
      const std::string sub = *rc::gen::container<std::string>(rc::gen::elementOf(std::string("0x123abcdef")));
      const std::string token = base64url(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                base64url(R"({"sub":")" + sub + R"(","exp":1767225900})") + "." + base64url("sig");
      out.uri = out.type + ":" + base + "?access_token=" + token;
      out.endpoint = base;
    } else {
      // ws-room without a scheme gets wss:// prepended: generate that form too.
      const bool bare = out.type == "ws-room" && scheme == "wss" && *rc::gen::arbitrary<bool>() && out.host.in_url.front() != '[';
      out.uri = out.type + ":" + (bare ? authority + out.path : base);
      out.endpoint = base;
    }
    return out;
  });
}

RC_GTEST_PROP(TransportUriProperty, ValidUrlUrisAreAcceptedAndRoundTripTheirEndpoint, ()) {
  const GeneratedUrl generated = *gen_valid_url_uri();
  const auto parsed = parse_transport_uri(generated.uri);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(parsed->type == generated.type);
  RC_ASSERT(parsed->endpoint == generated.endpoint);
  RC_ASSERT(parsed->url.host == generated.host.host);
  RC_ASSERT(parsed->url.port == generated.port);
  RC_ASSERT(parsed->url.path == (generated.path.empty() ? "/" : generated.path));
  // The endpoint, put back behind its type, is a fixed point (livekit needs its token back).
  const std::string again = generated.type == "livekit" ? generated.type + ":" + parsed->endpoint + "?access_token=" + token_of(*parsed)
                                                        : generated.type + ":" + parsed->endpoint;
  const auto reparsed = parse_transport_uri(again);
  RC_ASSERT(reparsed.ok());
  RC_ASSERT(reparsed->endpoint == parsed->endpoint);
}

RC_GTEST_PROP(TransportUriProperty, AControlCharacterAnywhereIsFound, ()) {
  const GeneratedUrl generated = *gen_valid_url_uri();
  const std::string control = *rc::gen::oneOf(rc::gen::map(rc::gen::oneOf(rc::gen::inRange(0, 0x20), rc::gen::just(0x7F)),
                                                           [](int c) { return std::string(1, static_cast<char>(c)); }),
                                              rc::gen::map(rc::gen::inRange(0x80, 0xA0), [](int c) {
                                                return std::string{static_cast<char>(0xC2), static_cast<char>(c)};
                                              }));
  const auto at = *rc::gen::inRange<std::size_t>(0, generated.uri.size() + 1);
  std::string uri = generated.uri;
  uri.insert(at, control);
  const auto parsed = parse_transport_uri(uri);
  RC_ASSERT(!parsed.ok());
  RC_ASSERT(parsed.error().code == UriErrorCode::control_character);
  RC_ASSERT(parsed.error().message.find("byte offset " + std::to_string(at)) != std::string::npos);
}

RC_GTEST_PROP(TransportUriProperty, WhiteSpaceAnywhereIsFound, ()) {
  const GeneratedUrl generated = *gen_valid_url_uri();
  const std::string space =
      *rc::gen::elementOf(std::vector<std::string>{" ", "\xc2\xa0", "\xe2\x80\x83", "\xe2\x80\xa8", "\xe3\x80\x80", "\xef\xbb\xbf"});
  const auto at = *rc::gen::inRange<std::size_t>(0, generated.uri.size() + 1);
  std::string uri = generated.uri;
  uri.insert(at, space);
  const auto parsed = parse_transport_uri(uri);
  RC_ASSERT(!parsed.ok());
  RC_ASSERT(parsed.error().code == UriErrorCode::whitespace);
}

RC_GTEST_PROP(TransportUriProperty, EveryPrefixIsHandled, ()) {
  const GeneratedUrl generated = *gen_valid_url_uri();
  const std::size_t colon = generated.uri.find(':');
  for (std::size_t length = 0; length <= generated.uri.size(); ++length) {
    const std::string prefix = generated.uri.substr(0, length);
    const auto parsed = parse_transport_uri(prefix);
    if (length == 0) {
      RC_ASSERT(!parsed.ok() && parsed.error().code == UriErrorCode::empty);
    } else if (length <= colon) {
      RC_ASSERT(!parsed.ok() && parsed.error().code == UriErrorCode::missing_separator);
    } else if (!parsed.ok()) {
      RC_ASSERT(!parsed.error().message.empty());
    }
  }
  RC_ASSERT(parse_transport_uri(generated.uri).ok());
}

RC_GTEST_PROP(TransportUriProperty, CuttingAMultiByteCharacterIsInvalidUtf8, ()) {
  const std::string character =
      *rc::gen::elementOf(std::vector<std::string>{"\xc3\xa9", "\xe2\x9c\x93", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"});
  const auto keep = *rc::gen::inRange<std::size_t>(1, character.size());
  const auto parsed = parse_transport_uri("offline:" + character.substr(0, keep));
  RC_ASSERT(!parsed.ok());
  RC_ASSERT(parsed.error().code == UriErrorCode::invalid_utf8);
}

RC_GTEST_PROP(TransportUriProperty, TypesAreCaseSensitive, ()) {
  const GeneratedUrl generated = *gen_valid_url_uri();
  std::string uri = generated.uri;
  const auto at = *rc::gen::inRange<std::size_t>(0, generated.type.size());
  RC_PRE(uri[at] != '-');
  uri[at] = static_cast<char>(uri[at] - 'a' + 'A');
  const auto parsed = parse_transport_uri(uri);
  RC_ASSERT(!parsed.ok());
  RC_ASSERT(parsed.error().code == UriErrorCode::unsupported_type);
}

}  // namespace
}  // namespace dclcomms::transport
