#pragma once
// The one place that lists the standard transport types. Each type lives in its own folder under
// reference/ (its URI rules, transport and registration); this registers them all, so a program
// that wants "every type we ship" never names them one by one. Adding a type: docs/adding-a-transport.md.

#include <span>
#include <string_view>

#include "dclcomms/core/result.hpp"
#include "dclcomms/livekit/livekit_transport.hpp"
#include "dclcomms/transport/transport_factory.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::registry {

/// What some types need beyond the factory's TransportContext.
struct ReferenceServices {
  /// livekit's session engine: the SFU model inside a simulation, a conformance driver's bridge.
  /// None (the default): livekit URIs are validated, and create() says no engine is available.
  livekit::LivekitTransportOptions livekit;
};

/// One type's registration as the list holds it: the type's own register_*() with what it needs.
using TypeRegistration = void (*)(transport::TransportFactory& factory, const ReferenceServices& services);

/// The list of the standard types, in the spec's order (ws-room, livekit, signed-login, offline,
/// simulator): the one place where a type is added.
std::span<const TypeRegistration> reference_type_registrations();

/// Registers every type in `types` on `factory`.
void register_transport_types(transport::TransportFactory& factory, const ReferenceServices& services,
                              std::span<const TypeRegistration> types);

/// register_transport_types() with reference_type_registrations(): ws-room, livekit, signed-login,
/// offline and simulator on `factory`. Types whose carrier
/// the factory's context lacks (no websocket connector, no HTTP client) are registered all the same
/// and refuse at create() with a message naming what is missing.
void register_reference_transports(transport::TransportFactory& factory, const ReferenceServices& services = {});

/// The generic grammar and then the rules of the standard type named, without a factory of one's
/// own: what `dclcomms uri check` and the URI corpus use. Other types fail with unsupported_type.
core::Result<transport::TransportUri, transport::UriError> parse_transport_uri(std::string_view uri);

}  // namespace dclcomms::registry
