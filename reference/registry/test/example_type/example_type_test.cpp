// A new transport type is one folder plus one line in the registration list: the `echo` type of
// this folder joins the standard ones with exactly that line, and then behaves like any type —
// its URI rules run in the factory (precise errors, generic rules first), its transport is created
// and works, and the standard types are unaffected. Also: the list itself holds the five
// standard types in the spec's order.

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/registry/reference_transports.hpp"
#include "echo_transport.hpp"

namespace dclcomms {
namespace {

using transport::UriErrorCode;

struct Fixture {
  core::ManualRuntime runtime;
  transport::TransportFactory factory{transport::TransportContext{.runtime = &runtime}};
};

TEST(RegistrationList, HoldsTheStandardTypesInTheSpecsOrder) {
  const auto list = registry::reference_type_registrations();
  ASSERT_EQ(list.size(), std::size(transport::standard_transport_types));
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fixture f;  // each line alone registers exactly its own type
    list[i](f.factory, {});
    EXPECT_EQ(f.factory.registered_types(), std::vector<std::string>{std::string(transport::standard_transport_types[i])});
  }
}

TEST(ExampleType, IsOneFolderAndOneLineInTheRegistrationList) {
  std::vector<registry::TypeRegistration> types(registry::reference_type_registrations().begin(),
                                                registry::reference_type_registrations().end());
  types.push_back([](transport::TransportFactory& f, const registry::ReferenceServices&) { example::register_echo(f); });

  Fixture f;
  registry::register_transport_types(f.factory, {}, types);
  EXPECT_EQ(f.factory.registered_types(), (std::vector<std::string>{"echo", "livekit", "offline", "signed-login", "simulator", "ws-room"}));

  // Its URI rules run in the factory, after the generic grammar.
  const auto error_of = [&](std::string_view uri) {
    const auto created = f.factory.create(uri);
    EXPECT_FALSE(created.ok()) << uri;
    return created.ok() ? transport::UriError{UriErrorCode::empty, ""} : created.error();
  };
  EXPECT_EQ(error_of("echo:").code, UriErrorCode::empty_params);
  EXPECT_EQ(error_of("echo:a b").code, UriErrorCode::whitespace);  // generic rules first
  const auto capital = error_of("echo:Lobby");
  EXPECT_EQ(capital.code, UriErrorCode::bad_parameter);
  EXPECT_NE(capital.message.find("'L' at byte offset 5"), std::string::npos) << capital.message;
  EXPECT_EQ(error_of("echo:" + std::string(example::echo_room_bytes_max + 1, 'a')).code, UriErrorCode::bad_parameter);
  const auto validated = f.factory.validate("echo:lobby-1");
  ASSERT_TRUE(validated.ok()) << validated.error().message;
  EXPECT_EQ(validated->params, "lobby-1");

  // Its transport is created and works like any other.
  auto created = f.factory.create("echo:lobby");
  ASSERT_TRUE(created.ok()) << created.error().message;
  transport::Transport& echo = **created;
  EXPECT_EQ(echo.type(), "echo");
  std::vector<transport::TransportEvent> events;
  echo.set_event_handler([&](const transport::TransportEvent& e) { events.push_back(e); });
  ASSERT_TRUE(echo.connect().ok());
  f.runtime.run_until_idle();
  const transport::PacketBytes packet{0x2a, 0x02, 0x08, 0x01};
  ASSERT_TRUE(echo.send(packet, {}).ok());
  echo.disconnect();
  f.runtime.run_until_idle();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<transport::Connected>(events[0]));
  const auto* message = std::get_if<transport::MessageReceived>(&events[1]);
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(message->sender, "echo");
  EXPECT_EQ(message->packet, packet);
  EXPECT_TRUE(std::holds_alternative<transport::Disconnected>(events[2]));
  EXPECT_FALSE(echo.send(packet, {}).ok()) << "a send after disconnect() is refused";

  // The standard types are unaffected.
  EXPECT_TRUE(f.factory.create("offline:offline").ok());
  EXPECT_EQ(error_of("ws-room:").code, UriErrorCode::empty_params);
}

TEST(ExampleType, IsNotAStandardTypeWithoutItsLine) {
  Fixture f;
  registry::register_reference_transports(f.factory);
  const auto created = f.factory.create("echo:lobby");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, UriErrorCode::unsupported_type);
  EXPECT_FALSE(registry::parse_transport_uri("echo:lobby").ok());
}

}  // namespace
}  // namespace dclcomms
