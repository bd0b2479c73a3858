#pragma once
// Tests that need a transport "like the reference ws-room one, but…": the reference transport,
// created through its own registration, handed to `wrap` to be changed.
#include <functional>
#include <string>

#include "dclcomms/conformance/registry.hpp"

namespace dclcomms::conformance::test_support {

using Wrap = std::function<transport::TransportPtr(transport::TransportPtr reference, const transport::TransportContext& context)>;

inline TransportUnderTest wrapped_reference_ws_room(std::string name, Capabilities capabilities, Wrap wrap) {
  TransportUnderTest t{std::move(name), std::move(capabilities), {}};
  t.register_types = [wrap](transport::TransportFactory& factory, const HarnessServices& services) {
    factory.register_type("ws-room",
                          [wrap, services](const transport::TransportUri& uri, const transport::TransportContext& context)
                              -> core::Result<transport::TransportPtr, transport::UriError> {
                            transport::TransportFactory reference(context);
                            find_transport("ws-room")->register_types(reference, services);
                            auto inner = reference.create(uri.type + ":" + uri.params);
                            if (!inner) return core::fail(inner.error().code, inner.error().message);
                            return wrap(std::move(inner).value(), context);
                          });
  };
  return t;
}

}  // namespace dclcomms::conformance::test_support
