// The registry: our reference transports (each must pass every case of its types), the driver
// lookup, and find_transport over both reference transports and mutants.
#include "dclcomms/registry/reference_transports.hpp"
#include "../driver/src/driver_transport.hpp"
#include "dclcomms/conformance/registry.hpp"
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

void register_reference_types(transport::TransportFactory& factory, const HarnessServices& services) {
  registry::ReferenceServices reference;
  reference.livekit.connector = services.livekit;
  reference.livekit.unix_seconds_now = services.unix_seconds_now;
  registry::register_reference_transports(factory, reference);
}

std::vector<TransportUnderTest> reference_transports() {
  // Every reference transport registers every standard type (the one list, reference/registry):
  // the capabilities say which type its cases exercise; signed-login needs ws-room beside it anyway.
  const auto register_all = &register_reference_types;
  std::vector<TransportUnderTest> all;
  all.push_back({"ws-room", ws_room_capabilities(), register_all});
  all.push_back({"signed-login", capabilities_for("signed-login", false), register_all});
  all.push_back({"livekit", capabilities_for("livekit", true), register_all});
  all.push_back({"simulator", capabilities_for("simulator", false), register_all});
  all.push_back({"offline", capabilities_for("offline", false), register_all});
  return all;
}

core::Result<TransportUnderTest, ConformanceError> find_driver(const std::string& command) { return driver_under_test(command); }

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
