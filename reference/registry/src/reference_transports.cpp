#include "dclcomms/registry/reference_transports.hpp"

#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/offline/offline_transport.hpp"
#include "dclcomms/signed_login/signed_login_transport.hpp"
#include "dclcomms/simulator_transport/simulator_transport.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"

namespace dclcomms::registry {

namespace {

using transport::TransportFactory;

// One line per type, in the spec's order. A new type: its folder under reference/, and a line here.
constexpr TypeRegistration reference_types[] = {
    [](TransportFactory& f, const ReferenceServices&) { ws_room::register_ws_room(f); },
    [](TransportFactory& f, const ReferenceServices& s) { livekit::register_livekit(f, s.livekit); },
    [](TransportFactory& f, const ReferenceServices&) { signed_login::register_signed_login(f); },
    [](TransportFactory& f, const ReferenceServices&) { offline::register_offline(f); },
    [](TransportFactory& f, const ReferenceServices&) { simulator_transport::register_simulator_transport(f); },
};

}  // namespace

std::span<const TypeRegistration> reference_type_registrations() { return reference_types; }

void register_transport_types(TransportFactory& factory, const ReferenceServices& services, std::span<const TypeRegistration> types) {
  for (const TypeRegistration register_type : types) register_type(factory, services);
}

void register_reference_transports(TransportFactory& factory, const ReferenceServices& services) {
  register_transport_types(factory, services, reference_types);
}

core::Result<transport::TransportUri, transport::UriError> parse_transport_uri(std::string_view uri) {
  // A factory that only validates: it never creates, so its runtime never runs. Built once, and
  // read-only afterwards (validate() is const), so concurrent callers are safe.
  struct ValidatingFactory {
    core::ManualRuntime idle_runtime;
    transport::TransportFactory factory{transport::TransportContext{.runtime = &idle_runtime}};
    ValidatingFactory() { register_reference_transports(factory); }
  };
  static const ValidatingFactory validating;
  return validating.factory.validate(uri);
}

}  // namespace dclcomms::registry
