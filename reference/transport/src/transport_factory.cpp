#include "dclcomms/transport/transport_factory.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/transport/uri_text.hpp"

namespace dclcomms::transport {
namespace {

bool is_standard_type(std::string_view type) {
  for (const std::string_view standard : standard_transport_types) {
    if (standard == type) return true;
  }
  return false;
}

/// The registered types for a message: the standard ones in the spec's order, then the others.
std::string supported_list(const std::vector<std::string>& registered) {
  std::vector<std::string> ordered;
  for (const std::string_view standard : standard_transport_types) {
    if (std::find(registered.begin(), registered.end(), standard) != registered.end()) ordered.emplace_back(standard);
  }
  for (const auto& type : registered) {
    if (!is_standard_type(type)) ordered.push_back(type);
  }
  std::string out;
  for (const auto& type : ordered) out += (out.empty() ? "" : ", ") + type;
  return out.empty() ? "none" : out;
}

}  // namespace

TransportFactory::TransportFactory(TransportContext context) : context_(std::move(context)) { DCL_ASSERT(context_.runtime != nullptr); }

void TransportFactory::register_type(std::string type, TransportMaker maker, UriValidator validator) {
  DCL_ASSERT(maker);
  if (validator) {
    validators_.insert_or_assign(type, std::move(validator));
  } else if (const auto it = validators_.find(type); it != validators_.end()) {
    validators_.erase(it);  // the new maker judges its own URIs
  }
  makers_.insert_or_assign(std::move(type), std::move(maker));
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

core::Result<TransportUri, UriError> TransportFactory::validate(std::string_view uri) const {
  auto generic = parse_transport_uri_generic(uri);
  if (!generic) return generic;
  const std::string type = generic->type;  // a copy: `generic` is moved from below
  const auto rules = validators_.find(type);
  auto parsed = rules == validators_.end() ? std::move(generic) : rules->second(std::move(generic).value());
  if (!parsed) return parsed;
  if (!makers_.contains(type)) {
    const std::string quoted = uri_text::quote(type);
    const std::string what = rules != validators_.end() ? "transport type " + quoted + " is valid but not available here"
                             : is_standard_type(type)   ? "transport type " + quoted + " is not available here"
                                                        : "unsupported transport type " + quoted;
    return core::fail(UriErrorCode::unsupported_type,
                      what + " (supported: " + supported_list(registered_types()) + ")" + unsupported_type_hints(type, parsed->params));
  }
  return parsed;
}

core::Result<TransportPtr, UriError> TransportFactory::create(std::string_view uri) const {
  auto parsed = validate(uri);
  if (!parsed) return core::Unexpected<UriError>{parsed.error()};
  return makers_.find(parsed->type)->second(*parsed, context_);
}

}  // namespace dclcomms::transport
