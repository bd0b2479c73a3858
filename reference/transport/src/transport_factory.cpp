#include "dclcomms/transport/transport_factory.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/transport/offline_transport.hpp"

namespace dclcomms::transport {
namespace {

bool is_standard_type(std::string_view type) {
  return std::ranges::find(standard_transport_types, type) != std::ranges::end(standard_transport_types);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

TransportFactory::TransportFactory(TransportContext context) : context_(context) {
  DCL_ASSERT(context_.runtime != nullptr);
  register_type("offline", [](const TransportUri&, const TransportContext& ctx)
                               -> core::Result<TransportPtr, UriError> {
    return TransportPtr(std::make_unique<OfflineTransport>(*ctx.runtime));
  });
}

void TransportFactory::register_type(std::string type, TransportMaker maker, Validation validation) {
  DCL_ASSERT(maker);
  makers_.insert_or_assign(std::move(type), Registration{std::move(maker), validation});
}

void TransportFactory::unregister_type(std::string_view type) {
  const auto it = makers_.find(type);
  if (it != makers_.end()) makers_.erase(it);
}

bool TransportFactory::supports(std::string_view type) const { return makers_.contains(type); }

std::vector<std::string> TransportFactory::registered_types() const {
  std::vector<std::string> types;
  for (const auto& entry : makers_) types.push_back(entry.first);
  return types;
}

core::Result<TransportPtr, UriError> TransportFactory::create(std::string_view uri) const {
  auto generic = parse_transport_uri_generic(uri);
  if (!generic) return core::Unexpected<UriError>{generic.error()};
  const std::string type = generic->type;  // a copy: `generic` may be moved from below
  const bool standard = is_standard_type(type);
  const auto it = makers_.find(type);
  const bool strict = standard && (it == makers_.end() || it->second.validation == Validation::standard);
  auto parsed = strict ? parse_transport_uri(uri) : std::move(generic);
  if (!parsed) return core::Unexpected<UriError>{parsed.error()};

  if (it == makers_.end()) {
    return core::fail(UriErrorCode::unsupported_type,
                      "transport type '" + type + "' is " +
                          (standard ? "valid but not available here" : "not supported") +
                          " (available: " + join(registered_types()) + ")");
  }
  return it->second.maker(*parsed, context_);
}

}  // namespace dclcomms::transport
