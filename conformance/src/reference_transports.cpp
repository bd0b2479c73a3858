// The registry: our reference transports (each must pass every case of its types), the driver
// lookup, and find_transport over both reference transports and mutants.
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/livekit/livekit_transport.hpp"
#include "dclcomms/signed_login/signed_login_transport.hpp"
#include "dclcomms/simulator_transport/simulator_transport.hpp"
#include "dclcomms/transport/offline_transport.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"
#include "driver_transport.hpp"
#include "reference_capabilities.hpp"

namespace dclcomms::conformance {

Capabilities ws_room_capabilities() {
  Capabilities c;
  c.types = {"ws-room"};
  c.unreliable = true;
  c.targeted_sends = false;
  c.payload_bytes_max = 65535;
  c.virtual_time = true;
  return c;
}

namespace {

Capabilities capabilities_for(std::string type, bool targeted_sends) {
  Capabilities c = ws_room_capabilities();
  c.types = {std::move(type)};
  c.targeted_sends = targeted_sends;
  return c;
}

}  // namespace

std::vector<TransportUnderTest> reference_transports() {
  std::vector<TransportUnderTest> all;
  all.push_back({"ws-room", ws_room_capabilities(),
                 [](transport::TransportFactory& factory, const HarnessServices&) { ws_room::register_ws_room(factory); }});
  // signed-login delegates to the transport its endpoint names: it brings ws-room along.
  all.push_back({"signed-login", capabilities_for("signed-login", false), [](transport::TransportFactory& factory, const HarnessServices&) {
                   signed_login::register_signed_login(factory);
                   ws_room::register_ws_room(factory);
                 }});
  all.push_back({"livekit", capabilities_for("livekit", true), [](transport::TransportFactory& factory, const HarnessServices& services) {
                   livekit::LivekitTransportOptions options;
                   options.connector = services.livekit;
                   options.unix_seconds_now = services.unix_seconds_now;
                   livekit::register_livekit(factory, std::move(options));
                 }});
  all.push_back({"simulator", capabilities_for("simulator", false), [](transport::TransportFactory& factory, const HarnessServices&) {
                   simulator_transport::register_simulator_transport(factory);
                 }});
  all.push_back({"offline", capabilities_for("offline", false), [](transport::TransportFactory& factory, const HarnessServices&) {
                   factory.register_type("offline", [](const transport::TransportUri&, const transport::TransportContext& context)
                                                        -> core::Result<transport::TransportPtr, transport::UriError> {
                     return transport::TransportPtr(std::make_unique<transport::OfflineTransport>(*context.runtime));
                   });
                 }});
  return all;
}

core::Result<TransportUnderTest, std::string> find_driver(const std::string& command) { return driver_under_test(command); }

std::optional<TransportUnderTest> find_transport(const std::string& name) {
  for (auto& t : reference_transports()) {
    if (t.name == name) return t;
  }
  for (auto& m : mutants()) {
    if (m.transport.name == name) return m.transport;
  }
  return std::nullopt;
}

}  // namespace dclcomms::conformance
